/// Flat features seen again as feature maps, PyTorch's `nn.Unflatten(1, (C, H, W))`:
/// [N, C·H·W] → [N, C, H, W], the inverse of `Flatten`. It lets a fully-connected layer
/// stand where a convolution stood, with pooling and everything after it unchanged, which
/// is how the sharing experiment compares the two. No parameters, and no values move.
public struct Reshape: Sendable {
    /// The maps' size and channels.
    public let size: Size2D
    public let channels: Int

    public init(size: Size2D, channels: Int) {
        self.size = size
        self.channels = channels
    }

    /// - Throws: `ShapeError` unless the input is [N, C·H·W].
    public func callAsFunction(_ input: Tensor) throws(ShapeError) -> Tensor {
        let features = try Tensor.count(of: [channels, size.height, size.width])
        guard input.shape.count == 2, input.shape[1] == features else {
            throw ShapeError("reshape to \(size)×\(channels) needs an input [N, \(features)]; got \(input.shape)")
        }
        return try input.reshaped(to: [input.shape[0], channels, size.height, size.width])
    }

    /// ∂L/∂input: ∂L/∂output in the input's shape.
    /// - Throws: `ShapeError` when the output gradient does not have the input's count.
    public func backward(input: Tensor, outputGradient: Tensor) throws(ShapeError) -> Tensor {
        try outputGradient.reshaped(to: input.shape)
    }
}
