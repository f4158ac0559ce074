import GEMM
import SeededRandom

/// A fully-connected (dense) layer: every output is a weighted sum of every input, with
/// a weight of its own for each pair. On an image that is one weight per pixel per
/// neuron, which is what convolution's weight sharing avoids.
///
///     out[n, o] = bias[o] + Σ_i weight[o, i] · in[n, i]
///
/// - `weight`: [outFeatures, inFeatures], PyTorch's `nn.Linear` layout
/// - `bias`: [outFeatures], or nil
/// - input [N, inFeatures] → output [N, outFeatures]: one GEMM, in · weightᵀ; a batch of
///   N = 0 gives an empty output
///
/// The weight and bias are read-only from outside and change only through
/// `updateParameters`, which keeps their shapes.
public struct Linear: Sendable {
    public var weight: Tensor { storedWeight }
    public var bias: Tensor? { storedBias }
    private var storedWeight: Tensor
    private var storedBias: Tensor?

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
        storedWeight = weight
        storedBias = bias
    }

    /// A layer of `outFeatures` × `inFeatures` weights drawn by `weights`, and biases drawn
    /// by `biases` (nil: no bias), the weights first. With `.frameworkDefault` for both it is
    /// made as PyTorch's `nn.Linear` makes one: weights and biases from U(±1/√inFeatures).
    public init(
        inFeatures: Int, outFeatures: Int, weights: Initializer = .frameworkDefault, biases: Initializer? = .frameworkDefault,
        using random: inout SeededGenerator
    ) throws(ShapeError) {
        let weight = try weights.tensor([outFeatures, inFeatures], using: &random)
        try self.init(weight: weight, bias: try biases?.bias(outFeatures, fanIn: inFeatures, using: &random))
    }

    /// The weight, then the bias if there is one: what an optimizer updates.
    public var parameters: [Tensor] { [weight] + (bias.map { [$0] } ?? []) }

    /// Lets `update` change each parameter in place, in the order of `parameters`.
    /// - Precondition: `update` keeps every parameter's shape.
    public mutating func updateParameters(_ update: (_ index: Int, _ parameter: inout Tensor) -> Void) {
        storedWeight.updateAsParameter(0, update)
        if storedBias != nil { storedBias!.updateAsParameter(1, update) }
    }

    /// The forward pass: out = in · weightᵀ + bias.
    public func callAsFunction(_ input: Tensor, threads: Int? = nil) throws(ShapeError) -> Tensor {
        let batch = try check(input)
        var output = try Tensor(shape: [batch, outFeatures])
        output.withUnsafeMutableBufferPointer { y in
            input.withUnsafeBufferPointer { x in
                weight.withUnsafeBufferPointer { w in
                    sgemm(.asStored, .transposed, m: batch, n: outFeatures, k: inFeatures,
                          a: x, lda: inFeatures, b: w, ldb: inFeatures, c: y, ldc: outFeatures, threads: threads)
                }
            }
            if let bias {
                for n in 0..<batch {
                    for o in 0..<outFeatures { y[n * outFeatures + o] += bias.scalars[o] }
                }
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
        var inputGradient = try Tensor(shape: input.shape)
        var weightGradient = try Tensor(shape: weight.shape)
        outputGradient.withUnsafeBufferPointer { dy in
            inputGradient.withUnsafeMutableBufferPointer { dx in
                weight.withUnsafeBufferPointer { w in
                    sgemm(.asStored, .asStored, m: batch, n: inFeatures, k: outFeatures,
                          a: dy, lda: outFeatures, b: w, ldb: inFeatures, c: dx, ldc: inFeatures, threads: threads)
                }
            }
            weightGradient.withUnsafeMutableBufferPointer { dw in
                input.withUnsafeBufferPointer { x in
                    sgemm(.transposed, .asStored, m: outFeatures, n: inFeatures, k: batch,
                          a: dy, lda: outFeatures, b: x, ldb: inFeatures, c: dw, ldc: inFeatures, threads: threads)
                }
            }
        }
        return Gradients(input: inputGradient, weight: weightGradient,
                         bias: bias == nil ? nil : try channelSums(outputGradient))
    }

    private func check(_ input: Tensor) throws(ShapeError) -> Int {
        guard input.shape.count == 2, input.shape[1] == inFeatures else {
            throw ShapeError("a linear input is [N, \(inFeatures)] for this layer; got \(input.shape)")
        }
        return input.shape[0]
    }
}
