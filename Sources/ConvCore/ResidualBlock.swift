/// A residual block (He et al., 2016): the input plus a learned correction,
///
///     y = x + F(x),   F(x) = second(activation(first(x)))
///
/// or, with batch normalization, F(x) = second(activation(BN(first(x)))). F is two
/// Linear layers or two Conv2D layers; F(x) must have x's shape.
///
/// Why it keeps deep networks trainable: the identity path hands the gradient from the
/// output straight to the input, ∂L/∂x = ∂L/∂y + (∂F/∂x)ᵀ ∂L/∂y, so however small the
/// branch's share becomes, the gradient does not vanish through a stack of blocks. The
/// price is that each block adds F(x)'s variance to x's: a deep stack grows unless the
/// branch starts small (docs/stable-training.md).
public struct ResidualBlock<Branch: Layer>: Sendable {
    /// activation(BN(first(x))): the branch up to its second layer.
    public var head: ActivatedLayer<Branch>
    public var second: Branch

    public var first: Branch {
        get { head.layer }
        set { head.layer = newValue }
    }

    public var normalization: BatchNorm? {
        get { head.normalization }
        set { head.normalization = newValue }
    }

    /// What the forward pass keeps for the backward pass.
    public struct Trace: Sendable {
        public var head: ActivatedLayer<Branch>.Trace
        /// x + F(x).
        public var output: Tensor
    }

    /// What the backward pass computes.
    public struct Backward: Sendable {
        /// ∂L/∂x: through the branch, plus ∂L/∂y itself along the identity path.
        public var input: Tensor
        public var head: ActivatedLayer<Branch>.Backward
        public var second: Gradients

        /// ∂L/∂parameters, in the order of `ResidualBlock.parameters`.
        public var parameters: [Tensor] { head.parameters + second.parameters }
    }

    public init(first: Branch, normalization: BatchNorm? = nil, activation: Activation, second: Branch) {
        head = ActivatedLayer(first, normalization: normalization, activation: activation)
        self.second = second
    }

    /// The forward pass; `mode` is the batch normalization's (training also updates its
    /// running statistics).
    ///
    /// - Throws: `ShapeError` when a layer does not fit its input, or F(x) does not have x's
    ///   shape and cannot be added to it.
    public mutating func forward(_ input: Tensor, mode: BatchNorm.Mode = .training, threads: Int? = nil) throws(ShapeError) -> Trace {
        let headTrace = try head.forward(input, mode: mode, threads: threads)
        var output = try second(headTrace.output, threads: threads)
        guard output.shape == input.shape else {
            throw ShapeError("a residual block's branch maps \(input.shape) to \(output.shape); it must keep the shape to be added to its input")
        }
        for i in output.scalars.indices { output.scalars[i] += input.scalars[i] }
        return Trace(head: headTrace, output: output)
    }

    /// The backward pass from ∂L/∂y: back through the branch, plus the identity path's ∂L/∂y.
    public func backward(_ trace: Trace, outputGradient: Tensor, threads: Int? = nil) throws(ShapeError) -> Backward {
        let secondGradients = try second.backward(input: trace.head.output, outputGradient: outputGradient, threads: threads)
        let headGradients = try head.backward(trace.head, outputGradient: secondGradients.input, threads: threads)
        var inputGradient = headGradients.input
        for i in inputGradient.scalars.indices { inputGradient.scalars[i] += outputGradient.scalars[i] }
        return Backward(input: inputGradient, head: headGradients, second: secondGradients)
    }

    /// The first layer's weight and bias, the batch norm's γ and β, the second layer's weight
    /// and bias (those that exist): what an optimizer updates.
    public var parameters: [Tensor] {
        get { head.parameters + [second.weight] + (second.bias.map { [$0] } ?? []) }
        set {
            precondition(newValue.count == parameters.count, "ResidualBlock.parameters: \(newValue.count) tensors for \(parameters.count)")
            let headCount = head.parameters.count
            head.parameters = Array(newValue[..<headCount])
            second.weight = newValue[headCount]
            if second.bias != nil { second.bias = newValue[headCount + 1] }
        }
    }
}
