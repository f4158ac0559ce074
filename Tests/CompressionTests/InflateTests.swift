import Testing

@testable import Compression

/// Enough for every fixture; the limit itself is tested separately.
let generous = 1 << 24

struct InflateTests {
    @Test("streams written by zlib: stored blocks (with empty ones), fixed-Huffman only, dynamic")
    func zlibStreams() throws {
        let text = try fixture("text.txt"), binary = try fixture("binary.bin")
        #expect(try Inflate.decompress(raw: fixture("binary-stored.deflate"), maximumOutputBytes: generous) == binary)
        #expect(try Inflate.decompress(raw: fixture("text-fixed.deflate"), maximumOutputBytes: generous) == text)
        #expect(try Inflate.decompress(raw: fixture("text-9.deflate"), maximumOutputBytes: generous) == text)
    }

    @Test("hand-assembled streams zlib accepts decode to what zlib decodes them to")
    func validCases() throws {
        let cases = try deflateCases("deflate-valid.txt")
        #expect(cases.count == 10)
        for c in cases {
            #expect(try Inflate.decompress(raw: c.input, maximumOutputBytes: generous) == bytes(hex: c.rest), "\(c.name)")
        }
    }

    /// Our error for each of `deflate-invalid.txt`'s streams (zlib's message is in the file).
    static let expectedErrors: [String: (String, Int)] = [
        "empty-input": ("unexpected end of data: the deflate stream is truncated", 0),
        "block-type-3": ("invalid block type 3 (0 stored, 1 fixed, 2 dynamic Huffman)", 0),
        "stored-lengths": ("invalid stored block lengths: LEN 5 and NLEN 0 are not complements", 1),
        "stored-truncated": ("unexpected end of data: the deflate stream is truncated", 7),
        "no-final-block": ("unexpected end of data: the deflate stream is truncated", 5),
        "too-many-literal-codes": ("too many length or distance symbols: 287 literal/length codes (at most 286)", 0),
        "too-many-distance-codes": ("too many length or distance symbols: 31 distance codes (at most 30)", 0),
        "code-lengths-over-subscribed": ("invalid code lengths set: the code length code is over-subscribed", 0),
        // zlib decodes with the empty code (each length 0, one bit each) and then finds no
        // end-of-block code; refusing the empty code at once refuses the same streams.
        "code-lengths-empty": ("invalid code lengths set: the code length code is incomplete", 0),
        "code-lengths-incomplete": ("invalid code lengths set: the code length code is incomplete", 0),
        "repeat-first": ("invalid bit length repeat: code 16 (repeat the previous length) comes first", 9),
        "repeat-past-end": ("invalid bit length repeat: at length 138 of 259, a repeat of 138 goes past the end", 10),
        "missing-end-of-block": ("invalid code -- missing end-of-block: symbol 256 has no code", 0),
        "literal-codes-over-subscribed": ("invalid literal/lengths set: the literal/length code is over-subscribed", 0),
        "literal-codes-incomplete": ("invalid literal/lengths set: the literal/length code is incomplete", 0),
        "distance-codes-over-subscribed": ("invalid distances set: the distance code is over-subscribed", 0),
        "distance-codes-incomplete": ("invalid distances set: the distance code is incomplete", 0),
        "literal-code-286": ("invalid literal/length code", 1),
        "distance-code-30": ("invalid distance code", 1),
        "distance-too-far": ("invalid distance 2 too far back (output so far: 1)", 1),
        "distance-at-start": ("invalid distance 1 too far back (output so far: 0)", 0),
        "unused-distance-code": ("invalid distance code", 171),
        "unused-literal-code": ("invalid literal/length code", 170),
        "truncated-in-data": ("unexpected end of data: the deflate stream is truncated", 10),
        "truncated-after-header": ("unexpected end of data: the deflate stream is truncated", 171),
        "truncated-in-header": ("unexpected end of data: the deflate stream is truncated", 1),
    ]

