import Foundation

/// Reads a fixture from `Fixtures/`.
func fixture(_ name: String) throws -> [UInt8] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
    return Array(try Data(contentsOf: url))
}

/// The lines of a `deflate-*.txt` fixture, comments left out: name, bytes, and the rest.
func deflateCases(_ name: String) throws -> [(name: String, input: [UInt8], rest: String)] {
    try String(decoding: fixture(name), as: UTF8.self).split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
        let fields = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        return (fields[0], bytes(hex: fields[1]), fields.count > 2 ? fields[2] : "")
    }
}

/// "1f8b" → [0x1F, 0x8B]; "-" and "" → [].
func bytes(hex: String) -> [UInt8] {
    let digits = Array(hex.utf8).filter { $0 != UInt8(ascii: "-") }
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
}

/// SplitMix64 (Steele, Lea and Flood 2014): a seeded generator, the same on every platform.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Writes deflate's bit order: data elements least significant bit first, Huffman codes
/// most significant bit first (RFC 1951, section 3.1.1). For streams built by the tests.
struct BitWriter {
    private(set) var bytes: [UInt8] = []
    private var accumulator: UInt64 = 0
    private var count = 0

    mutating func put(_ value: Int, _ bits: Int) {
        accumulator |= UInt64(value) << count
        count += bits
        while count >= 8 {
            bytes.append(UInt8(truncatingIfNeeded: accumulator))
            accumulator >>= 8
            count -= 8
        }
    }

    mutating func code(_ code: Int, _ length: Int) {
        var reversed = 0
        for i in 0..<length { reversed |= (code >> i & 1) << (length - 1 - i) }
        put(reversed, length)
    }

    /// The bytes, the last one padded with zero bits.
    mutating func finish() -> [UInt8] {
        if count > 0 { put(0, 8 - count) }
        return bytes
    }
}

/// A gzip member around raw deflate `data`, with the trailer given (or right for `output`).
func gzipMember(deflate data: [UInt8], crc: UInt32, size: UInt32) -> [UInt8] {
    [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3] + data + withUnsafeBytes(of: crc.littleEndian, Array.init) + withUnsafeBytes(of: size.littleEndian, Array.init)
}

/// Reads a file of the repository by its path from the top: "Samples/camera.pgm".
func repositoryFile(_ path: String) throws -> [UInt8] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(path)
    return Array(try Data(contentsOf: url))
}
