import Foundation
import Testing

@testable import ConvCore

/// Conv2D against PyTorch's own answers. `Fixtures/pytorch-conv2d.json` holds 40 random
/// layers made with PyTorch 2.15 (`torch.nn.Conv2d` with random kernel, stride, padding
/// as an int pair or "same"/"valid", dilation, groups including depthwise, bias or not,
/// and N(0, 1) inputs): for each, the input, weight and bias, the output of the forward
/// pass, a random output gradient, and the three gradients `backward` computed. The
/// generator script is not part of the project: no Python runs in its tests.
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
}
