/// A layer with learned weights that maps a batch to a batch and sends a gradient back:
/// `Linear` and `Conv2D`. What a `ResidualBlock`'s branch is made of, so one block
/// serves fully-connected and convolutional networks alike.
public protocol Layer: Sendable {
    var weight: Tensor { get set }
    var bias: Tensor? { get set }

    /// The forward pass.
    func callAsFunction(_ input: Tensor, threads: Int?) throws(ShapeError) -> Tensor

    /// ∂L/∂input, ∂L/∂weight and ∂L/∂bias from ∂L/∂output.
    func backward(input: Tensor, outputGradient: Tensor, threads: Int?) throws(ShapeError) -> Gradients
}

extension Linear: Layer {}
extension Conv2D: Layer {}
