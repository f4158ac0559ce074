import Testing

@testable import Compression

struct ZlibTests {
    @Test("streams zlib wrote, compressed and stored, decompress to the original")
    func zlibStreams() throws {
        #expect(try Zlib.decompress(fixture("text.zlib"), maximumOutputBytes: generous) == fixture("text.txt"))
        #expect(try Zlib.decompress(fixture("binary-stored.zlib"), maximumOutputBytes: generous) == fixture("binary.bin"))
        #expect(try Zlib.decompress([0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01], maximumOutputBytes: 0) == [])  // zlib.compress(b"")
    }

    @Test("the header, the Adler-32 and what follows are checked", arguments: [
        ([0x78], "the zlib header is truncated", 1),
        ([0x78, 0x9D, 0x03, 0x00], "incorrect header check: 0x78 0x9d is not a multiple of 31", 0),
        ([0x77, 0x85, 0x03, 0x00], "unknown compression method 7 (zlib has only 8, deflate)", 0),
        ([0x88, 0x98, 0x03, 0x00], "invalid window size: CINFO 8 (at most 7, a 32 KiB window)", 0),
        ([0x78, 0xBB, 0x00, 0x00, 0x00, 0x01, 0x03, 0x00], "the stream needs a preset dictionary (FDICT), which is not supported", 1),
        ([0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00], "the zlib trailer is truncated: 3 of its 4 bytes (Adler-32) are there", 7),
        ([0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x02], "incorrect data check: the trailer's Adler-32 is 0x00000002, the data's is 0x00000001", 4),
        ([0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00], "1 bytes after the end of the zlib stream", 8),
        ([0x78, 0x9C, 0x07], "invalid block type 3 (0 stored, 1 fixed, 2 dynamic Huffman)", 2),
    ] as [([UInt8], String, Int)])
    func errors(bytes: [UInt8], message: String, offset: Int) {
        #expect(throws: DecompressionError(message, offset: offset)) { try Zlib.decompress(bytes, maximumOutputBytes: generous) }
    }

    @Test("the output limit")
    func outputLimit() throws {
        let error = try #require(throws: DecompressionError.self) { try Zlib.decompress(fixture("text.zlib"), maximumOutputBytes: 100) }
        #expect(error.outputLimit == 100)
    }
}
