import Foundation
import SeededRandom
import Testing
import _TestSupport

@testable import ConvCore

/// Conv2D against PyTorch's own answers. `Fixtures/pytorch-conv2d.json` holds 40 random
/// layers made with PyTorch 2.15 (`torch.nn.Conv2d` with random kernel, stride, padding
/// as an int pair or "same"/"valid", dilation, groups including depthwise, bias or not,
/// and N(0, 1) inputs): for each, the input, weight and bias, the output of the forward
/// pass, a random output gradient, and the three gradients `backward` computed.
///
/// `Fixtures/pytorch-batchnorm.json` holds 12 `nn.BatchNorm1d` ([N, C]) and
/// `nn.BatchNorm2d` ([N, C, H, W]) layers made with PyTorch 2.15: random γ, β and running
/// statistics, inputs N(1, 3²), and for each mode the output, the running statistics after
/// a training step, and the three gradients. `Fixtures/README.md` says how they were made
/// (by `Fixtures/make-pytorch-fixtures.py`, which the tests do not run: no Python runs in
/// them).
struct PyTorchReferenceTests {
    struct Case: Decodable {
        let pad: PaddingSpec
        let stride: [Int], dilation: [Int], groups: Int
        let x_shape: [Int], x: [Float]
        let w_shape: [Int], w: [Float], b: [Float]?
        let y_shape: [Int], y: [Float], dy: [Float]
        let dx: [Float], dw: [Float], db: [Float]?
    }

    enum PaddingSpec: Decodable {
        case named(String), pair([Int])

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let name = try? container.decode(String.self) { self = .named(name) } else { self = .pair(try container.decode([Int].self)) }
        }

        var padding: Padding {
            switch self {
            case .named("same"): .same
            case .named: .valid
            case .pair(let p): .explicit(Size2D(height: p[0], width: p[1]))
            }
        }
    }

    @Test("forward and all three gradients equal PyTorch's on 40 random layers")
    func matchesPyTorch() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/pytorch-conv2d.json")
        let cases = try JSONDecoder().decode([Case].self, from: Data(contentsOf: url))
        #expect(cases.count == 40)
        for (index, c) in cases.enumerated() {
            let conv = try Conv2D(
                weight: Tensor(shape: c.w_shape, scalars: c.w), bias: c.b.map { b throws(ShapeError) in try Tensor(shape: [b.count], scalars: b) },
                stride: Size2D(height: c.stride[0], width: c.stride[1]), padding: c.pad.padding,
                dilation: Size2D(height: c.dilation[0], width: c.dilation[1]), groups: c.groups)
            let input = try Tensor(shape: c.x_shape, scalars: c.x)
            let output = try conv(input)
            #expect(output.shape == c.y_shape, "case \(index): output shape")
            guard output.shape == c.y_shape else { continue }
            let gradients = try conv.backward(input: input, outputGradient: Tensor(shape: c.y_shape, scalars: c.dy))
            // PyTorch and this project sum in different orders; values are O(1)–O(10) and
            // sums have at most 3 · 7 · 7 terms, so 1e-4 is far above rounding.
            expectClose(output, try Tensor(shape: c.y_shape, scalars: c.y), tolerance: c.y.map { 1e-4 * max(1, abs($0)) }, "case \(index): output")
            expectClose(gradients.input, try Tensor(shape: c.x_shape, scalars: c.dx), tolerance: c.dx.map { 1e-4 * max(1, abs($0)) }, "case \(index): input gradient")
            expectClose(gradients.weight, try Tensor(shape: c.w_shape, scalars: c.dw), tolerance: c.dw.map { 1e-4 * max(1, abs($0)) }, "case \(index): weight gradient")
            if let db = c.db {
                expectClose(try #require(gradients.bias), try Tensor(shape: [db.count], scalars: db), tolerance: db.map { 1e-4 * max(1, abs($0)) }, "case \(index): bias gradient")
            }
        }
    }

    struct BatchNormCase: Decodable {
        let shape: [Int]
        let x: [Float], gamma: [Float], beta: [Float], running_mean: [Float], running_var: [Float], dy: [Float]
        let y_train: [Float], running_mean_after: [Float], running_var_after: [Float]
        let dx_train: [Float], dgamma_train: [Float], dbeta_train: [Float]
        let y_eval: [Float], dx_eval: [Float], dgamma_eval: [Float], dbeta_eval: [Float]
    }

    @Test("batch norm, both modes: outputs, running statistics and gradients equal PyTorch's on 12 random layers")
    func batchNormMatchesPyTorch() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/pytorch-batchnorm.json")
        let cases = try JSONDecoder().decode([BatchNormCase].self, from: Data(contentsOf: url))
        #expect(cases.count == 12)
        func close(_ actual: Tensor, _ expected: [Float], _ comment: String) throws {
            // Values are O(1)–O(10) and sums have at most 100 terms: 1e-5 relative is far above rounding.
            expectClose(actual, try Tensor(shape: actual.shape, scalars: expected), tolerance: expected.map { 1e-5 * max(1, abs($0)) }, comment)
        }
        for (index, c) in cases.enumerated() {
            let channels = c.shape[1]
            var layer = try BatchNorm(channels: channels)
                .replacing(parameter: 0, with: try Tensor(shape: [channels], scalars: c.gamma))
                .replacing(parameter: 1, with: try Tensor(shape: [channels], scalars: c.beta))
            try layer.setRunningStatistics(mean: Tensor(shape: [channels], scalars: c.running_mean), variance: Tensor(shape: [channels], scalars: c.running_var))
            let evaluationLayer = layer
            let input = try Tensor(shape: c.shape, scalars: c.x), upstream = try Tensor(shape: c.shape, scalars: c.dy)

            let training = try layer.forward(input, mode: .training)
            try close(training, c.y_train, "case \(index): training output")
            try close(layer.runningMean, c.running_mean_after, "case \(index): running mean")
            try close(layer.runningVariance, c.running_var_after, "case \(index): running variance")
            let trainingGradients = try layer.backward(input: input, outputGradient: upstream)
            try close(trainingGradients.input, c.dx_train, "case \(index): training ∂L/∂x")
            try close(trainingGradients.weight, c.dgamma_train, "case \(index): training ∂L/∂γ")
            try close(try #require(trainingGradients.bias), c.dbeta_train, "case \(index): training ∂L/∂β")

            var evaluation = evaluationLayer
            let evaluated = try evaluation.forward(input, mode: .evaluation)
            try close(evaluated, c.y_eval, "case \(index): evaluation output")
            let evaluationGradients = try evaluation.backward(input: input, outputGradient: upstream)
            try close(evaluationGradients.input, c.dx_eval, "case \(index): evaluation ∂L/∂x")
            try close(evaluationGradients.weight, c.dgamma_eval, "case \(index): evaluation ∂L/∂γ")
            try close(try #require(evaluationGradients.bias), c.dbeta_eval, "case \(index): evaluation ∂L/∂β")
        }
    }
}
