import Datasets
import Testing

struct IDXFileTests {
    /// An IDX file of unsigned bytes: the header for `dimensions`, then `data`.
    static func file(_ dimensions: [Int], _ data: [UInt8], type: UInt8 = 0x08) -> [UInt8] {
        [0, 0, type, UInt8(dimensions.count)] + dimensions.flatMap { size in (0..<4).reversed().map { UInt8(truncatingIfNeeded: size >> (8 * $0)) } } + data
    }

    @Test("a 2 × 2 × 3 file by hand: dimensions big-endian, data row-major")
    func byHand() throws {
        let idx = try IDXFile(reading: Self.file([2, 2, 3], Array(0..<12)), maximumElements: 100)
        #expect(idx.dimensions == [2, 2, 3])
        #expect(idx.bytes == Array(0..<12))
        #expect(try IDXFile(reading: [0, 0, 8, 1, 0, 0, 1, 0] + [UInt8](repeating: 7, count: 256), maximumElements: 256).dimensions == [256])
    }

    @Test("the shipped digits: MNIST's own files, 3,000 + 1,000 images of 28 × 28 and their labels")
    func shippedDigits() throws {
        let folder = try DatasetFolder(DatasetsTests.samples.appendingPathComponent("digits").path)
        let train = try folder.load(.train, maximumValues: 1 << 24)
        let test = try folder.load(.test, maximumValues: 1 << 24)
        #expect((train.count, test.count) == (3000, 1000))
        #expect(train.size == .init(28) && train.channels == 1 && train.classes == (0...9).map(String.init))
        #expect((0...9).allSatisfy { digit in train.labels.filter { $0 == digit }.count == 300 })
        #expect(train.pixels.allSatisfy { (0...1).contains($0) } && train.pixels.contains(1) && train.pixels.contains(0))
    }

    @Test("hostile headers are refused before anything is allocated, with what is wrong", arguments: [
        ([UInt8](), "the file has 0 bytes: too short for an IDX header (4 bytes at least)"),
        ([1, 0, 8, 1, 0, 0, 0, 0], "not an IDX file: it starts with 0x0100, not two zero bytes"),
        (IDXFileTests.file([2], [1, 2], type: 0x0D), "type byte 0x0D: only unsigned bytes (0x08) are read, as MNIST's files hold"),
        ([0, 0, 8, 0], "the header gives no dimensions"),
        ([0, 0, 8, 2, 0, 0, 0, 1], "the header gives 2 dimensions, but the file ends after 8 bytes"),
        (IDXFileTests.file([0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF], []), "the header gives dimensions 4294967295…, more than the limit of 1000 values"),
        (IDXFileTests.file([10, 10], Array(repeating: 0, count: 99)), "the header gives 10 × 10 = 100 values, but the file holds 99 bytes after it (truncated)"),
        (IDXFileTests.file([3], [1, 2, 3, 4]), "the header gives 3 = 3 values, but the file holds 4 bytes after it (too long)"),
    ])
    func hostile(bytes: [UInt8], message: String) {
        #expect(throws: IDXError(message, exceedsLimit: message.contains("more than the limit"))) { try IDXFile(reading: bytes, maximumElements: 1000) }
    }
}
