import ConvCore
import Foundation
import Reporting
import Experiments
import Netpbm
import SeededRandom
import Testing
import _TestSupport

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

    @Test("mistakes are errors at their line and column", arguments: [
        ("1 2 3", 1, 1, "numbers before any 'kernel NAME' line"),
        ("kernel a\n1 2\n1 2 3", 3, 1, "this row has 3 numbers, the first row of kernel a has 2"),
        ("kernel a\n1 x", 2, 3, "'x' is not a number"),
        ("kernel a\n1 nan", 2, 3, "'nan' is not a number"),
        ("kernel a", 1, 1, "kernel a has no rows"),
        ("kernel a/b\n1", 1, 8, "kernel name 'a/b' must be letters, digits, '-', '_' or '.' (and not 'sheet')"),
        ("kernel sheet\n1", 1, 8, "kernel name 'sheet' must be letters, digits, '-', '_' or '.' (and not 'sheet')"),
        ("kernel a\n1\nkernel a\n2", 3, 8, "kernel a is defined twice"),
        ("kernel a / 0\n1", 1, 12, "the divisor '0' is not a nonzero number"),
        ("kernel a / 1e-45\n1 2", 1, 1, "dividing kernel a by 1e-45 makes weights too large for a float"),
        ("kernel a\n1 2\u{0} 3", 2, 4, "a NUL byte; a kernel file is text"),
        ("kernel \(String(repeating: "n", count: 201))\n1", 1, 8, "a kernel name of 201 characters; at most 200, as it names files"),
        ("kernel a b\n1", 1, 1, "expected 'kernel NAME' or 'kernel NAME / DIVISOR'"),
        ("# nothing\n", 1, 1, "no kernels: a kernel starts with a 'kernel NAME' line"),
    ])
    func errors(text: String, line: Int, column: Int, message: String) {
        #expect(throws: KernelFileError(line: line, column: column, message: message)) { try KernelFile.parse(text) }
    }

    @Test("many kernels parse in linear time: 100,000 names are checked by hashing")
    func manyKernels() throws {
        let text = (0..<100_000).map { "kernel k\($0)\n1" }.joined(separator: "\n")
        let kernels = try KernelFile.parse(text)
        #expect(kernels.count == 100_000 && kernels.last?.name == "k99999")
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

struct FeatureMapsTests {
    @Test("with padding 'same' the identity map of a gray image is exactly sample / maxval")
    func identityIsExact() throws {
        var random = SeededGenerator(seed: 4)
        let samples = (0..<35).map { _ in UInt16(random.next() % 1001) }
        let image = NetpbmImage.graymap(width: 7, height: 5, maxval: 1000, samples: samples)
        let maps = try FeatureMaps(image: image, kernels: [KernelBank.named("identity")!], random: nil, stride: Size2D(1),
                                   padding: .same, dilation: Size2D(1), activation: .identity, threads: 2)
        #expect(maps.maps[0].values == samples.map { Float($0) / 1000 })
    }

    @Test("a colour image's identity map is its BT.709 luma; random filters see all three channels")
    func colour() throws {
        let image = NetpbmImage.pixmap(width: 2, height: 1, maxval: 255, samples: [255, 0, 0, 0, 0, 255])
        let maps = try FeatureMaps(image: image, kernels: [KernelBank.named("identity")!],
                                   random: .init(count: 2, size: Size2D(1), scheme: .ones, initializer: .ones, seed: 1),
                                   stride: Size2D(1), padding: .same, dilation: Size2D(1), activation: .identity, threads: 1)
        #expect(maps.maps[0].values == [0.2126, 0.0722])
        #expect(maps.maps[1].name == "random-1")
        #expect(maps.maps[1].values == [1, 1])  // 1·R + 1·G + 1·B
        #expect(maps.maps[1].kernel.channels == 3)
    }

    @Test("the maps are the convolution's: sobel-x on a left-to-right ramp is constant, 8 · the step")
    func sobelOnRamp() throws {
        let image = NetpbmImage.graymap(width: 6, height: 4, maxval: 10, samples: (0..<24).map { UInt16($0 % 6) })
        let maps = try FeatureMaps(image: image, kernels: [KernelBank.named("sobel-x")!], random: nil, stride: Size2D(1),
                                   padding: .valid, dilation: Size2D(1), activation: .identity, threads: 1)
        #expect((maps.maps[0].width, maps.maps[0].height) == (4, 2))  // (6 − 3)/1 + 1 by (4 − 3)/1 + 1
        #expect(maps.maps[0].values.allSatisfy { abs($0 - 0.8) < 1e-6 })
    }

    @Test("signed is decided from the kernel: sobel-x is signed even where its map stays above 0; after ReLU, or for a blur, unsigned")
    func signedFromKernel() throws {
        let image = NetpbmImage.graymap(width: 6, height: 4, maxval: 10, samples: (0..<24).map { UInt16($0 % 6) })
        func map(_ kernel: String, _ activation: Activation) throws -> FeatureMaps.Map {
            try FeatureMaps(image: image, kernels: [KernelBank.named(kernel)!], random: nil, stride: Size2D(1),
                            padding: .valid, dilation: Size2D(1), activation: activation, threads: 1).maps[0]
        }
        let sobel = try map("sobel-x", .identity)
        #expect(sobel.minimum > 0 && sobel.isSigned)
        #expect(try map("sobel-x", .tanh).isSigned && !(try map("sobel-x", .relu).isSigned))
        #expect(!(try map("box-blur", .identity).isSigned))
    }

    @Test("random filters are the initializer's draws from the seed, applied by the convolution's definition")
    func seeded() throws {
        let image = NetpbmImage.graymap(width: 8, height: 8, maxval: 255, samples: (0..<64).map { UInt16($0 * 3) })
        func maps(_ seed: UInt64) throws -> FeatureMaps {
            try FeatureMaps(image: image, kernels: [], random: .init(count: 2, size: Size2D(3), scheme: .kaimingNormal, initializer: .kaimingNormal(.relu), seed: seed),
                            stride: Size2D(1), padding: .valid, dilation: Size2D(1), activation: .relu, threads: 1)
        }
        var random = SeededGenerator(seed: 7)
        let weight = try Initializer.kaimingNormal(.relu).tensor([2, 1, 3, 3], using: &random)
        let expected = Activation.relu.forward(try convolutionByDefinition(try Conv2D(weight: weight), try Tensor(shape: [1, 1, 8, 8], scalars: image.unitValues)))
        let seven = try maps(7)
        #expect(seven.maps.map(\.name) == ["random-1", "random-2"])
        #expect(seven.maps.flatMap(\.kernel.weights) == weight.scalars)
        expectClose(try Tensor(shape: [1, 2, 6, 6], scalars: seven.maps.flatMap(\.values)), expected,
                    tolerance: expected.scalars.map { 1e-5 * max(1, abs($0)) }, "seed 7")
        #expect(try maps(8).maps.flatMap(\.kernel.weights) != weight.scalars)
    }
}

struct LearnedKernelTests {
    @Test("--weights applies a checkpoint's first-layer kernels, conv1-1…conv1-6, exactly its weights; a layer that sees 6 channels is refused")
    func learned() throws {
        let root = BoundedWorkTests.samples.deletingLastPathComponent()
        let checkpoint = root.appendingPathComponent("docs/examples/lenet5-digits.safetensors").path
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("conv-demo-learned-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        var experiment = FeatureMapExperiment()
        (experiment.image, experiment.weights, experiment.output) = (BoundedWorkTests.samples.appendingPathComponent("camera.pgm").path, checkpoint, output.path)
        let result = try experiment.run { _ in }
        #expect(result.maps.maps.map(\.name) == (1...6).map { "conv1-\($0)" })
        let model = try TrainedModel(weights: checkpoint, model: nil, memoryLimit: 1 << 30)
        let first = try #require(model.network.modules.first as? Conv2D)
        #expect(result.maps.maps.flatMap(\.kernel.weights) == first.weight.scalars)
        experiment.layer = 2
        #expect(throws: UserError.self) { try experiment.run { _ in } }
        experiment.layer = 3
        #expect(throws: UserError.self) { try experiment.run { _ in } }
    }
}
