/// Batch normalization (Ioffe & Szegedy, 2015), as PyTorch's `nn.BatchNorm1d` and
/// `nn.BatchNorm2d`: each channel is shifted and scaled to mean 0 and variance 1, then
/// given a learned scale γ and shift β,
///
///     y = γ · (x − μ) / √(σ² + ε) + β
///
/// so every layer sees inputs of the same scale however the weights before it grew or
/// shrank. The statistics are per channel, over the batch and every position: over N for a
/// Linear output [N, C], over N·H·W for a Conv2D output [N, C, H, W].
///
/// - Training mode normalizes with the batch's mean and *biased* variance (divided by m,
///   the values per channel), and moves the running statistics toward the batch's:
///   running ← (1 − momentum) · running + momentum · batch, with the *unbiased* variance
///   (divided by m − 1). It needs m > 1.
/// - Evaluation mode normalizes with the running statistics, so one input's output does
///   not depend on the rest of its batch.
///
/// - `weight` γ: [C], initially 1; `bias` β: [C], initially 0
/// - `runningMean`: [C], initially 0; `runningVariance`: [C], initially 1
public struct BatchNorm: Sendable {
    public enum Mode: Sendable {
        case training
        case evaluation
    }

    public var weight: Tensor
    public var bias: Tensor
    public var runningMean: Tensor
    public var runningVariance: Tensor
    public let momentum: Float
    public let epsilon: Float

    public var channels: Int { weight.shape[0] }

    /// What the forward pass keeps for the backward pass.
    public struct Trace: Sendable {
        public var output: Tensor
        /// x̂ = (x − μ) / √(σ² + ε), the input's shape.
        public var normalized: Tensor
        /// 1 / √(σ² + ε) per channel, of the batch or of the running variance.
        public var inverseStandardDeviation: [Float]
        public var mode: Mode
    }

    /// PyTorch's defaults: momentum 0.1, ε = 1e-5.
    ///
    /// - Precondition: `channels` ≥ 1.
    public init(channels: Int, momentum: Float = 0.1, epsilon: Float = 1e-5) {
        precondition(channels >= 1, "BatchNorm: \(channels) channels")
        weight = Tensor(shape: [channels], repeating: 1)
        bias = Tensor(shape: [channels], repeating: 0)
        runningMean = Tensor(shape: [channels], repeating: 0)
        runningVariance = Tensor(shape: [channels], repeating: 1)
        self.momentum = momentum
        self.epsilon = epsilon
    }

    /// The forward pass; in training mode it also updates the running statistics.
    ///
    /// - Throws: `ShapeError` when the input is not [N, C, …] with this layer's C, or, in
    ///   training mode, has one value per channel (no variance to take).
    public mutating func forward(_ input: Tensor, mode: Mode) throws(ShapeError) -> Trace {
        let layout = try check(input.shape)
        let (shift, inverseStandardDeviation): ([Float], [Float])
        switch mode {
        case .training:
            guard layout.count > 1 else {
                throw ShapeError("batch normalization in training mode needs more than one value per channel; got input \(input.shape)")
            }
            let m = Double(layout.count)
            let mean = layout.sums { i, _ in Double(input.scalars[i]) }.map { $0 / m }
            let variance = layout.sums { i, c in (Double(input.scalars[i]) - mean[c]) * (Double(input.scalars[i]) - mean[c]) }.map { $0 / m }
            inverseStandardDeviation = variance.map { Float(1 / ($0 + Double(epsilon)).squareRoot()) }
            for c in 0..<channels {
                runningMean.scalars[c] = (1 - momentum) * runningMean.scalars[c] + momentum * Float(mean[c])
                runningVariance.scalars[c] = (1 - momentum) * runningVariance.scalars[c] + momentum * Float(variance[c] * m / (m - 1))
            }
            shift = mean.map { Float($0) }
        case .evaluation:
            shift = runningMean.scalars
            inverseStandardDeviation = runningVariance.scalars.map { 1 / ($0 + epsilon).squareRoot() }
        }
        let normalized = layout.tensor { i, c in (input.scalars[i] - shift[c]) * inverseStandardDeviation[c] }
        let output = layout.tensor { i, c in weight.scalars[c] * normalized.scalars[i] + bias.scalars[c] }
        return Trace(output: output, normalized: normalized, inverseStandardDeviation: inverseStandardDeviation, mode: mode)
    }

    /// The backward pass, from ∂L/∂y, per channel over its m values:
    ///
    ///     ∂L/∂β = Σ ∂L/∂y        ∂L/∂γ = Σ ∂L/∂y · x̂
    ///     training:    ∂L/∂x = γ / √(σ² + ε) · (∂L/∂y − ∂L/∂β / m − x̂ · ∂L/∂γ / m)
    ///     evaluation:  ∂L/∂x = γ / √(σ² + ε) · ∂L/∂y
    ///
    /// In training mode μ and σ² depend on every x of the channel, hence the two sums
    /// subtracted: the gradient of a batch-normalized layer has no component that would
    /// shift or scale the whole channel.
    public func backward(_ trace: Trace, outputGradient: Tensor) throws(ShapeError) -> Gradients {
        guard outputGradient.shape == trace.normalized.shape else {
            throw ShapeError("the output gradient has shape \(outputGradient.shape); this batch norm's output is \(trace.normalized.shape)")
        }
        let layout = try check(outputGradient.shape)
        let inputGradient: Tensor
        let sums = layout.sums { i, _ in Double(outputGradient.scalars[i]) }
        let sumsTimesNormalized = layout.sums { i, _ in Double(outputGradient.scalars[i]) * Double(trace.normalized.scalars[i]) }
        let scale = (0..<channels).map { weight.scalars[$0] * trace.inverseStandardDeviation[$0] }
        switch trace.mode {
        case .training:
            let m = Double(layout.count)
            let (meanGradient, meanGradientTimesNormalized) = (sums.map { Float($0 / m) }, sumsTimesNormalized.map { Float($0 / m) })
            inputGradient = layout.tensor { i, c in
                scale[c] * (outputGradient.scalars[i] - meanGradient[c] - trace.normalized.scalars[i] * meanGradientTimesNormalized[c])
            }
        case .evaluation:
            inputGradient = layout.tensor { i, c in scale[c] * outputGradient.scalars[i] }
        }
        let weightGradient = Tensor(shape: [channels], scalars: sumsTimesNormalized.map { Float($0) })
        let biasGradient = Tensor(shape: [channels], scalars: sums.map { Float($0) })
        return Gradients(input: inputGradient, weight: weightGradient, bias: biasGradient)
    }

    private func check(_ shape: [Int]) throws(ShapeError) -> ChannelLayout {
        guard shape.count >= 2, shape[1] == channels, shape.allSatisfy({ $0 >= 1 }) else {
            throw ShapeError("a batch norm input is [N, \(channels), …] for this layer (\(channels) channels); got \(shape)")
        }
        return ChannelLayout(shape)
    }

}
