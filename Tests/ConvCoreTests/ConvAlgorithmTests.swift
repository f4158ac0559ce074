import SeededRandom
import Testing
import _TestSupport

@testable import ConvCore

struct ConvAlgorithmTests {
    static func layer(_ out: Int, _ inPerGroup: Int, _ k: Int, groups: Int = 1) throws -> Conv2D {
        try Conv2D(weight: Tensor(shape: [out, inPerGroup, k, k], repeating: 1), groups: groups)
    }

    @Test("the rule: depthwise for one input channel per group, direct for up to 32 input channels, winograd for 3×3 layers on planes of enough tiles, gemm otherwise")
    func rule() throws {
        #expect(try Self.layer(8, 1, 3).algorithm(for: Size2D(height: 1080, width: 1920)).algorithm == .direct)
        #expect(try Self.layer(64, 3, 7).algorithm(for: Size2D(224)).algorithm == .direct)
        #expect(try Self.layer(64, 1, 3, groups: 64).algorithm(for: Size2D(112)).algorithm == .depthwise)
        #expect(try Self.layer(128, 1, 3, groups: 64).algorithm(for: Size2D(112)).algorithm == .depthwise, "a channel multiplier of 2")
        #expect(try Self.layer(64, 64, 3).algorithm(for: Size2D(56)).reason.hasPrefix("F(4×4, 3×3)"), "196 4×4 tiles (54×54 outputs) ≥ 64")
        #expect(try Self.layer(128, 128, 3).algorithm(for: Size2D(28)).reason.hasPrefix("F(2×2, 3×3)"), "49 4×4 tiles < 128 ≤ 169 2×2 tiles (26×26 outputs)")
        #expect(try Self.layer(64, 64, 3).algorithm(for: Size2D(16)).algorithm == .gemm, "49 2×2 tiles < 64")
        #expect(try Self.layer(256, 256, 3).algorithm(for: Size2D(14)).algorithm == .gemm)
        #expect(try Self.layer(16, 64, 3).algorithm(for: Size2D(56)).algorithm == .winograd, "the larger channel count decides")
        #expect(try Self.layer(64, 64, 5).algorithm(for: Size2D(56)).algorithm == .gemm, "a 5×5 kernel")
        #expect(try Conv2D(weight: Tensor(shape: [64, 64, 3, 3]), stride: Size2D(2)).algorithm(for: Size2D(112)).algorithm == .gemm, "stride 2")
        #expect(try Self.layer(16, 6, 5).algorithm(for: Size2D(14)).algorithm == .direct)
        #expect(try Self.layer(32, 32, 3).algorithm(for: Size2D(28)).algorithm == .direct)
        #expect(try Self.layer(32, 33, 3).algorithm(for: Size2D(12)).algorithm == .gemm, "25 tiles < 33")
        #expect(try Self.layer(64, 3, 1).algorithm(for: Size2D(56)).algorithm == .gemm, "a 1×1 kernel needs no im2col")
        let (algorithm, reason) = try Self.layer(8, 1, 3).algorithm(for: Size2D(height: 4, width: 4_000_000))
        #expect(algorithm == .gemm && reason.contains("scratch"), "rows too wide for the direct loop's scratch")
    }

    @Test("the backward pass keeps direct for at most 4 input and 16 output channels per group, and depthwise, winograd and gemm always")
    func backwardRule() throws {
        #expect(try Self.layer(8, 1, 3).backwardAlgorithm(for: Size2D(height: 1080, width: 1920)) == .direct)
        #expect(try Self.layer(16, 4, 5).backwardAlgorithm(for: Size2D(32)) == .direct)
        #expect(try Self.layer(17, 4, 5).backwardAlgorithm(for: Size2D(32)) == .gemm)
        #expect(try Self.layer(64, 3, 7).backwardAlgorithm(for: Size2D(224)) == .gemm, "an RGB stem")
        #expect(try Self.layer(16, 5, 5).backwardAlgorithm(for: Size2D(14)) == .gemm)
        #expect(try Self.layer(64, 1, 3, groups: 64).backwardAlgorithm(for: Size2D(112)) == .depthwise)
        #expect(try Self.layer(64, 64, 3).backwardAlgorithm(for: Size2D(56)) == .winograd)
        #expect(try Self.layer(64, 64, 3).backwardAlgorithm(for: Size2D(14)) == .gemm)
    }

    @Test("the debug description names the layer and its algorithm")
    func debugDescription() throws {
        let stem = try Conv2D(weight: Tensor(shape: [64, 3, 7, 7]), bias: Tensor(shape: [64]), stride: Size2D(2), padding: .explicit(Size2D(3)))
        #expect(String(reflecting: stem) == "Conv2D(3→64, kernel 7×7, stride 2×2, padding 3×3, dilation 1×1, groups 1, bias; direct: 3 input channels per group)")
    }

    @Test("direct and depthwise on edge shapes: one-pixel rows, rows of 1…40, stride 3 with dilation 2, outputs past the strip",
          arguments: [ConvAlgorithm.direct, .depthwise])
    func edgeShapes(algorithm: ConvAlgorithm) throws {
        var random = SeededGenerator(seed: 12)
        let shapes: [(input: Size2D, kernel: Size2D, stride: Size2D, dilation: Size2D, padding: Padding, out: Int, inPerGroup: Int, groups: Int)] = [
            (Size2D(height: 1, width: 1), Size2D(1), Size2D(1), Size2D(1), .valid, 3, 1, 1),
            (Size2D(height: 5, width: 1), Size2D(height: 3, width: 1), Size2D(1), Size2D(1), .same, 5, 2, 1),
            (Size2D(height: 2, width: 40), Size2D(height: 1, width: 3), Size2D(height: 1, width: 3), Size2D(height: 1, width: 2), .explicit(Size2D(2)), 6, 1, 2),
            (Size2D(height: 9, width: 33), Size2D(3), Size2D(1), Size2D(1), .explicit(Size2D(1)), 9, 3, 1),
            (Size2D(height: 7, width: 17), Size2D(5), Size2D(2), Size2D(1), .explicit(Size2D(4)), 4, 1, 4),
            (Size2D(height: 3, width: 70), Size2D(height: 3, width: 7), Size2D(height: 1, width: 2), Size2D(1), .explicit(Size2D(3)), 7, 1, 1),
        ]
        for (index, shape) in shapes.enumerated() {
            let conv = try Conv2D(weight: random.tensor([shape.out * shape.groups, shape.inPerGroup, shape.kernel.height, shape.kernel.width]),
                                  bias: random.tensor([shape.out * shape.groups]), stride: shape.stride, padding: shape.padding,
                                  dilation: shape.dilation, groups: shape.groups)
            let input = try random.tensor([2, shape.inPerGroup * shape.groups, shape.input.height, shape.input.width])
            expectClose(try conv(input, threads: 2, algorithm: algorithm), try convolutionByDefinition(conv, input),
                        tolerance: try Conv2DTests.tolerance(conv, input), "\(algorithm) shape \(index)")
            let outputGradient = try random.tensor(try conv(input).shape)
            let expected = try conv.backward(input: input, outputGradient: outputGradient, algorithm: .gemm)
            let actual = try conv.backward(input: input, outputGradient: outputGradient, threads: 2, algorithm: algorithm)
            for (name, a, e) in [("input", actual.input, expected.input), ("weight", actual.weight, expected.weight)] {
                let scale = e.scalars.map(abs).max() ?? 1
                expectClose(a, e, tolerance: [Float](repeating: 1e-5 * max(1, scale), count: e.count), "\(algorithm) shape \(index), \(name) gradient")
            }
        }
    }
}