    @Test("hand-assembled streams zlib refuses are refused, each with its reason and byte")
    func invalidCases() throws {
        let cases = try deflateCases("deflate-invalid.txt")
        #expect(Set(cases.map(\.name)) == Set(Self.expectedErrors.keys))
        for c in cases {
            let (message, offset) = try #require(Self.expectedErrors[c.name])
            #expect(throws: DecompressionError(message, offset: offset), "\(c.name) (zlib: \(c.rest))") {
                try Inflate.decompress(raw: c.input, maximumOutputBytes: generous)
            }
        }
    }

    @Test("distance 32768, the farthest back deflate reaches, with length 258")
    func farthestDistance() throws {
        let gz = try fixture("distance-32768.gz")
        let output = try Inflate.decompress(raw: gz[10..<(gz.count - 8)], maximumOutputBytes: generous)
        #expect(output.count == 32768 + 2 * 258)
        #expect(output[32768...] == output[0..<516])
        #expect(CRC32.checksum(output) == 0xAB75_E85E)  // the trailer's, from zlib
    }

    @Test("every prefix of a stream is truncated, and bytes after the final block are refused")
    func truncationAndTrailingBytes() throws {
        let stream = try fixture("text-9.deflate")
        for end in 0..<stream.count {
            #expect(throws: DecompressionError.self, "prefix of \(end) bytes") {
                try Inflate.decompress(raw: stream[0..<end], maximumOutputBytes: generous)
            }
        }
        #expect(throws: DecompressionError("1 bytes after the end of the deflate stream", offset: stream.count)) {
            try Inflate.decompress(raw: stream + [0], maximumOutputBytes: generous)
        }
    }

    @Test("the output limit: exactly the limit is fine, one byte less is refused, in every kind of block")
    func outputLimit() throws {
        for name in ["binary-stored.deflate", "text-fixed.deflate", "text-9.deflate"] {
            let stream = try fixture(name)
            let size = try Inflate.decompress(raw: stream, maximumOutputBytes: generous).count
            #expect(try Inflate.decompress(raw: stream, maximumOutputBytes: size).count == size, "\(name)")
            do {
                _ = try Inflate.decompress(raw: stream, maximumOutputBytes: size - 1)
                Issue.record("\(name): no error")
            } catch {
                #expect(error.outputLimit == size - 1, "\(name)")
                #expect(error.message == "the decompressed data is larger than the limit of \(size - 1) bytes (maximumOutputBytes)")
            }
            #expect(throws: DecompressionError.self) { try Inflate.decompress(raw: stream, maximumOutputBytes: 0) }
        }
    }

    @Test("a decompression bomb (100 MB from 630 KB) is refused at the limit, before its output is allocated")
    func bomb() throws {
        var bits = BitWriter()
        bits.put(1, 1); bits.put(1, 2)  // final, fixed Huffman
        bits.code(0x30, 8)  // literal 0
        for _ in 0..<(100_000_000 / 258) {
            bits.code(0xC5, 8)  // length symbol 285: 258
            bits.code(0, 5)  // distance symbol 0: 1
        }
        bits.code(0, 7)  // end of block
        let bomb = bits.finish()
        #expect(bomb.count < 640_000)
        let error = try #require(throws: DecompressionError.self) {
            try Inflate.decompress(raw: bomb, maximumOutputBytes: 1 << 20)
        }
        #expect(error.outputLimit == 1 << 20)
        #expect(error.offset < 10_000, "refused when the limit is reached, not at the end")
        #expect(error.description.hasPrefix("byte "))
    }

    @Test("the collection overloads: a slice, an array, a non-contiguous collection, a raw buffer")
    func inputKinds() throws {
        let stream = try fixture("text-9.deflate"), text = try fixture("text.txt")
        #expect(try Inflate.decompress(raw: ([0] + stream)[1...], maximumOutputBytes: generous) == text)
        #expect(try Inflate.decompress(raw: stream.lazy.map { $0 }, maximumOutputBytes: generous) == text)
        #expect(try stream.withUnsafeBytes { try Inflate.decompress(raw: $0, maximumOutputBytes: generous) } == text)
    }
}
