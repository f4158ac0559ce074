import Testing

@testable import Compression

struct GzipTests {
    @Test("files gzip wrote at every level 1–9, text and binary, decompress to the original", arguments: 1...9)
    func levels(level: Int) throws {
        #expect(try Gzip.decompress(fixture("text-\(level).gz"), maximumOutputBytes: generous) == fixture("text.txt"))
        #expect(try Gzip.decompress(fixture("binary-\(level).gz"), maximumOutputBytes: generous) == fixture("binary.bin"))
    }

    @Test("header fields: a name (FNAME), and all of FTEXT, FHCRC, FEXTRA, FNAME, FCOMMENT; an empty file")
    func headers() throws {
        let text = try fixture("text.txt")
        let named = try fixture("text-named.gz")
        #expect(named[3] == Gzip.fname && named[10..<19] == ArraySlice("text.txt\0".utf8))
        #expect(try Gzip.decompress(named, maximumOutputBytes: generous) == text)
        let flags = try fixture("flags.gz")
        #expect(flags[3] == 0x1F)
        #expect(try Gzip.decompress(flags, maximumOutputBytes: generous) == text)
        #expect(try Gzip.decompress(fixture("empty.gz"), maximumOutputBytes: 0) == [])
    }

    @Test("several members, as cat a.gz b.gz makes: all decoded, one after the other")
    func members() throws {
        let expected = try fixture("text.txt") + fixture("binary.bin")
        #expect(try Gzip.decompress(fixture("multi.gz"), maximumOutputBytes: generous) == expected)
        let empty = try fixture("empty.gz")
        #expect(try Gzip.decompress(empty + fixture("short.gz") + empty, maximumOutputBytes: generous) == Array("a short gzip member, to be damaged\n".utf8))
        // The limit counts all members together.
        #expect(throws: DecompressionError.self) { try Gzip.decompress(fixture("multi.gz"), maximumOutputBytes: expected.count - 1) }
        #expect(try Gzip.decompress(fixture("multi.gz"), maximumOutputBytes: expected.count).count == expected.count)
    }

    @Test("distance 32768: the trailer's CRC-32 and length, from zlib, match")
    func farthestDistance() throws {
        #expect(try Gzip.decompress(fixture("distance-32768.gz"), maximumOutputBytes: generous).count == 33284)
    }

    @Test("damaged files are refused with what and where (gzip's verdicts: Fixtures/gzip-verdicts.txt)", arguments: [
        ("bad-magic.gz", "not a gzip file: it starts with 0x1f 0x8c, not the gzip magic 1f 8b", 0),
        ("bad-method.gz", "unknown compression method 7 (gzip has only 8, deflate)", 2),
        ("reserved-flag.gz", "reserved flag bits are set (flags 0x20): not a gzip header this decoder knows", 3),
        ("bad-crc.gz", "CRC-32 mismatch: the trailer says 0x86cc396e, the data's is 0x868c396e", 47),
        ("bad-isize.gz", "length mismatch: the trailer's ISIZE says 36 bytes, the data has 35 (mod 2^32)", 51),
        ("bad-header-crc.gz", "header CRC mismatch: FHCRC says 0x6894, the header's CRC-16 is 0x6994", 42),
        ("bad-block-type.gz", "invalid block type 3 (0 stored, 1 fixed, 2 dynamic Huffman)", 10),
        ("trailing-garbage.gz", "trailing data after gzip member 1: 4 bytes that are not a gzip member", 55),
        ("trailing-zeros.gz", "trailing data after gzip member 1: 4 zero bytes (padding, which gzip ignores)", 55),
    ])
    func damaged(name: String, message: String, offset: Int) throws {
        let bytes = try fixture(name)
        #expect(throws: DecompressionError(message, offset: offset)) { try Gzip.decompress(bytes, maximumOutputBytes: generous) }
    }

    @Test("empty input, and a file cut anywhere: in the header, the deflate data, the trailer")
    func truncated() throws {
        #expect(throws: DecompressionError("not a gzip file: the input is empty", offset: 0)) {
            try Gzip.decompress([UInt8](), maximumOutputBytes: generous)
        }
        let file = try fixture("text-6.gz")
        let named: [(Int, String)] = [
            (1, "the gzip header is truncated"), (9, "the gzip header is truncated"),
            (10, "unexpected end of data: the deflate stream is truncated"),
            (1000, "unexpected end of data: the deflate stream is truncated"),
            (file.count - 8, "the gzip trailer is truncated: 0 of its 8 bytes (CRC-32, ISIZE) are there"),
            (file.count - 1, "the gzip trailer is truncated: 7 of its 8 bytes (CRC-32, ISIZE) are there"),
        ]
        for (end, message) in named {
            #expect(throws: DecompressionError(message, offset: end), "cut at \(end)") {
                try Gzip.decompress(file[0..<end], maximumOutputBytes: generous)
            }
        }
        for end in 1..<file.count {
            #expect(throws: DecompressionError.self, "cut at \(end)") { try Gzip.decompress(file[0..<end], maximumOutputBytes: generous) }
        }
        // A second member cut short is an error too, not trailing bytes to ignore.
        let short = try fixture("short.gz")
        for end in 1..<short.count {
            #expect(throws: DecompressionError.self, "second member cut at \(end)") {
                try Gzip.decompress(short + short[0..<end], maximumOutputBytes: generous)
            }
        }
        let unterminated = Array(file[0..<3]) + [Gzip.fname] + [UInt8](repeating: 0x41, count: 10)
        #expect(throws: DecompressionError("the gzip header is truncated: its file name has no terminating zero byte", offset: 14)) {
            try Gzip.decompress(unterminated, maximumOutputBytes: generous)
        }
    }

    @Test("the output limit: the error names it; a lying ISIZE is only a hint, and is caught")
    func outputLimit() throws {
        let file = try fixture("text-6.gz")
        let error = try #require(throws: DecompressionError.self) { try Gzip.decompress(file, maximumOutputBytes: 4415) }
        #expect(error.outputLimit == 4415)
        #expect(error.message == "the decompressed data is larger than the limit of 4415 bytes (maximumOutputBytes)")
        #expect(try Gzip.decompress(file, maximumOutputBytes: 4416).count == 4416)
        // ISIZE claims 4 GiB − 1: the first allocation stays small, and the length check fails.
        var lying = file
        lying.replaceSubrange((file.count - 4)..., with: [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(throws: DecompressionError("length mismatch: the trailer's ISIZE says 4294967295 bytes, the data has 4416 (mod 2^32)", offset: file.count - 4)) {
            try Gzip.decompress(lying, maximumOutputBytes: Int.max)
        }
    }

    @Test("isGzip: the magic and the method")
    func isGzip() throws {
        #expect(Gzip.isGzip(try fixture("text-6.gz")))
        #expect(Gzip.isGzip(try fixture("empty.gz")))
        #expect(!Gzip.isGzip(try fixture("bad-magic.gz")))
        #expect(!Gzip.isGzip(try fixture("bad-method.gz")))
        #expect(!Gzip.isGzip([UInt8]()))
        #expect(!Gzip.isGzip([0x1F, 0x8B]))
        #expect(!Gzip.isGzip(try fixture("text.zlib")))
    }

    @Test("errors read as 'byte N: what'")
    func description() {
        #expect(DecompressionError("invalid distance too far back", offset: 1234).description == "byte 1234: invalid distance too far back")
    }
}
