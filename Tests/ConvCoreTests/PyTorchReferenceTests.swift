import Foundation
import Testing

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
/// a training step, and the three gradients. `Fixtures/pytorch-clip.json` holds four
/// `clip_grad_norm_` calls (max_norm 1, two norms above it and two below). The generator
/// scripts are not part of the project: no Python runs in its tests.
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
                weight: Tensor(shape: c.w_shape, scalars: c.w), bias: c.b.map { Tensor(shape: [$0.count], scalars: $0) },
                stride: Size2D(height: c.stride[0], width: c.stride[1]), padding: c.pad.padding,
                dilation: Size2D(height: c.dilation[0], width: c.dilation[1]), groups: c.groups)
            let input = Tensor(shape: c.x_shape, scalars: c.x)
            let output = try conv(input)
            #expect(output.shape == c.y_shape, "case \(index): output shape")
            guard output.shape == c.y_shape else { continue }
            let gradients = try conv.backward(input: input, outputGradient: Tensor(shape: c.y_shape, scalars: c.dy))
            // PyTorch and this project sum in different orders; values are O(1)–O(10) and
            // sums have at most 3 · 7 · 7 terms, so 1e-4 is far above rounding.
            expectClose(output, Tensor(shape: c.y_shape, scalars: c.y), tolerance: c.y.map { 1e-4 * max(1, abs($0)) }, "case \(index): output")
            expectClose(gradients.input, Tensor(shape: c.x_shape, scalars: c.dx), tolerance: c.dx.map { 1e-4 * max(1, abs($0)) }, "case \(index): input gradient")
            expectClose(gradients.weight, Tensor(shape: c.w_shape, scalars: c.dw), tolerance: c.dw.map { 1e-4 * max(1, abs($0)) }, "case \(index): weight gradient")
            if let db = c.db {
                expectClose(try #require(gradients.bias), Tensor(shape: [db.count], scalars: db), tolerance: db.map { 1e-4 * max(1, abs($0)) }, "case \(index): bias gradient")
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
        func close(_ actual: Tensor, _ expected: [Float], _ comment: String) {
            // Values are O(1)–O(10) and sums have at most 100 terms: 1e-5 relative is far above rounding.
            expectClose(actual, Tensor(shape: actual.shape, scalars: expected), tolerance: expected.map { 1e-5 * max(1, abs($0)) }, comment)
        }
        for (index, c) in cases.enumerated() {
            let channels = c.shape[1]
            var layer = BatchNorm(channels: channels)
            layer.weight = Tensor(shape: [channels], scalars: c.gamma)
            layer.bias = Tensor(shape: [channels], scalars: c.beta)
            layer.runningMean = Tensor(shape: [channels], scalars: c.running_mean)
            layer.runningVariance = Tensor(shape: [channels], scalars: c.running_var)
            let evaluationLayer = layer
            let input = Tensor(shape: c.shape, scalars: c.x), upstream = Tensor(shape: c.shape, scalars: c.dy)

            let training = try layer.forward(input, mode: .training)
            close(training.output, c.y_train, "case \(index): training output")
            close(layer.runningMean, c.running_mean_after, "case \(index): running mean")
            close(layer.runningVariance, c.running_var_after, "case \(index): running variance")
            let trainingGradients = try layer.backward(training, outputGradient: upstream)
            close(trainingGradients.input, c.dx_train, "case \(index): training ∂L/∂x")
            close(trainingGradients.weight, c.dgamma_train, "case \(index): training ∂L/∂γ")
            close(try #require(trainingGradients.bias), c.dbeta_train, "case \(index): training ∂L/∂β")

            var evaluation = evaluationLayer
            let evaluated = try evaluation.forward(input, mode: .evaluation)
            close(evaluated.output, c.y_eval, "case \(index): evaluation output")
            let evaluationGradients = try evaluation.backward(evaluated, outputGradient: upstream)
            close(evaluationGradients.input, c.dx_eval, "case \(index): evaluation ∂L/∂x")
            close(evaluationGradients.weight, c.dgamma_eval, "case \(index): evaluation ∂L/∂γ")
            close(try #require(evaluationGradients.bias), c.dbeta_eval, "case \(index): evaluation ∂L/∂β")
        }
    }

    struct ClipCase: Decodable {
        struct Gradient: Decodable {
            let shape: [Int], values: [Float]
        }
        let max_norm: Float
        let grads: [Gradient], total_norm: Float, grads_after: [Gradient]
    }

    @Test("clipGradientNorm returns PyTorch's total norm and leaves PyTorch's gradients")
    func clippingMatchesPyTorch() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/pytorch-clip.json")
        let cases = try JSONDecoder().decode([ClipCase].self, from: Data(contentsOf: url))
        #expect(cases.count == 4)
        #expect(cases.filter { $0.total_norm > $0.max_norm }.count == 2)
        for (index, c) in cases.enumerated() {
            var gradients = c.grads.map { Tensor(shape: $0.shape, scalars: $0.values) }
            let norm = try clipGradientNorm(&gradients, maxNorm: c.max_norm)
            #expect(abs(norm - c.total_norm) <= 1e-6 * c.total_norm, "case \(index): norm \(norm), PyTorch's \(c.total_norm)")
            for (actual, expected) in zip(gradients, c.grads_after) {
                expectClose(actual, Tensor(shape: expected.shape, scalars: expected.values), tolerance: expected.values.map { 1e-6 * max(1, abs($0)) }, "case \(index)")
            }
        }
    }
}
