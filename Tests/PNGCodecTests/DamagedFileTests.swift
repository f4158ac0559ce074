import Testing

@testable import PNGCodec

/// The damaged PNGs of `Fixtures/` (made by make-fixtures.sh from a 5×3 greyscale image
/// and a 2-bit palette image): the signature at 0, IHDR at 8 (its data at 16), the first
/// chunk after it at 33, the IDAT data of the greyscale ones at 41.
struct DamagedFileTests {
    @Test("every damaged file is an error that says what and where", arguments: [
        // The signature.
        ("empty", "the file is empty: a PNG starts with the 8-byte signature 89 50 4E 47 0D 0A 1A 0A", 0, nil),
        ("not-png", "not a PNG: the file does not start with the signature 89 50 4E 47 0D 0A 1A 0A (\\x89 P N G CR LF ^Z LF)", 0, nil),
        ("signature-crlf", "the PNG signature is damaged: byte 4 is 0x0a, not 0x0d (as when a transfer converts line ends)", 4, nil),
        ("signature-cut", "the file ends inside the PNG signature (5 of its 8 bytes)", 5, nil),
        ("signature-only", "the file ends after the signature: the IHDR chunk is missing", 8, nil),
        // Chunks, whatever their type.
        ("crc-idat", "the 'IDAT' chunk's CRC-32 is 0xa2327487, its type and data's is 0x82327487", 63, nil),
        ("crc-ancillary", "the 'tEXt' chunk's CRC-32 is 0x01b6ddd6, its type and data's is 0x01b6ddd7", 74, nil),
        ("truncated-in-idat", "the 'IDAT' chunk is truncated: its 22 bytes of data and 4 of CRC-32 need 26, the file has 11 after its type", 52, nil),
        ("truncated-in-length", "the file ends inside a chunk's length and type (5 of their 8 bytes)", 38, nil),
        ("chunk-length", "a chunk's length is 2147483648, more than 2^31 − 1, the most a PNG allows", 33, nil),
        ("chunk-type", "the chunk type 0x49 0x44 0x40 0x54 is not four ASCII letters", 37, nil),
        // The order of chunks.
        ("missing-iend", "the file ends without an IEND chunk", 67, nil),
        ("after-iend", "4 bytes after the IEND chunk, which ends a PNG", 79, nil),
        ("iend-data", "the IEND chunk has 1 byte of data; it has none", 67, nil),
        ("no-idat", "the IEND chunk comes before any IDAT chunk: the image has no data", 33, nil),
        ("ihdr-not-first", "the first chunk is 'tEXt': a PNG starts with IHDR", 8, nil),
        ("ihdr-twice", "a second IHDR chunk: a PNG has one, first", 33, nil),
        ("ihdr-length", "the IHDR chunk has 14 bytes of data; it has 13", 8, nil),
        ("idat-not-consecutive", "an IDAT chunk after the 'tEXt' chunk that follows the image data: IDAT chunks must be consecutive", 100, nil),
        ("unknown-critical", "unknown critical chunk 'CRIT': its uppercase first letter says the image cannot be decoded without it", 33, nil),
        // The header's fields.
        ("width-0", "the width is 0: an image is at least 1 pixel wide", 16, nil),
        ("height-0", "the height is 0: an image is at least 1 pixel tall", 20, nil),
        ("width-2-31", "the width 2147483648 is more than 2^31 − 1, the most a PNG allows", 16, nil),
        ("gray-depth-3", "bit depth 3 is not allowed for colour type 0 (greyscale): only 1, 2, 4, 8, 16", 24, nil),
        ("rgb-depth-4", "bit depth 4 is not allowed for colour type 2 (truecolour): only 8, 16", 24, nil),
        ("palette-depth-16", "bit depth 16 is not allowed for colour type 3 (indexed-colour): only 1, 2, 4, 8", 24, nil),
        ("gray-alpha-depth-1", "bit depth 1 is not allowed for colour type 4 (greyscale with alpha): only 8, 16", 24, nil),
        ("colour-type-1", "colour type 1 does not exist: the colour types are 0, 2, 3, 4 and 6", 25, nil),
        ("colour-type-5", "colour type 5 does not exist: the colour types are 0, 2, 3, 4 and 6", 25, nil),
        ("compression-1", "compression method 1 is unknown: 0 (deflate) is the only one", 26, nil),
        ("filter-method-1", "filter method 1 is unknown: 0 (adaptive filtering with five filter types) is the only one", 27, nil),
        ("interlace-2", "interlace method 2 is unknown: 0 (none) and 1 (Adam7) are the only ones", 28, nil),
        ("large-declared", "the header claims 100000×100000 pixels, more than the limit of 268435456", 16, nil),
        // The palette.
        ("plte-missing", "the image data of an indexed-colour image comes before any PLTE chunk: its palette is missing", 33, nil),
        ("plte-in-gray", "a PLTE chunk in a greyscale image (colour type 0), which has no palette", 33, nil),
        ("plte-length", "the PLTE chunk has 7 bytes of data: a palette is 1 to 256 entries of 3 bytes", 33, nil),
        ("plte-empty", "the PLTE chunk has 0 bytes of data: a palette is 1 to 256 entries of 3 bytes", 33, nil),
        ("plte-twice", "a second PLTE chunk: a PNG has at most one", 54, nil),
        ("plte-after-idat", "the PLTE chunk comes after the image data; it must come before the first IDAT chunk", 61, nil),
        ("palette-index", "pixel (2, 1) has palette index 3, beyond the palette's 3 entries", 62, 4),
        // The image data: the zlib stream, its size, the filters.
        ("zlib-cut", "the image data is not a valid zlib stream: unexpected end of data: the deflate stream is truncated", 57, nil),
        ("adler", "the image data is not a valid zlib stream: incorrect data check: the trailer's Adler-32 is 0x232a02fd, the data's is 0x232a02fc", 59, nil),
        ("after-zlib-stream", "the image data is not a valid zlib stream: 2 bytes after the end of the zlib stream", 63, nil),
        ("too-little-data", "the image data decompresses to 12 bytes; a 5×3, 8-bit greyscale image's scanlines are 18", 59, nil),
        ("too-much-data", "the image data decompresses to more than the 18 bytes of a 5×3, 8-bit greyscale image's scanlines", 57, nil),
        ("filter-type", "scanline 1 has filter type 5: the types are 0 (None), 1 (Sub), 2 (Up), 3 (Average) and 4 (Paeth)", 41, 6),
        ("filter-type-adam7", "scanline 0 of pass 5 has filter type 7: the types are 0 (None), 1 (Sub), 2 (Up), 3 (Average) and 4 (Paeth)", 41, 6),
    ] as [(String, String, Int, Int?)])
    func damagedFiles(name: String, message: String, offset: Int, imageDataOffset: Int?) throws {
        let bytes = try fixture("bad-\(name).png")
        #expect(throws: PNGError(message, offset: offset, imageDataOffset: imageDataOffset,
                                 claimedSize: name == "large-declared" ? (100000, 100000) : nil)) {
            try PNGImage(reading: bytes)
        }
    }

    @Test("a zlib bomb (1×1 declared, 5,000,000 bytes inside) stops where its output passes the 2 bytes declared")
    func bomb() throws {
        let bytes = try fixture("bad-bomb.png")
        #expect(bytes.count < 5000)
        let error = try #require(throws: PNGError.self) { try PNGImage(reading: bytes) }
        #expect(error.message == "the image data decompresses to more than the 2 bytes of a 1×1, 8-bit greyscale image's scanlines")
        // The IDAT data starts at byte 41: the inflater stopped 15 bytes into 4,880, at the
        // first match, with at most 2 bytes (and Compression's 16 of slack) allocated for output.
        #expect((41..<41 + 64).contains(error.offset))
    }

    @Test("the pixel limit is settable and applies before any allocation; the claimed size is in the error")
    func pixelLimit() throws {
        let bytes = try fixture("python-rgb8.png")  // 13 × 11
        let error = try #require(throws: PNGError.self) { try PNGImage(reading: bytes, pixelLimit: 142) }
        #expect(error == PNGError("the header claims 13×11 pixels, more than the limit of 142", offset: 16, claimedSize: (13, 11)))
        #expect(error.claimedSize?.pixels == 143)
        #expect(try PNGImage(reading: bytes, pixelLimit: 143).image.width == 13)
    }

    @Test("every prefix of a valid file is refused, never a trap")
    func truncations() throws {
        for name in ["python-rgba16-adam7.png", "python-palette4.png", "imagemagick-gray2-adam7.png"] {
            let bytes = try fixture(name)
            _ = try PNGImage(reading: bytes)
            for count in 0..<bytes.count {
                #expect(throws: PNGError.self, "\(name) cut to \(count) bytes") { try PNGImage(reading: Array(bytes.prefix(count))) }
            }
        }
    }

    @Test("a change to any one byte of a file is refused: the signature, the lengths, and the CRCs cover every byte")
    func everyByteChecked() throws {
        let bytes = try fixture("bad-base.png")
        _ = try PNGImage(reading: bytes)
        for offset in bytes.indices {
            for flip: UInt8 in [0x01, 0x80, 0xFF] {
                var damaged = bytes
                damaged[offset] ^= flip
                #expect(throws: PNGError.self, "byte \(offset) ^ \(flip)") { try PNGImage(reading: damaged) }
            }
        }
    }

    @Test("errors read as one line: the byte, and the byte of the image data when there is one")
    func descriptions() {
        #expect(PNGError("the file ends without an IEND chunk", offset: 67).description == "byte 67: the file ends without an IEND chunk")
        #expect(PNGError("scanline 1 has filter type 5", offset: 41, imageDataOffset: 6).description
                == "byte 41 (image data byte 6): scanline 1 has filter type 5")
    }
}
