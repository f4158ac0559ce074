import Foundation
import Testing

@testable import Netpbm

/// Reads a fixture from `Fixtures/`.
func fixture(_ name: String) throws -> [UInt8] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
    return Array(try Data(contentsOf: url))
}

private func read(_ text: String, image: Int = 0, pixelLimit: Int = NetpbmImage.defaultPixelLimit) throws(NetpbmError) -> NetpbmImage {
    try NetpbmImage(reading: Array(text.utf8), image: image, pixelLimit: pixelLimit)
}

struct NetpbmReaderTests {
    static let ramp: [UInt16] = Array(repeating: [0, 63, 127, 191, 255], count: 3).flatMap { $0 }

    @Test("files written by the netpbm tools, raw and plain, read as the tools wrote them")
    func netpbmFixtures() throws {
        for name in ["ramp.pgm", "ramp-plain.pgm"] {
            let image = try NetpbmImage(reading: try fixture(name))
            #expect((image.kind, image.width, image.height, image.channels, image.maxval) == (.graymap, 5, 3, 1, 255), "\(name)")
            #expect(image.samples == .integers(Self.ramp), "\(name)")
        }
        let deep = try NetpbmImage(reading: try fixture("ramp16.pgm"))
        #expect(deep.maxval == 65535)
        #expect(deep.samples == .integers(Array(repeating: [0, 16383, 32767, 49151, 65535], count: 3).flatMap { $0 }))

        let colors: [UInt16] = [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 0, 0, 255, 255, 255, 128, 1]
        for name in ["colors.ppm", "colors-plain.ppm"] {
            let image = try NetpbmImage(reading: try fixture(name))
            #expect((image.kind, image.width, image.height, image.channels) == (.pixmap, 3, 2, 3), "\(name)")
            #expect(image.samples == .integers(colors), "\(name)")
        }
        let deepColors = try NetpbmImage(reading: try fixture("colors16.ppm"))
        #expect(deepColors.samples == .integers(colors.map { $0 * 257 }))  // pamdepth scales 255 → 65535

        // pbmmake -g: a checkerboard starting with white; PBM's 1 is black.
        let checker: [UInt16] = (0..<30).map { UInt16(($0 / 10 + $0 % 10) % 2) }
        for name in ["gray50.pbm", "gray50-plain.pbm"] {
            let image = try NetpbmImage(reading: try fixture(name))
            #expect((image.kind, image.width, image.height, image.maxval) == (.bitmap, 10, 3, 1), "\(name)")
            #expect(image.samples == .integers(checker), "\(name)")
            #expect(image.unitValues.prefix(3) == [1, 0, 1], "\(name): white is 1, black 0")
        }
    }

    @Test("PFM from pamtopfm: little- and big-endian read the same, rows back in top-to-bottom order")
    func pfmFixtures() throws {
        let little = try NetpbmImage(reading: try fixture("ramp.pfm"))
        let big = try NetpbmImage(reading: try fixture("ramp-big.pfm"))
        #expect(little == big)
        #expect((little.kind, little.width, little.height, little.channels) == (.floatmap, 5, 3, 1))
        // pamtopfm's floats are taken as they are; it rounds 63/255 one ulp away from Swift's.
        expectWithinAnUlp(little.unitValues, Self.ramp.map { Float($0) / 255 })
        let colors = try NetpbmImage(reading: try fixture("colors.pfm"))
        #expect(colors.channels == 3)
        expectWithinAnUlp(colors.unitValues, try NetpbmImage(reading: try fixture("colors.ppm")).unitValues)
    }

