import ConvCore

/// A part of a network that maps a batch to a batch and sends a gradient back: a layer
/// (convolution, fully connected, batch norm, pooling, an activation, flatten), a residual
/// block, or a whole `Sequential`. PyTorch's `nn.Module`, reduced to what training needs.
///
/// The network around a module keeps the activations: `forward` is given the input, and
/// `backward` the same input, the output `forward` made of it, and ∂L/∂output. A module
/// that needs more for its backward pass keeps it from its last forward pass itself
/// (batch normalization its batch statistics, a residual block its branch's activations).
public protocol Module: Sendable {
    /// The forward pass. `mode` matters to batch normalization: training mode normalizes
    /// with the batch's statistics and updates the running ones.
    mutating func forward(_ input: Tensor, mode: Mode, threads: Int?) throws(ShapeError) -> Tensor

    /// The backward pass of the last forward pass: ∂L/∂input, and ∂L/∂parameters in the
    /// order of `parameters`.
    mutating func backward(input: Tensor, output: Tensor, outputGradient: Tensor, threads: Int?) throws(ShapeError) -> (input: Tensor, parameters: [Tensor])

    /// ∂L/∂parameters alone, for the first module of a network, whose input is data: a
    /// module may skip computing ∂L/∂input (a convolution its second GEMM and col2im).
    mutating func parameterGradients(input: Tensor, output: Tensor, outputGradient: Tensor, threads: Int?) throws(ShapeError) -> [Tensor]

    /// The learned tensors, in a fixed order (a layer's weight, then its bias).
    var parameters: [Tensor] { get }

    /// Lets `update` change each parameter in place, in the order of `parameters`: the one
    /// way a parameter changes after the module is made.
    /// - Precondition: `update` keeps every parameter's shape.
    mutating func updateParameters(_ update: (_ index: Int, _ parameter: inout Tensor) -> Void)
}

extension Module {
    public mutating func parameterGradients(input: Tensor, output: Tensor, outputGradient: Tensor, threads: Int?) throws(ShapeError) -> [Tensor] {
        try backward(input: input, output: output, outputGradient: outputGradient, threads: threads).parameters
    }
}
