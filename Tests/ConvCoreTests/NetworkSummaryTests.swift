import Foundation
import Testing

@testable import ConvCore

struct NetworkSummaryTests {
    static let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Samples/models")

    private func summary(of model: String) throws -> NetworkSummary {
        let text = try String(contentsOf: Self.models.appendingPathComponent("\(model).txt"), encoding: .utf8)
        return try NetworkSummary(NetworkSpec(parsing: text))
    }

    @Test("the shipped networks add up to their published totals", arguments: [
        ("lenet5", 61_706, 416_520),
        ("alexnet", 61_100_840, 714_188_480),
        ("vgg16", 138_357_544, 15_470_264_320),
        // torchvision's totals (Tests/ConvCoreTests/Fixtures/torchvision-models.json).
        ("resnet18", 11_689_512, 1_814_073_344),
        ("resnet50", 25_557_032, 4_089_184_256),
        ("mobilenetv2", 3_504_872, 300_774_272),
        // LeNet-5 for 28×28 three ways: shared kernels, a kernel per position, fully connected.
        ("lenet5-28", 61_706, 416_520),
        ("lenet5-local", 423_038, 416_520),
        ("lenet5-fc", 5_634_974, 5_628_456),
    ])
    func publishedTotals(model: String, parameters: Int, macs: Int) throws {
        let summary = try summary(of: model)
        #expect(summary.totalParameters == parameters)
        #expect(summary.totalMACs == macs)
        #expect(summary.parameterBytes == 4 * parameters)
    }

    @Test("VGG-16 layer by layer: shapes, the first layer's MACs, the receptive field of 212")
    func vgg16() throws {
        let summary = try summary(of: "vgg16")
        #expect(summary.input == .image(Size2D(224), channels: 3))
        let layers = summary.layers
        #expect(layers.count == 40)  // 31 in features, the pooling and flatten, 7 in classifier
        #expect(layers[0].name == "features.0" && layers[0].depth == 2)
        #expect(layers[0].output == .image(Size2D(224), channels: 64))
        #expect(layers[0].count.macs == 224 * 224 * 64 * 3 * 9)
        let (inputs, outputs): (Int, Int) = (224 * 224 * 3, 224 * 224 * 64)
        #expect(layers[0].fullyConnectedEquivalent == .parameters(inputs * outputs + outputs))
        let lastPool = try #require(layers.last { $0.statement.layer == .pooling(.max, kernel: Size2D(2), stride: Size2D(2), padding: Size2D(0)) })
        #expect(lastPool.output == .image(Size2D(7), channels: 512))
        #expect(lastPool.receptiveField == Size2D(212))
        #expect(layers.first { $0.statement.layer == .flatten }?.output == .features(25_088))
        #expect(layers.first { $0.statement.layer == .flatten }?.receptiveField == nil)
        #expect(layers.last?.name == "classifier.6" && summary.output == .features(1000))
    }

    @Test("AlexNet's first layer and its overlapping pools, by hand")
    func alexnet() throws {
        let rows = try summary(of: "alexnet").layers
        #expect(rows[0].output == .image(Size2D(55), channels: 64))     // ⌊(224 + 4 − 11)/4⌋ + 1
        #expect(rows[0].count.parameters == 64 * 3 * 121 + 64)
        #expect(rows[0].receptiveField == Size2D(11))
        #expect(rows[2].output == .image(Size2D(27), channels: 64))     // ⌊(55 − 3)/2⌋ + 1
        #expect(rows[2].receptiveField == Size2D(19))                   // 11 + (3 − 1)·4
    }

    @Test("activation memory counts the input and every layer's output")
    func activationMemory() throws {
        let summary = try NetworkSummary(NetworkSpec(parsing: "input 4x4x1; conv 2 k=3; relu; flatten; fc 3"))
        // input 16, conv 2×2×2 = 8, relu 8, flatten 8, fc 3: 43 floats.
        #expect(summary.activationBytes == 43 * 4)
        #expect(summary.totalParameters == (2 * 9 + 2) + (8 * 3 + 3))
    }

    @Test("--input replaces the spec's input line, or supplies a missing one")
    func inputOverride() throws {
        let spec = try NetworkSpec(parsing: "input 32x32x3; conv 8 k=3")
        let larger = try NetworkSummary(spec, input: (Size2D(64), 3))
        #expect(larger.rows[0].output == .image(Size2D(62), channels: 8))
        let headless = try NetworkSpec(parsing: "conv 8 k=3; relu")
        #expect(try NetworkSummary(headless, input: (Size2D(10), 1)).rows[0].output == .image(Size2D(8), channels: 8))
    }

    @Test("shapes that cannot work are errors at the layer's line and column", arguments: [
        ("conv 8 k=3", 1, 1, "the network has no input size: start it with a line such as 'input 224x224x3', or give --input"),
        ("input 32x32x3\nconv 6 k=5\nfc 10", 3, 1, "fc needs flat features, but its input is the image 28×28×6: add 'flatten' before it (fc never flattens implicitly)"),
        ("input 32x32x3\nflatten\n  conv 6 k=5", 3, 3, "this layer needs an image (width × height × channels), but its input is 3072 flat features: put it before flatten"),
        ("input 32x32x3; conv 6 k=5 g=2", 1, 16, "groups 2 do not divide the 3 input channels"),
        ("input 32x32x4; conv 6 k=5 g=4", 1, 16, "groups 4 do not divide the 6 output channels"),
        ("input 8x8x1; conv 4 k=5; maxpool 5", 1, 26, "kernel height 5 is larger than the input height 4"),
        ("input 8x8x1; relu; input 4x4x1", 1, 20, "'input' must be the first layer, and come only once"),
        ("input 8x8x1; flatten; fc 30; reshape 4x4x2", 1, 30, "reshape 4×4×2 holds 32 values, but its input has 30 features"),
        ("input 8x8x1; reshape 8x8x1", 1, 14, "reshape turns flat features back into maps, but its input is already the image 8×8×1"),
        ("input 100000x100000x3; flatten; fc 100000000000", 1, 33, "the fully-connected layer's weights, 30000000000 × 100000000000, exceed the largest 64-bit integer (9223372036854775807)"),
    ])
    func errors(text: String, line: Int, column: Int, message: String) {
        #expect(throws: SpecError(line: line, column: column, message: message)) { try NetworkSummary(NetworkSpec(parsing: text)) }
    }

    @Test("an FC equivalent beyond 64 bits is reported as such; the valid network still sums up")
    func equivalentBeyond64Bits() throws {
        let summary = try NetworkSummary(NetworkSpec(parsing: "input 100000x100000x3\nconv 64 k=3 p=1"), input: nil)
        #expect(summary.rows[0].fullyConnectedEquivalent == .beyond64Bits)
        #expect(summary.rows[0].fullyConnectedEquivalent?.parameters == nil)
        #expect(summary.totalParameters == 64 * 3 * 9 + 64)
    }
}