    private func expectWithinAnUlp(_ actual: [Float], _ expected: [Float], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.count == expected.count, sourceLocation: sourceLocation)
        for (a, e) in zip(actual, expected) {
            #expect(abs(a - e) <= e.ulp, "\(a) ≠ \(e)", sourceLocation: sourceLocation)
        }
    }

    @Test("several images in one file: the first by default, another by index")
    func multipleImages() throws {
        let bytes = try fixture("two-images.pgm")
        #expect(try NetpbmImage(reading: bytes).maxval == 255)
        #expect(try NetpbmImage(reading: bytes, image: 1).maxval == 65535)
        #expect(throws: NetpbmError("the file holds 2 images; there is no image 2 (counting from 0)", offset: 69, line: 7)) {
            try NetpbmImage(reading: bytes, image: 2)
        }
        // Whitespace between images is allowed.
        #expect(try read("P2 1 1 9 4\n \n\tP2 1 1 9 5\n", image: 1).samples == .integers([5]))
    }

    @Test("comments anywhere in a header, even inside a number, and any whitespace")
    func commentsAndWhitespace() throws {
        let image = try read("P2# after the magic\n# a line\n 1\t\r\n1#inside\n2 # before maxval\n9\n3\u{0B}7\u{0C}1 2 3 4 5 6 7 8 9 0\n")
        // The specification: a comment can be in the middle of a token: "1#inside\n2" is 12.
        #expect((image.width, image.height, image.maxval) == (1, 12, 9))
        #expect(image.samples == .integers([3, 7, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0]))
    }

    @Test("a raw raster follows exactly one whitespace character; a comment before it does not count as that character")
    func rasterDelimiter() throws {
        // "255\r\n": the \r delimits, the \n is the first sample (10).
        #expect(try read("P5 2 1 255\r\n\u{05}").samples == .integers([10, 5]))
        #expect(try read("P5 2 1 255#note\n\nAB").samples == .integers([65, 66]))
        #expect(throws: NetpbmError("expected one whitespace character after the header (it separates the header from the raster), found 'A'", offset: 16, line: 2)) {
            try read("P5 2 1 255#note\nAB")
        }
    }

    @Test("PBM rows are padded to whole bytes and the padding is ignored")
    func pbmPadding() throws {
        let image = try NetpbmImage(reading: Array("P4\n10 1\n".utf8) + [0xFF, 0xFF])
        #expect(image.samples == .integers(Array(repeating: 1, count: 10)))
    }

    @Test("every hostile file is an error that says what and where", arguments: [
        ("", "the file is empty: a Netpbm image starts with a magic number such as P5", 0),
        ("P", "the file ends inside the magic number", 0),
        ("GIF89a", "not a Netpbm image: 'G' 'I' is not a magic number (P1–P6, Pf, PF)", 0),
        ("P7\n", "not a Netpbm image: 'P' '7' is not a magic number (P1–P6, Pf, PF)", 0),
        ("P5 x 2 255\n", "expected the width, a decimal number, found 'x'", 3),
        ("P5 -3 2 255\n", "the width is negative: header numbers are 0 or more", 3),
        ("P5 0 2 255\n", "the width is 0: an image is at least 1 pixel wide", 3),
        ("P5 3 0 255\n", "the height is 0: an image is at least 1 pixel tall", 5),
        ("P5 3 2 0\n", "maxval 0 is out of range 1…65535", 7),
        ("P5 3 2 65536\n", "maxval 65536 is out of range 1…65535", 7),
        ("P5 3 2 99999999999\n", "the maxval is too large (more than 2147483647)", 7),
        ("P5 3 2", "the file ends before the maxval", 6),
        ("P5 3 2 255", "the file ends right after the header (it separates the header from the raster)", 10),
        ("P5 3 2 255\nabcd", "the raster is truncated: 6 samples of 1 byte need 6 bytes, the file has 4 after the header", 15),
        ("P5 1 1 65535\n\u{01}", "the raster is truncated: 1 samples of 2 bytes need 2 bytes, the file has 1 after the header", 14),
        ("P4 9 2\n\u{FF}", "the raster is truncated: 2 rows of 2 bytes need 4 bytes, the file has 2 after the header", 9),
        ("P5 2 1 9\n\u{05}\u{0A}", "sample 10 exceeds maxval 9", 10),
        ("P2 2 1 9\n5 12\n", "sample 12 exceeds maxval 9", 11),
        ("P2 3 1 9\n5 6", "the raster ends after 2 of 3 samples", 12),
        ("P2 2 1 9\n5 x\n", "expected a sample, a decimal number, found 'x'", 11),
        ("P1 3 1\n0 1 2\n", "expected a pixel, 0 or 1, found '2'", 11),
        ("P5 1 1 255\nAgarbage", "trailing garbage: 7 bytes after the image are neither whitespace nor another image", 12),
        ("P5 100000 100000 255\n", "the header claims 100000×100000 pixels, more than the limit of 268435456", 3),
        ("Pf\n1 1\n0\n", "the PFM scale '0' is not a nonzero decimal number (its sign gives the byte order)", 7),
        ("Pf\n1 1\nx\n", "the PFM scale 'x' is not a nonzero decimal number (its sign gives the byte order)", 7),
        ("Pf\n# no comments\n1 1\n-1\n", "expected the PFM width, a decimal number, found '#'", 3),
        ("Pf\n2 1\n-1\n\0\0\0\0", "the raster is truncated: 2×1×1 floats need 8 bytes, the file has 4 after the header", 14),
    ])
    func hostileFiles(text: String, message: String, offset: Int) {
        do {
            _ = try read(text)
            Issue.record("no error for \(text.debugDescription)")
        } catch {
            #expect(error.message == message, "\(text.debugDescription)")
            #expect(error.offset == offset, "\(text.debugDescription)")
        }
    }

    @Test("NaN and infinity in a PFM are refused, with the byte where they are")
    func nonFinitePFM() {
        for bits: UInt32 in [0x7FC0_0000, 0x7F80_0000, 0xFF80_0000] {
            let header = Array("Pf\n2 1\n-1.0\n".utf8)
            let bytes = header + [0, 0, 0x80, 0x3F] + [UInt8(bits & 0xFF), UInt8(bits >> 8 & 0xFF), UInt8(bits >> 16 & 0xFF), UInt8(bits >> 24)]
            #expect(throws: NetpbmError.self) { try NetpbmImage(reading: bytes) }
            do { _ = try NetpbmImage(reading: bytes) } catch { #expect(error.offset == header.count + 4) }
        }
    }

    @Test("the pixel limit is settable and applies before any allocation")
    func pixelLimit() throws {
        #expect(throws: NetpbmError("the header claims 3×2 pixels, more than the limit of 5", offset: 3, line: 1, claimedSize: (3, 2))) {
            try read("P2 3 2 9\n1 2 3 4 5 6\n", pixelLimit: 5)
        }
        #expect(try read("P2 3 2 9\n1 2 3 4 5 6\n", pixelLimit: 6).width == 3)
        // A header near Int.max pixels: refused, not multiplied into a wrapped number.
        #expect(throws: NetpbmError.self) { try read("P5 2147483647 2147483647 255\n") }
    }

    @Test("errors give the line of the byte, for text formats")
    func lines() {
        do {
            _ = try read("P2\n# comment\n3 1\n9\n1\n2\n99\n")
            Issue.record("no error")
        } catch {
            #expect(error.line == 7)
            #expect(error.description == "byte 23 (line 7): sample 99 exceeds maxval 9")
        }
    }
}
