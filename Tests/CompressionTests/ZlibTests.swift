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

    @Test("compress writes zlib's bytes for no input and for one byte, at every level: header, FLEVEL, check bits, Adler-32")
    func compressSmall() {
        // zlib.compress(b"", level) and zlib.compress(b"a", level) from Python 3.11's zlib 1.2.13.
        let empty = ["7801010000ffff00000001", "7801030000000001"] + Array(repeating: "785e030000000001", count: 4)
            + ["789c030000000001"] + Array(repeating: "78da030000000001", count: 3)
        let a = ["7801010100feff6100620062", "78014b040000620062"] + Array(repeating: "785e4b040000620062", count: 4)
            + ["789c4b040000620062"] + Array(repeating: "78da4b040000620062", count: 3)
        for level in CompressionLevel.allCases {
            #expect(Zlib.compress([UInt8](), level: level) == bytes(hex: empty[level.value]), "\(level)")
            #expect(Zlib.compress(Array("a".utf8), level: level) == bytes(hex: a[level.value]), "\(level)")
            let header = Zlib.header(level: level)
            #expect((UInt16(header[0]) << 8 | UInt16(header[1])) % 31 == 0 && header[1] & 0x20 == 0)
        }
    }

    @Test("compress and decompress round trip at every level, the checksum checked", arguments: CompressionLevel.allCases)
    func compressRoundTrip(level: CompressionLevel) throws {
        let data = try fixture("text.txt") + fixture("binary.bin") + Inputs.copies(50_000, seed: 9)
        let stream = Zlib.compress(data, level: level)
        #expect(try Zlib.decompress(stream, maximumOutputBytes: data.count) == data)
        #expect(Array(stream.suffix(4)) == withUnsafeBytes(of: Adler32.checksum(data).bigEndian, Array.init))
        #expect(Array(stream[2..<(stream.count - 4)]) == Deflate.compress(data, level: level))
    }

    @Test("the output limit")
    func outputLimit() throws {
        let error = try #require(throws: DecompressionError.self) { try Zlib.decompress(fixture("text.zlib"), maximumOutputBytes: 100) }
        #expect(error.outputLimit == 100)
    }
}
