/// How `Conv2D` computes a layer, chosen from the layer's shape, as cuDNN and oneDNN
/// choose among their algorithms. Every algorithm computes the same convolution (the
/// seven-loop definition, `convolutionByDefinition`) up to rounding; they differ in
/// which layers they are fast for.
public enum ConvAlgorithm: String, CaseIterable, Sendable, CustomStringConvertible {
    /// im2col + one GEMM per image, group and tile: the general path, at its best when
    /// each output sums many inputs (channels × taps), as in a network's middle layers.
    case gemm
    /// Straight from the definition, vectorized along the output row (`DirectLowering`):
    /// for layers with up to 32 input channels (a gray or RGB first layer, LeNet-5's C3,
    /// a small network's middle layers), whose 9- to 800-deep products leave a GEMM too
    /// little to do for each column im2col writes.
    case direct
    /// The direct loop one channel at a time, for `groups == inChannels`: each channel
    /// has its own kernel, which the GEMM would see as a one-row matrix.
    case depthwise
    /// Winograd's F(4×4, 3×3) or F(2×2, 3×3) for 3×3 kernels with stride 1 and dilation 1
    /// (`WinogradLowering`): 36 products per 4×4 block of outputs where the definition takes
    /// 144 (16 per 2×2 block for 36), as GEMMs over the tiles' transforms, for layers with
    /// many channels on large enough planes.
    case winograd

    public var description: String { rawValue }

    /// Input channels per group up to which the forward pass chooses `direct` over `gemm`:
    /// measured faster on every shape tried with 1 to 32 (LeNet-5's C3, 3×3 and 5×5 layers
    /// of 5 to 32 channels on 28 to 224 pixels, one thread and two), level with the GEMM at 64
    /// (docs/performance.md).
    public static let directInputChannels = 32
    /// Input and output channels per group up to which the backward pass keeps `direct`:
    /// it walks its gathered rows once per kernel weight, and with more channels the GEMM's
    /// backward pass is faster (LeNet-5's C3, 6 input channels, and the RGB stem, 64
    /// output channels: 2–3× faster with gemm).
    public static let directBackwardInputChannels = 4
    public static let directBackwardOutputChannels = 16
    /// Output tiles per channel from which a 3×3 layer chooses `winograd`: with one per
    /// channel, measured faster than gemm for 33 to 256 channels on 28×28 to 112×112 planes
    /// (1.2–2×, F(4×4) from 56×56 on, F(2×2) at 28×28), slower with fewer (64 and 128
    /// channels on 14×14, 256 and 512 on 14×14 and 7×7: 0.2–0.8×) (docs/performance.md).
    public static let winogradTilesPerChannel = 1
    /// Above this much scratch per thread (the gathered rows of very wide images),
    /// `direct` and `depthwise` give way to `gemm`, whose tiles bound their workspace.
    static let directWorkspaceLimitBytes = 8 << 20
}

extension Conv2D {
    /// The algorithm this layer uses on an input of the given size, and why:
    ///
    /// - `depthwise` when every group has one input channel (`groups == inChannels > 1`);
    /// - `direct` when a group has at most `ConvAlgorithm.directInputChannels` input
    ///   channels and the kernel is larger than 1×1;
    /// - `winograd` for a 3×3 kernel with stride 1 and dilation 1 and more input channels,
    ///   when the output plane has at least `ConvAlgorithm.winogradTilesPerChannel` tiles
    ///   per input or output channel of a group, whichever are more: F(4×4, 3×3) where its
    ///   4×4 tiles are that many, else F(2×2, 3×3) where its 2×2 tiles are (`WinogradTile`);
    /// - `gemm` otherwise: a 1×1 kernel (its GEMM needs no im2col), many input channels
    ///   on a small plane, other kernels, or a row too wide for the direct loop's scratch.
    public func algorithm(for input: Size2D) -> (algorithm: ConvAlgorithm, reason: String) {
        let (algorithm, reason) = choice(for: input)
        return (algorithm, reason.description)
    }

