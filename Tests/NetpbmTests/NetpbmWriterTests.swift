import Testing

@testable import Netpbm

struct NetpbmWriterTests {
    /// A small deterministic generator (a linear congruential one): this target has no
    /// other dependency to borrow one from.
    struct Numbers {
        var state: UInt64

        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % bound
        }
    }

    @Test("every format survives a write and a read, raw and plain, at every sample width", arguments: [1, 2, 255, 256, 65535])
    func roundTrip(maxval: Int) throws {
        var numbers = Numbers(state: UInt64(maxval))
        for (width, height) in [(1, 1), (10, 3), (17, 9)] {
            let gray = (0..<width * height).map { _ in UInt16(numbers.next(maxval + 1)) }
            let color = (0..<width * height * 3).map { _ in UInt16(numbers.next(maxval + 1)) }
            let bits = (0..<width * height).map { _ in UInt16(numbers.next(2)) }
            let images: [NetpbmImage] = [
                .graymap(width: width, height: height, maxval: maxval, samples: gray),
                .pixmap(width: width, height: height, maxval: maxval, samples: color),
                .bitmap(width: width, height: height, bits: bits),
            ]
            for image in images {
                for plain in [false, true] {
                    #expect(try NetpbmImage(reading: image.encoded(plain: plain)) == image, "\(image.kind) \(width)×\(height) plain \(plain)")
                }
            }
        }
    }

    @Test("PFM survives a write and a read, gray and colour, any finite value")
    func roundTripPFM() throws {
        var numbers = Numbers(state: 9)
        for channels in [1, 3] {
            let values = (0..<7 * 5 * channels).map { _ in Float(numbers.next(2_000_001) - 1_000_000) / 997 }
                + (channels == 1 ? [] : [])
            let image = NetpbmImage.floatmap(width: 7, height: 5, channels: channels, values: values)
            #expect(try NetpbmImage(reading: image.encoded()) == image)
        }
        let extremes = NetpbmImage.floatmap(width: 4, height: 1, channels: 1, values: [-0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -1e-30])
        #expect(try NetpbmImage(reading: extremes.encoded()) == extremes)
    }

    /// How the writer's bytes are compared with a golden file.
    enum Match {
        /// Byte for byte.
        case bytes
        /// `pnmtopnm -plain` ends each line of P2 and P3 samples with a blank ("0 128 255 ⏎");
        /// this writer does not, and plain formats allow any whitespace between tokens. So
        /// the writer's bytes must equal the netpbm file with the blanks at the ends of its
        /// lines removed, and nothing else: the same header, the same samples in the same
        /// order, the same line breaks (each row starts a line), and, as the format asks,
        /// no line longer than 70 characters.
        case plainIgnoringTrailingBlanks
    }

    /// The golden files were made by the netpbm tools from a hand-written plain description
    /// of each image (the commands are in Fixtures/README.md), never by this writer. The
    /// images: a 3×2 gray (8 and 16 bits), a 3×2 colour one, 10×2 bits (a raw row is two
    /// bytes, padded), and a 3×2 float one netpbm can make (samples k/2).
    static let golden: [(file: String, image: NetpbmImage, plain: Bool, match: Match)] = [
        ("netpbm-p5.pgm", .graymap(width: 3, height: 2, maxval: 255, samples: [0, 128, 255, 7, 77, 177]), false, .bytes),
        ("netpbm-p5-16bit.pgm", .graymap(width: 3, height: 2, maxval: 65535, samples: [0, 32896, 65535, 1799, 19789, 45489]), false, .bytes),
        ("netpbm-p2.pgm", .graymap(width: 3, height: 2, maxval: 255, samples: [0, 128, 255, 7, 77, 177]), true, .plainIgnoringTrailingBlanks),
        ("netpbm-p6.ppm", .pixmap(width: 3, height: 2, maxval: 255, samples: [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90]), false, .bytes),
        ("netpbm-p3.ppm", .pixmap(width: 3, height: 2, maxval: 255, samples: [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90]), true, .plainIgnoringTrailingBlanks),
        ("netpbm-p4.pbm", .bitmap(width: 10, height: 2, bits: [1, 0, 1, 0, 1, 0, 1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]), false, .bytes),
        ("netpbm-p1.pbm", .bitmap(width: 10, height: 2, bits: [1, 0, 1, 0, 1, 0, 1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]), true, .bytes),
        ("netpbm-gray.pfm", .floatmap(width: 3, height: 2, channels: 1, values: [0, 0.5, 1, 1, 0.5, 0]), false, .bytes),
    ]

    @Test("the writer's bytes equal what the netpbm tools write for the same image")
    func goldenFiles() throws {
        for (name, image, plain, match) in Self.golden {
            let written = image.encoded(plain: plain)
            let reference = try fixture(name)
            switch match {
            case .bytes:
                #expect(written == reference, "\(name)")
            case .plainIgnoringTrailingBlanks:
                let space = UInt8(ascii: " "), newline = UInt8(ascii: "\n")
                let trimmed = reference.split(separator: newline, omittingEmptySubsequences: false).map { line in
                    var line = line
                    while line.last == space { line.removeLast() }
                    return line
                }
                #expect(written == Array(trimmed.joined(separator: [newline])), "\(name)")
                #expect(written.split(separator: newline).allSatisfy { $0.count <= 70 }, "\(name): a line is longer than 70 characters")
            }
        }
    }

    /// A gray PFM with values netpbm cannot make from integer samples (negative, above 1,
    /// fractional), its bytes written out from the PFM specification: the header `Pf`, the
    /// size, the scale −1.000000 that the writer documents (negative: little-endian), then
    /// IEEE-754 single-precision samples, least significant byte first, the bottom row first.
    @Test("the writer's PFM bytes are those the PFM specification gives")
    func goldenPFM() {
        let image = NetpbmImage.floatmap(width: 3, height: 2, channels: 1, values: [0, 0.5, 1, -1.25, 3.75, 1e-3])
        let expected: [UInt8] = Array("Pf\n3 2\n-1.000000\n".utf8) + [
            // Bottom row: -1.25 = 0xBFA00000, 3.75 = 0x40700000, 0.001 ≈ 0x3A83126F.
            0x00, 0x00, 0xA0, 0xBF, 0x00, 0x00, 0x70, 0x40, 0x6F, 0x12, 0x83, 0x3A,
            // Top row: 0 = 0x00000000, 0.5 = 0x3F000000, 1 = 0x3F800000.
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x3F, 0x00, 0x00, 0x80, 0x3F,
        ]
        #expect(image.encoded() == expected)
    }

    @Test("plain lines stay within 70 characters and each row starts a line")
    func plainLineLength() throws {
        let wide = NetpbmImage.graymap(width: 40, height: 2, maxval: 65535, samples: Array(repeating: 65535, count: 80))
        let text = String(decoding: wide.encoded(plain: true), as: UTF8.self)
        let lines = text.split(separator: "\n")
        #expect(lines.allSatisfy { $0.count <= 70 })
        #expect(lines.count == 3 + 2 * 4)  // header, then 40 samples of "65535" → 4 lines a row
        let bits = NetpbmImage.bitmap(width: 150, height: 1, bits: Array(repeating: 1, count: 150))
        #expect(String(decoding: bits.encoded(plain: true), as: UTF8.self).split(separator: "\n").dropFirst(2).map(\.count) == [70, 70, 10])
    }
}
