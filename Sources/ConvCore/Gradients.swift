/// The gradients of a loss with respect to a layer's input and parameters, computed by
/// the layer's backward pass from the gradient with respect to its output.
public struct Gradients: Sendable {
    /// ∂L/∂input, the shape of the input: what flows back to the layer before.
    public var input: Tensor
    /// ∂L/∂weight, the shape of the weight.
    public var weight: Tensor
    /// ∂L/∂bias, or nil for a layer without bias.
    public var bias: Tensor?
}

extension Gradients {
    /// ∂L/∂weight, then ∂L/∂bias if the layer has one: the order of the layer's parameters.
    public var parameters: [Tensor] { [weight] + (bias.map { [$0] } ?? []) }
}
