import Foundation
import Testing

@testable import ConvCore

/// Summaries of networks with blocks: names, shapes through residual blocks, the counts
/// torchinfo gives, folding.
struct NetworkSummaryBlockTests {
    private func summary(of model: String, input: (Size2D, channels: Int)? = nil) throws -> NetworkSummary {
        let text = try String(contentsOf: NetworkSummaryTests.models.appendingPathComponent("\(model).txt"), encoding: .utf8)
        return try NetworkSummary(NetworkSpec(parsing: text), input: input)
    }

    @Test("ResNet-18 row by row: torchvision's names, the stem's 56×56, the shortcut where the shape changes")
    func resnet18() throws {
        let summary = try summary(of: "resnet18")
        let byName = Dictionary(summary.rows.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(byName["maxpool"]?.output == .image(Size2D(56), channels: 64))  // ⌊(112 + 2 − 3)/2⌋ + 1
        #expect(byName["layer1.0.conv1"]?.count.parameters == 64 * 64 * 9)
        #expect(byName["layer1.0.conv1"]?.depth == 3)
        #expect(byName["layer2.0.downsample.0"]?.count.parameters == 128 * 64)
        #expect(byName["layer2.0.downsample.1"]?.count.parameters == 256)
        #expect(byName["layer2.0"]?.output == .image(Size2D(28), channels: 128))
        #expect(byName["layer2.0"]?.count.parameters == 128 * 64 * 9 + 256 + 128 * 128 * 9 + 256 + 128 * 64 + 256)
        #expect(byName["layer4"]?.descendants == 16)  // two blocks of 5 layers, a ReLU after the sum, and 2 in the shortcut
        #expect(byName["avgpool"]?.output == .image(Size2D(1), channels: 512))
        #expect(byName["fc"]?.count.parameters == 513_000)
        // The "then" ReLU after the sum is numbered on from the branch's five layers.
        #expect(byName["layer1.0.5"]?.statement.layer == .activation("relu"))
        // Running mean and variance of every batch norm: 2 · (64 + 4 · 64 + 128 · 5 + 256 · 5 + 512 · 5) … counted.
        let norms = summary.layers.filter { $0.statement.layer == .batchNorm }
        #expect(summary.buffers == norms.reduce(0) { $0 + $1.count.parameters })
        #expect(norms.count == 20)
    }

    @Test("MACs with the bias, as torchinfo counts them: AlexNet's 714,682,664")
    func macsWithBias() throws {
        let alexnet = try summary(of: "alexnet")
        #expect(alexnet.totalMACs == 714_188_480)
        #expect(alexnet.totalMACsWithBias == 714_682_664)
        // A batch norm's scale and shift once per image; a convolution's bias once per position.
        let small = try NetworkSummary(NetworkSpec(parsing: "input 4x4x1; conv 2 k=3; batchnorm; flatten; fc 3"))
        #expect(small.totalMACs == 2 * 9 * 4 + 8 * 3)
        #expect(small.totalMACsWithBias == (2 * 9 + 2) * 4 + 2 * 2 + (8 * 3 + 3))
    }

    @Test("what the forward pass keeps: every output once, but no view or in-place activation; a residual block its sum")
    func keptValues() throws {
        let summary = try NetworkSummary(NetworkSpec(parsing: """
            input 4x4x2
            residual; conv 2 k=3 p=1; relu; conv 2 k=3 p=1; then; relu; end
            sigmoid
            flatten
            fc 3
            """))
        // conv 32, relu 0, conv 32, the sum 32, then relu 0, sigmoid 32, flatten 0, fc 3.
        #expect(summary.keptValues == 32 + 32 + 32 + 32 + 3)
        // This project's own passes keep everything: the input, every layer's output, the sum.
        #expect(summary.activationBytes == 4 * (32 + 32 + 32 + 32 + 32 + 32 + 32 + 32 + 3))
    }

    @Test("the receptive field through a residual block is the branch's, the wider path")
    func receptiveField() throws {
        let summary = try NetworkSummary(NetworkSpec(parsing: "input 16x16x1\nresidual; conv 1 k=3 p=1; conv 1 k=3 p=1; end\nconv 1 k=3 p=1"))
        #expect(summary.rows.map(\.receptiveField) == [Size2D(5), Size2D(3), Size2D(5), Size2D(7)])
    }

    @Test("adaptive pooling keeps torchvision's AlexNet at 61,100,840 at any size; without it 256×256 makes 74,732,328")
    func adaptivePooling() throws {
        #expect(try summary(of: "alexnet", input: (Size2D(256), 3)).totalParameters == 61_100_840)
        let text = try String(contentsOf: NetworkSummaryTests.models.appendingPathComponent("alexnet.txt"), encoding: .utf8)
        let fixed = try NetworkSummary(NetworkSpec(parsing: text.replacingOccurrences(of: "avgpool: adaptiveavgpool 6x6", with: "")), input: (Size2D(256), 3))
        #expect(fixed.totalParameters == 74_732_328)
        let bins = try NetworkSummary(NetworkSpec(parsing: "input 10x7x3; adaptiveavgpool 4x3"))
        #expect(bins.output == .image(Size2D(height: 3, width: 4), channels: 3))
        #expect(bins.rows[0].receptiveField == Size2D(3))  // rows [0, 3) [2, 5) [4, 7); columns [0, 3) [2, 5) [5, 8) [7, 10)
    }

    @Test("block mistakes are errors at the block's line: the two shapes that do not agree, a pooling padded beyond half its window", arguments: [
        ("input 8x8x4\nresidual\n  conv 8 k=3 p=1\nend", 2, 1,
         "the branch makes 8×8×8 but the identity shortcut passes 8×8×4: the two must agree to be added (a shortcut such as 'conv N k=1 s=S' can match them)"),
        ("input 8x8x4\nresidual\n  conv 4 k=3 s=2 p=1\nshortcut\n  conv 4 k=1\nend", 2, 1,
         "the branch makes 4×4×4 but the shortcut makes 8×8×4: the two must agree to be added"),
        ("input 8x8x4\nsequential\n  flatten\n  conv 4 k=1\nend", 4, 3,
         "this layer needs an image (width × height × channels), but its input is 256 flat features: put it before flatten"),
        ("input 8x8x1\nmaxpool 3 p=2", 2, 1, "pooling padding 2×2 is more than half the window 3×3"),
        ("input 8x8x1; flatten; globalavgpool", 1, 23,
         "this layer needs an image (width × height × channels), but its input is 64 flat features: put it before flatten"),
    ])
    func errors(text: String, line: Int, column: Int, message: String) {
        #expect(throws: SpecError(line: line, column: column, message: message)) { try NetworkSummary(NetworkSpec(parsing: text)) }
    }
}

struct AdaptiveReceptiveFieldTests {
    @Test("the widest adaptive pooling bin, from n and out alone, is the widest of the bins listed")
    func widestBin() throws {
        for n in 1...40 {
            for out in 1...45 {
                let listed = try AdaptiveAveragePooling2D.bins(input: n, output: out).map(\.count).max()!
                #expect(ReceptiveField.widestBin(n, out) == listed, "\(n) pixels, \(out) bins")
            }
        }
        // A billion bins are not listed: the summary answers at once.
        #expect(ReceptiveField.widestBin(7, 1_000_000_000) == 2)  // a bin across a pixel boundary sees both
        let huge = try NetworkSummary(NetworkSpec(parsing: "input 8x8x1; adaptiveavgpool 1000000000x1"))
        #expect(huge.output == .image(Size2D(height: 1, width: 1_000_000_000), channels: 1))
    }
}