    /// `algorithm(for:)`'s choice, with its reason as facts rather than words: the passes
    /// ask on every call, and only a report needs the sentence.
    func choice(for input: Size2D) -> (algorithm: ConvAlgorithm, reason: AlgorithmReason) {
        let inPerGroup = inChannels / groups
        let kernel = kernelSize
        let geometry = try? geometry(for: input)
        let directFits = geometry.map {
            DirectLowering.workspaceBytes(geometry: $0, inPerGroup: inPerGroup) <= ConvAlgorithm.directWorkspaceLimitBytes
        } ?? true
        if inPerGroup == 1 && groups > 1 {
            return directFits ? (.depthwise, .oneInputChannelPerGroup) : (.gemm, .rowsTooWide)
        }
        if inPerGroup <= ConvAlgorithm.directInputChannels && kernel.height * kernel.width > 1 {
            return directFits ? (.direct, .fewInputChannels(inPerGroup)) : (.gemm, .rowsTooWide)
        }
        if let geometry, WinogradTile.computes(self), let (tile, tiles) = WinogradTile.fitting(self, geometry) {
            return (.winograd, .winograd(tile, inputChannels: inPerGroup, tiles: tiles))
        }
        return (.gemm, kernel.height * kernel.width == 1 ? .pointwise : .manyInputChannels(inPerGroup))
    }

    /// Whether `algorithm` computes this layer: every algorithm computes every layer,
    /// except `winograd`, which computes 3×3 kernels with stride 1 and dilation 1 only.
    public func computes(with algorithm: ConvAlgorithm) -> Bool {
        algorithm != .winograd || WinogradTile.computes(self)
    }
}

extension Conv2D {
    /// The algorithm of this layer's backward pass on an input of the given size: the
    /// forward pass's (for `winograd`, that of its input gradient; the weight gradient is
    /// gemm's), except that `direct` with more than `ConvAlgorithm.directBackwardInputChannels`
    /// input channels or `ConvAlgorithm.directBackwardOutputChannels` output channels per
    /// group gives way to `gemm`.
    public func backwardAlgorithm(for input: Size2D) -> ConvAlgorithm {
        let forward = choice(for: input).algorithm
        let few = inChannels / groups <= ConvAlgorithm.directBackwardInputChannels
            && outChannels / groups <= ConvAlgorithm.directBackwardOutputChannels
        return forward == .direct && !few ? .gemm : forward
    }
}

/// Why `Conv2D.algorithm(for:)` chose what it chose.
enum AlgorithmReason: CustomStringConvertible {
    case oneInputChannelPerGroup
    case rowsTooWide
    case fewInputChannels(Int)
    case winograd(WinogradTile, inputChannels: Int, tiles: Int)
    case pointwise
    case manyInputChannels(Int)

    var description: String {
        switch self {
        case .oneInputChannelPerGroup: "one input channel per group"
        case .rowsTooWide: "rows too wide for the direct loop's scratch"
        case .fewInputChannels(let channels): "\(channels) input channel\(channels == 1 ? "" : "s") per group"
        case .winograd(let tile, let channels, let tiles): "\(tile), \(channels) input channels per group, \(tiles) tiles"
        case .pointwise: "a 1×1 kernel"
        case .manyInputChannels(let channels): "\(channels) input channels per group"
        }
    }
}

extension Conv2D: CustomDebugStringConvertible {
    /// The layer's hyperparameters and the algorithm it uses on a 224×224 input, e.g.
    /// `Conv2D(3→64, kernel 7×7, stride 2×2, padding 3×3, dilation 1×1, groups 1, bias; direct: 3 input channels per group)`.
    public var debugDescription: String {
        let (algorithm, reason) = algorithm(for: Size2D(224))
        return "Conv2D(\(inChannels)→\(outChannels), kernel \(kernelSize), stride \(stride), padding \(padding), "
            + "dilation \(dilation), groups \(groups)\(bias == nil ? "" : ", bias"); \(algorithm): \(reason))"
    }
}
