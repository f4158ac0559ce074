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
    public var first: Branch
    public var normalization: BatchNorm?
    public let activation: Activation
    public var second: Branch

    /// What the forward pass keeps for the backward pass.
    public struct Trace: Sendable {
        public var input: Tensor
        /// first(x), before the normalization and activation.
        public var hidden: Tensor
        public var normalization: BatchNorm.Trace?
        /// activation(…): the second layer's input.
        public var activated: Tensor
        /// x + F(x).
        public var output: Tensor
    }

    /// The gradients of the block's input and of the parameters of its three parts.
    public struct BlockGradients: Sendable {
        public var input: Tensor
        public var first: Gradients
        public var normalization: Gradients?
        public var second: Gradients
    }

    public init(first: Branch, normalization: BatchNorm? = nil, activation: Activation, second: Branch) {
        self.first = first
        self.normalization = normalization
        self.activation = activation
        self.second = second
    }

    /// The forward pass; `mode` is the batch normalization's (training also updates its
    /// running statistics).
    ///
    /// - Throws: `ShapeError` when a layer does not fit its input, or F(x) does not have x's
    ///   shape and cannot be added to it.
    public mutating func forward(_ input: Tensor, mode: BatchNorm.Mode = .training, threads: Int? = nil) throws(ShapeError) -> Trace {
        let hidden = try first(input, threads: threads)
        let normalized = try normalization?.forward(hidden, mode: mode)
        let activated = activation.forward(normalized?.output ?? hidden)
        var output = try second(activated, threads: threads)
        guard output.shape == input.shape else {
            throw ShapeError("a residual block's branch maps \(input.shape) to \(output.shape); it must keep the shape to be added to its input")
        }
        for i in output.scalars.indices { output.scalars[i] += input.scalars[i] }
        return Trace(input: input, hidden: hidden, normalization: normalized, activated: activated, output: output)
    }

    /// The backward pass: the branch's gradient, back through second, the activation, the
    /// normalization and first, plus the identity path's ∂L/∂y itself.
    public func backward(_ trace: Trace, outputGradient: Tensor, threads: Int? = nil) throws(ShapeError) -> BlockGradients {
        let secondGradients = try second.backward(input: trace.activated, outputGradient: outputGradient, threads: threads)
        var gradient = activation.backward(input: trace.normalization?.output ?? trace.hidden, output: trace.activated, outputGradient: secondGradients.input)
        var normalizationGradients: Gradients?
        if let normalization, let normalized = trace.normalization {
            let gradients = try normalization.backward(normalized, outputGradient: gradient)
            normalizationGradients = gradients
            gradient = gradients.input
        }
        let firstGradients = try first.backward(input: trace.input, outputGradient: gradient, threads: threads)
        var inputGradient = firstGradients.input
        for i in inputGradient.scalars.indices { inputGradient.scalars[i] += outputGradient.scalars[i] }
        return BlockGradients(input: inputGradient, first: firstGradients, normalization: normalizationGradients, second: secondGradients)
    }
}
