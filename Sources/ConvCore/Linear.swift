import GEMM

/// A fully-connected (dense) layer: every output is a weighted sum of every input, with
/// a weight of its own for each pair. On an image that is one weight per pixel per
/// neuron, which is what convolution's weight sharing avoids.
///
///     out[n, o] = bias[o] + Σ_i weight[o, i] · in[n, i]
///
/// - `weight`: [outFeatures, inFeatures], PyTorch's `nn.Linear` layout
/// - `bias`: [outFeatures], or nil
/// - input [N, inFeatures] → output [N, outFeatures]: one GEMM, in · weightᵀ
public struct Linear: Sendable {
    public var weight: Tensor
    public var bias: Tensor?

    public var outFeatures: Int { weight.shape[0] }
    public var inFeatures: Int { weight.shape[1] }

    /// - Throws: `ShapeError` when the weight is not 2-D or the bias does not have one
    ///   value per output.
    public init(weight: Tensor, bias: Tensor? = nil) throws(ShapeError) {
        guard weight.shape.count == 2, weight.shape.allSatisfy({ $0 >= 1 }) else {
            throw ShapeError("a linear weight is [outFeatures, inFeatures], both at least 1; got \(weight.shape)")
        }
        if let bias, bias.shape != [weight.shape[0]] {
            throw ShapeError("bias has shape \(bias.shape); it needs one value per output: [\(weight.shape[0])]")
        }
        self.weight = weight
        self.bias = bias
    }

    /// The forward pass: out = in · weightᵀ + bias.
    public func callAsFunction(_ input: Tensor, threads: Int? = nil) throws(ShapeError) -> Tensor {
        let batch = try check(input)
        var output = Tensor(shape: [batch, outFeatures])
        sgemm(.none, .transposed, m: batch, n: outFeatures, k: inFeatures,
              a: input.scalars, lda: inFeatures, b: weight.scalars, ldb: inFeatures,
              c: &output.scalars, ldc: outFeatures, threads: threads)
        if let bias {
            for n in 0..<batch {
                for o in 0..<outFeatures { output.scalars[n * outFeatures + o] += bias.scalars[o] }
            }
        }
        return output
    }

    /// The backward pass, from ∂L/∂out [N, outFeatures]:
    ///
    ///     ∂L/∂in     = ∂L/∂out · weight        [N, in]
    ///     ∂L/∂weight = ∂L/∂outᵀ · in           [out, in], summed over the batch
    ///     ∂L/∂bias   = Σ over the batch of ∂L/∂out
    public func backward(input: Tensor, outputGradient: Tensor, threads: Int? = nil) throws(ShapeError) -> Gradients {
        let batch = try check(input)
        guard outputGradient.shape == [batch, outFeatures] else {
            throw ShapeError("the output gradient has shape \(outputGradient.shape); this layer's output is [\(batch), \(outFeatures)]")
        }
        var inputGradient = Tensor(shape: input.shape)
        sgemm(.none, .none, m: batch, n: inFeatures, k: outFeatures,
              a: outputGradient.scalars, lda: outFeatures, b: weight.scalars, ldb: inFeatures,
              c: &inputGradient.scalars, ldc: inFeatures, threads: threads)
        var weightGradient = Tensor(shape: weight.shape)
        sgemm(.transposed, .none, m: outFeatures, n: inFeatures, k: batch,
              a: outputGradient.scalars, lda: outFeatures, b: input.scalars, ldb: inFeatures,
              c: &weightGradient.scalars, ldc: inFeatures, threads: threads)
        return Gradients(input: inputGradient, weight: weightGradient,
                         bias: bias == nil ? nil : channelSums(outputGradient))
    }

    private func check(_ input: Tensor) throws(ShapeError) -> Int {
        guard input.shape.count == 2, input.shape[1] == inFeatures else {
            throw ShapeError("a linear input is [N, \(inFeatures)] for this layer; got \(input.shape)")
        }
        return input.shape[0]
    }
}
