import ConvCore
import Netpbm
import Testing

@testable import conv_demo

struct KernelFileTests {
    @Test("kernels of any size, with divisors and comments")
    func parses() throws {
        let kernels = try KernelFile.parse("""
            # two kernels
            kernel diagonal
             2  1  0
             1  0 -1   # a comment after numbers
             0 -1 -2

            kernel wide_1.5 / 4
            1 2 1
            """)
        #expect(kernels == [
            NamedKernel(name: "diagonal", height: 3, width: 3, weights: [2, 1, 0, 1, 0, -1, 0, -1, -2]),
            NamedKernel(name: "wide_1.5", height: 1, width: 3, weights: [0.25, 0.5, 0.25]),
        ])
    }

    @Test("mistakes are errors at their line", arguments: [
        ("1 2 3", 1, "numbers before any 'kernel NAME' line"),
        ("kernel a\n1 2\n1 2 3", 3, "this row has 3 numbers, the first row of kernel a has 2"),
        ("kernel a\n1 x", 2, "'x' is not a number"),
        ("kernel a\n1 nan", 2, "'nan' is not a number"),
        ("kernel a", 1, "kernel a has no rows"),
        ("kernel a/b\n1", 1, "kernel name 'a/b' must be letters, digits, '-', '_' or '.' (and not 'sheet')"),
        ("kernel sheet\n1", 1, "kernel name 'sheet' must be letters, digits, '-', '_' or '.' (and not 'sheet')"),
        ("kernel a\n1\nkernel a\n2", 3, "kernel a is defined twice"),
        ("kernel a / 0\n1", 1, "the divisor '0' is not a nonzero number"),
        ("kernel a b\n1", 1, "expected 'kernel NAME' or 'kernel NAME / DIVISOR'"),
        ("# nothing\n", 1, "no kernels: a kernel starts with a 'kernel NAME' line"),
    ])
    func errors(text: String, line: Int, message: String) {
        #expect(throws: KernelFileError(line: line, message: message)) { try KernelFile.parse(text) }
    }

    @Test("the bank's kernels are the textbook ones, named as documented")
    func bank() {
        #expect(KernelBank.names == ["identity", "box-blur", "gaussian", "sharpen", "sobel-x", "sobel-y", "prewitt-x", "prewitt-y", "laplacian", "emboss", "outline"])
        #expect(KernelBank.named("gaussian")?.weights == [1, 2, 1, 2, 4, 2, 1, 2, 1].map { Float($0) / 16 })
        #expect(KernelBank.named("sobel-x")?.weights == [-1, 0, 1, -2, 0, 2, -1, 0, 1])
        // Every kernel that detects change sums to 0; every smoothing one to 1.
        for kernel in KernelBank.kernels {
            let sum = kernel.weights.reduce(0, +)
            #expect(abs(sum - (["identity", "box-blur", "gaussian", "sharpen", "emboss"].contains(kernel.name) ? 1 : 0)) < 1e-6, "\(kernel.name)")
        }
    }
}

struct PNGTests {
    @Test("CRC-32 and Adler-32 give the published check values")
    func checksums() {
        #expect(PNG.crc32(Array("IEND".utf8)) == 0xAE42_6082)
        #expect(PNG.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(PNG.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
    }

    @Test("a 2×2 gray PNG has the signature, the header, one stored block and the end")
    func structure() {
        let png = PNG.encode(width: 2, height: 2, channels: 1, pixels: [0, 255, 128, 64])
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(Array(png[12..<29]) == Array("IHDR".utf8) + [0, 0, 0, 2, 0, 0, 0, 2, 8, 0, 0, 0, 0])
        // IDAT: zlib header, a final stored block of 6 bytes (two rows of filter byte + 2 pixels).
        #expect(Array(png[37..<41]) == Array("IDAT".utf8))
        #expect(Array(png[41..<54]) == [0x78, 0x01, 0x01, 6, 0, 0xF9, 0xFF, 0, 0, 255, 0, 128, 64])
        #expect(Array(png.suffix(12)) == [0, 0, 0, 0] + Array("IEND".utf8) + [0xAE, 0x42, 0x60, 0x82])
    }

    @Test("more than 65,535 bytes of pixels go into several stored blocks")
    func blocks() {
        let png = PNG.encode(width: 300, height: 300, channels: 1, pixels: [UInt8](repeating: 7, count: 90_000))
        // 300 rows of 301 bytes = 90,300: a block of 65,535, then a final one of 24,765.
        #expect(Array(png[43..<48]) == [0, 0xFF, 0xFF, 0, 0])
        #expect(Array(png[48 + 65_535..<48 + 65_540]) == [1, 0xBD, 0x60, 0x42, 0x9F])
    }
}

