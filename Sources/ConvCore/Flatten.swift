/// Flattening, PyTorch's `nn.Flatten()`: [N, C, H, W] (or any [N, …]) → [N, C·H·W], the
/// step from feature maps to the flat features a fully-connected layer takes. No
/// parameters, and no values move: the same scalars are seen with another shape, and the
/// backward pass gives the gradient its input's shape back.
public struct Flatten: Sendable {
    public init() {}

    /// - Throws: `ShapeError` when the input has no batch axis.
    public func callAsFunction(_ input: Tensor) throws(ShapeError) -> Tensor {
        guard let batch = input.shape.first else { throw ShapeError("flatten needs an input [N, …]; got a scalar") }
        return try input.reshaped(to: [batch, try Tensor.count(of: Array(input.shape.dropFirst()))])
    }

    /// ∂L/∂input: ∂L/∂output in the input's shape.
    /// - Throws: `ShapeError` when the output gradient does not have the input's count.
    public func backward(input: Tensor, outputGradient: Tensor) throws(ShapeError) -> Tensor {
        try outputGradient.reshaped(to: input.shape)
    }
}
