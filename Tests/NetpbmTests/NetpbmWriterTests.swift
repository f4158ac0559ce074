import Foundation
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

    /// The image the golden files hold: a 3×2 gray, its colour version, its bits.
    static let golden: [(String, NetpbmImage, Bool)] = [
        ("written-p5.pgm", .graymap(width: 3, height: 2, maxval: 255, samples: [0, 128, 255, 7, 77, 177]), false),
        ("written-p5-16bit.pgm", .graymap(width: 3, height: 2, maxval: 65535, samples: [0, 32896, 65535, 1799, 19789, 45489]), false),
        ("written-p2.pgm", .graymap(width: 3, height: 2, maxval: 255, samples: [0, 128, 255, 7, 77, 177]), true),
        ("written-p6.ppm", .pixmap(width: 3, height: 2, maxval: 255, samples: [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90]), false),
        ("written-p3.ppm", .pixmap(width: 3, height: 2, maxval: 255, samples: [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90]), true),
        ("written-p4.pbm", .bitmap(width: 10, height: 2, bits: [1, 0, 1, 0, 1, 0, 1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]), false),
        ("written-p1.pbm", .bitmap(width: 10, height: 2, bits: [1, 0, 1, 0, 1, 0, 1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]), true),
        ("written-gray.pfm", .floatmap(width: 3, height: 2, channels: 1, values: [0, 0.5, 1, -1.25, 3.75, 1e-3]), false),
    ]

    @Test("the writer's bytes equal the golden files that the netpbm tools read back correctly")
    func goldenFiles() throws {
        for (name, image, plain) in Self.golden {
            if ProcessInfo.processInfo.environment["CONV_DEMO_UPDATE_GOLDEN"] == "1" {
                let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
                try Data(image.encoded(plain: plain)).write(to: url)
            }
            #expect(image.encoded(plain: plain) == (try fixture(name)), "\(name)")
        }
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
