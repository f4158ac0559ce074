import Foundation
import Netpbm
import Testing

@testable import PNGCodec

/// Reads a fixture from `Fixtures/`.
func fixture(_ name: String) throws -> [UInt8] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
    return Array(try Data(contentsOf: url))
}

/// A line of `Fixtures/valid.txt`: a PNG that libpng decoded to the pixels of `expected`.
struct ValidFixture: CustomTestStringConvertible, Sendable {
    let name: String
    let expected: String
    let bitDepth: Int
    let colorType: UInt8
    let interlaced: Bool
    let hasTransparency: Bool

    var testDescription: String { name }

    /// Who wrote it: "imagemagick", "pnmtopng" or "python".
    var tool: String { String(name.prefix(while: { $0 != "-" })) }

    static let all: [ValidFixture] = {
        guard let text = try? String(decoding: fixture("valid.txt"), as: UTF8.self) else { return [] }
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let f = line.split(separator: " ").map(String.init)
            return ValidFixture(name: f[0], expected: f[1], bitDepth: Int(f[2])!, colorType: UInt8(f[3])!,
                                interlaced: f[4] == "1", hasTransparency: f[5] == "1")
        }
    }()
}

struct PNGReaderTests {
    @Test("every PNG that ImageMagick, pnmtopng and the script wrote reads as libpng read it", arguments: ValidFixture.all)
    func validFixtures(_ file: ValidFixture) throws {
        let png = try PNGImage(reading: try fixture(file.name))
        let expected = try NetpbmImage(reading: try fixture(file.expected))
        #expect(png.header.colorType.rawValue == file.colorType)
        #expect(png.header.bitDepth == file.bitDepth)
        #expect(png.header.interlace == (file.interlaced ? .adam7 : .none))
        #expect((png.header.width, png.header.height) == (expected.width, expected.height))
        #expect(png.image == expected)
        #expect(png.droppedAlpha == (file.colorType == 4 || file.colorType == 6))
        #expect(png.ignoredTransparency == file.hasTransparency)
    }

    @Test("the fixtures cover every colour type and bit depth, plain and interlaced, from each tool")
    func coverage() {
        let modes: [(UInt8, Int)] = [(0, 1), (0, 2), (0, 4), (0, 8), (0, 16), (2, 8), (2, 16), (3, 1), (3, 2), (3, 4), (3, 8),
                                     (4, 8), (4, 16), (6, 8), (6, 16)]
        for (colorType, depth) in modes {
            for tool in ["imagemagick", "python"] {
                for interlaced in [false, true] {
                    #expect(ValidFixture.all.contains { $0.tool == tool && $0.colorType == colorType && $0.bitDepth == depth && $0.interlaced == interlaced },
                            "\(tool): colour type \(colorType), depth \(depth), interlaced: \(interlaced)")
                }
            }
            #expect(ValidFixture.all.contains { $0.tool == "pnmtopng" && $0.colorType == colorType && $0.bitDepth == depth },
                    "pnmtopng: colour type \(colorType), depth \(depth)")
        }
        #expect(ValidFixture.all.count == 111)
    }

    @Test("samples / maxval are the Netpbm reader's values for the same pixels")
    func unitValues() throws {
        for (png, pnm) in [("pnmtopng-gray4.png", "gray4.pgm"), ("imagemagick-rgb16.png", "rgb16.ppm"), ("python-palette2.png", "palette2.ppm")] {
            let values = try PNGImage(reading: try fixture(png)).image.unitValues
            #expect(values == (try NetpbmImage(reading: try fixture(pnm))).unitValues, "\(png)")
        }
        // 1-bit grey is a graymap of maxval 1, 0 black (not a PBM, whose 1 is black).
        let gray1 = try PNGImage(reading: try fixture("pnmtopng-gray1.png"))
        #expect((gray1.image.kind, gray1.image.maxval, gray1.image.channels) == (.graymap, 1, 1))
    }

    @Test("what each colour type becomes: channels, maxval, kind; alpha dropped and said so")
    func outputKinds() throws {
        let cases: [(String, NetpbmImage.Kind, Int, Int, Bool)] = [
            ("python-gray2.png", .graymap, 1, 3, false), ("python-gray16.png", .graymap, 1, 65535, false),
            ("python-rgb8.png", .pixmap, 3, 255, false), ("python-palette1.png", .pixmap, 3, 255, false),
            ("python-gray-alpha16.png", .graymap, 1, 65535, true), ("python-rgba8.png", .pixmap, 3, 255, true),
        ]
        for (name, kind, channels, maxval, alpha) in cases {
            let png = try PNGImage(reading: try fixture(name))
            #expect((png.image.kind, png.image.channels, png.image.maxval, png.droppedAlpha) == (kind, channels, maxval, alpha), "\(name)")
        }
    }

    @Test("a PNG is recognised by its signature")
    func signature() throws {
        #expect(PNGImage.isPNG(try fixture("python-gray8.png")))
        #expect(!PNGImage.isPNG(try fixture("gray8.pgm")))
        #expect(!PNGImage.isPNG([0x89, 0x50, 0x4E, 0x47]))
        #expect(!PNGImage.isPNG(try fixture("bad-signature-crlf.png")))
    }

    @Test("the header reads as a sentence")
    func headerDescription() throws {
        #expect(try PNGImage(reading: try fixture("python-rgba16-adam7.png")).header.description == "13×11, 16-bit truecolour with alpha, Adam7-interlaced")
        #expect(try PNGImage(reading: try fixture("python-palette4.png")).header.description == "13×11, 4-bit indexed-colour")
    }

    @Test("a palette longer than the bit depth reaches is accepted, as libpng accepts it")
    func longPalette() throws {
        let png = try PNGImage(reading: try fixture("python-palette1-long-palette.png"))
        #expect(png.image == (try NetpbmImage(reading: try fixture("python-palette1-long-palette.ppm"))))
    }
}