struct GrayPictureTests {
    @Test("signed maps keep 0 at mid-gray, unsigned ones stretch min–max, flat ones are black")
    func scaling() {
        #expect(GrayPicture(map: [-2, 0, 1, 2], width: 4, height: 1).pixels == [0, 128, 191, 255])
        #expect(GrayPicture(map: [1, 2, 3], width: 3, height: 1).pixels == [0, 128, 255])
        #expect(GrayPicture(map: [5, 5], width: 2, height: 1).pixels == [0, 0])
        #expect(GrayPicture(unit: [0, 0.5, 1, 2, -1], width: 5, height: 1).pixels == [0, 128, 255, 255, 0])
    }

    @Test("fitting averages blocks, partial ones at the edges")
    func fitting() {
        let picture = GrayPicture(map: (0..<15).map(Float.init), width: 5, height: 3)
        let small = picture.fitting(3)  // factor 2: 3 × 2 blocks
        #expect((small.width, small.height) == (3, 2))
        #expect(small.pixels.count == 6)
        #expect(picture.fitting(5) == picture)
    }

    @Test("the font draws 'a' as the HD44780 shape, and upper case as lower case")
    func font() {
        var pixels = [UInt8](repeating: 0, count: 5 * 8)
        BitmapFont.draw("A", into: &pixels, imageWidth: 5, x: 0, y: 0, scale: 1, value: 1)
        let rows = (0..<8).map { row in pixels[row * 5..<row * 5 + 5].map { $0 == 1 ? "#" : "." }.joined() }
        #expect(rows == [".....", ".....", ".###.", "....#", ".####", "#...#", ".####", "....."])
        #expect(BitmapFont.width(of: "abc", scale: 2) == 34)
    }
}

struct FeatureMapsTests {
    @Test("with padding 'same' the identity map of a gray image is exactly sample / maxval")
    func identityIsExact() throws {
        var random = SeededGenerator(seed: 4)
        let samples = (0..<35).map { _ in UInt16(random.next() % 1001) }
        let image = NetpbmImage.graymap(width: 7, height: 5, maxval: 1000, samples: samples)
        let maps = try FeatureMaps(image: image, kernels: [KernelBank.named("identity")!], random: nil, stride: Size2D(1),
                                   padding: .same, dilation: Size2D(1), activation: .none, threads: 2)
        #expect(maps.maps[0].values == samples.map { Float($0) / 1000 })
    }

    @Test("a colour image's identity map is its BT.709 luma; random filters see all three channels")
    func colour() throws {
        let image = NetpbmImage.pixmap(width: 2, height: 1, maxval: 255, samples: [255, 0, 0, 0, 0, 255])
        let maps = try FeatureMaps(image: image, kernels: [KernelBank.named("identity")!],
                                   random: .init(count: 2, size: Size2D(1), initializer: .ones, seed: 1),
                                   stride: Size2D(1), padding: .same, dilation: Size2D(1), activation: .none, threads: 1)
        #expect(maps.maps[0].values == [0.2126, 0.0722])
        #expect(maps.maps[1].name == "random-1")
        #expect(maps.maps[1].values == [1, 1])  // 1·R + 1·G + 1·B
        #expect(maps.maps[1].kernel.channels == 3)
    }

    @Test("the maps are the convolution's: sobel-x on a left-to-right ramp is constant, 8 · the step")
    func sobelOnRamp() throws {
        let image = NetpbmImage.graymap(width: 6, height: 4, maxval: 10, samples: (0..<24).map { UInt16($0 % 6) })
        let maps = try FeatureMaps(image: image, kernels: [KernelBank.named("sobel-x")!], random: nil, stride: Size2D(1),
                                   padding: .valid, dilation: Size2D(1), activation: .none, threads: 1)
        #expect((maps.maps[0].width, maps.maps[0].height) == (4, 2))  // (6 − 3)/1 + 1 by (4 − 3)/1 + 1
        #expect(maps.maps[0].values.allSatisfy { abs($0 - 0.8) < 1e-6 })
    }

    @Test("the same seed draws the same random filters")
    func seeded() throws {
        let image = NetpbmImage.graymap(width: 8, height: 8, maxval: 255, samples: (0..<64).map { UInt16($0 * 3) })
        func run(_ seed: UInt64) throws -> [Float] {
            try FeatureMaps(image: image, kernels: [], random: .init(count: 2, size: Size2D(3), initializer: .kaimingNormal(.relu), seed: seed),
                            stride: Size2D(1), padding: .valid, dilation: Size2D(1), activation: .relu, threads: 1).maps.flatMap(\.values)
        }
        #expect(try run(7) == (try run(7)))
        #expect(try run(7) != (try run(8)))
    }
}
