/// A 2-D convolution layer: a small kernel per output channel, the same weights applied
/// at every position of the image. That reuse is weight sharing: the layer has
/// `outChannels · (inChannels / groups) · kh · kw` weights and `outChannels` biases,
/// whatever the size of the image.
///
/// PyTorch's `nn.Conv2d` semantics, cross-correlation (the kernel is not flipped):
///
///     out[n, o, y, x] = bias[o] + Σ_c Σ_i Σ_j weight[o, c, i, j]
///                         · in[n, g·C/G + c, y·s_h − p_top + i·d_h, x·s_w − p_left + j·d_w]
///
/// where g = o / (O/G) is the group of output channel o, c runs over the C/G input
/// channels of that group, and pixels outside the image read as 0. Per axis the output
/// has ⌊(n + 2p − d·(k − 1) − 1) / s⌋ + 1 pixels (`AxisGeometry`).
///
/// - `weight`: [outChannels, inChannels / groups, kh, kw]
/// - `bias`: [outChannels], or nil
/// - input [N, inChannels, H, W] → output [N, outChannels, Hout, Wout]; a batch of N = 0
///   images gives an empty output
///
/// The forward pass is im2col + one GEMM per group and tile of output positions
/// (`Conv2D+Lowering.swift`); the backward pass is two GEMMs and col2im
/// (`Conv2D+Backward.swift`). The weight and bias are read-only from outside (computed
/// properties over private storage, so not even a key path writes them): they keep the
/// shapes checked here, and change only through `updateParameters`.
public struct Conv2D: Sendable {
    public var weight: Tensor { storedWeight }
    public var bias: Tensor? { storedBias }
    private var storedWeight: Tensor {
        didSet { packedWeights = PackedWeights() }  // What was packed describes the old weights.
    }
    private var storedBias: Tensor?
    /// The weights as the forward pass reads them, packed at its first call.
    private(set) var packedWeights = PackedWeights()
    public let stride: Size2D
    public let padding: Padding
    public let dilation: Size2D
    /// Input and output channels are split into this many groups, each convolved with its
    /// own kernels only; `groups == inChannels` is a depthwise convolution.
    public let groups: Int

    public var outChannels: Int { weight.shape[0] }
    public var inChannels: Int { weight.shape[1] * groups }
    public var kernelSize: Size2D { Size2D(height: weight.shape[2], width: weight.shape[3]) }

    /// - Throws: `ShapeError` when the weight is not 4-D, the groups do not divide the
    ///   output channels, the bias does not have one value per output channel, or a
    ///   stride, dilation or padding is out of range.
    public init(
        weight: Tensor, bias: Tensor? = nil, stride: Size2D = Size2D(1), padding: Padding = .valid,
        dilation: Size2D = Size2D(1), groups: Int = 1
    ) throws(ShapeError) {
        guard weight.shape.count == 4, weight.shape.allSatisfy({ $0 >= 1 }) else {
            throw ShapeError("a convolution weight is [outChannels, inChannels/groups, kh, kw], all at least 1; got \(weight.shape)")
        }
        guard groups >= 1, weight.shape[0] % groups == 0 else {
            throw ShapeError("groups \(groups) must be at least 1 and divide the \(weight.shape[0]) output channels")
        }
        if let bias, bias.shape != [weight.shape[0]] {
            throw ShapeError("bias has shape \(bias.shape); it needs one value per output channel: [\(weight.shape[0])]")
        }
        storedWeight = weight
        storedBias = bias
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
        // Checks stride, dilation and padding on an input the kernel surely fits in
        // (d · k ≥ its span); an out-of-range dilation is reported by the geometry.
        func roomy(_ d: Int, _ k: Int) -> Int { max(1, checkedProduct(d, k) ?? .max) }
        let input = Size2D(height: roomy(dilation.height, weight.shape[2]), width: roomy(dilation.width, weight.shape[3]))
        _ = try ConvGeometry(input: input, kernel: kernelSize, stride: stride, padding: padding, dilation: dilation)
    }

    /// The weight, then the bias if there is one: what an optimizer updates.
    public var parameters: [Tensor] { [weight] + (bias.map { [$0] } ?? []) }

    /// Lets `update` change each parameter in place, in the order of `parameters`.
    /// - Precondition: `update` keeps every parameter's shape.
    public mutating func updateParameters(_ update: (_ index: Int, _ parameter: inout Tensor) -> Void) {
        storedWeight.updateAsParameter(0, update)
        if storedBias != nil { storedBias!.updateAsParameter(1, update) }
    }

    /// The geometry of this layer on an input of the given height and width.
    public func geometry(for input: Size2D) throws(ShapeError) -> ConvGeometry {
        try ConvGeometry(input: input, kernel: kernelSize, stride: stride, padding: padding, dilation: dilation)
    }

    /// The batch size and geometry of `input`, checked against the layer.
    func check(_ input: Tensor) throws(ShapeError) -> (batch: Int, geometry: ConvGeometry) {
        guard input.shape.count == 4, input.shape[1] == inChannels else {
            throw ShapeError("a convolution input is [N, \(inChannels), H, W] for this layer; got \(input.shape)")
        }
        return (input.shape[0], try geometry(for: Size2D(height: input.shape[2], width: input.shape[3])))
    }
}
