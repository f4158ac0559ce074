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
        let inverseStandardDeviation: [Float]
        var normalized = Tensor(shape: input.shape)
        switch mode {
        case .training:
            guard layout.count > 1 else {
                throw ShapeError("batch normalization in training mode needs more than one value per channel; got input \(input.shape)")
            }
            var mean = [Float](), variance = [Float]()
            for c in 0..<channels {
                let values = layout.indices(of: c).map { Double(input.scalars[$0]) }
                let m = values.reduce(0, +) / Double(values.count)
                mean.append(Float(m))
                variance.append(Float(values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count)))
            }
            inverseStandardDeviation = variance.map { 1 / ($0 + epsilon).squareRoot() }
            let unbiased = Float(layout.count) / Float(layout.count - 1)
            for c in 0..<channels {
                runningMean.scalars[c] = (1 - momentum) * runningMean.scalars[c] + momentum * mean[c]
                runningVariance.scalars[c] = (1 - momentum) * runningVariance.scalars[c] + momentum * variance[c] * unbiased
            }
            normalize(input, mean: mean, inverseStandardDeviation: inverseStandardDeviation, into: &normalized, layout: layout)
        case .evaluation:
            inverseStandardDeviation = runningVariance.scalars.map { 1 / ($0 + epsilon).squareRoot() }
            normalize(input, mean: runningMean.scalars, inverseStandardDeviation: inverseStandardDeviation, into: &normalized, layout: layout)
        }
        var output = normalized
        for c in 0..<channels {
            for i in layout.indices(of: c) { output.scalars[i] = weight.scalars[c] * normalized.scalars[i] + bias.scalars[c] }
        }
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
        var inputGradient = Tensor(shape: outputGradient.shape)
        var weightGradient = Tensor(shape: [channels]), biasGradient = Tensor(shape: [channels])
        for c in 0..<channels {
            let indices = layout.indices(of: c)
            let sum = indices.reduce(0.0) { $0 + Double(outputGradient.scalars[$1]) }
            let sumTimesNormalized = indices.reduce(0.0) { $0 + Double(outputGradient.scalars[$1]) * Double(trace.normalized.scalars[$1]) }
            biasGradient.scalars[c] = Float(sum)
            weightGradient.scalars[c] = Float(sumTimesNormalized)
            let scale = weight.scalars[c] * trace.inverseStandardDeviation[c]
            switch trace.mode {
            case .training:
                let (meanGradient, meanGradientTimesNormalized) = (Float(sum) / Float(indices.count), Float(sumTimesNormalized) / Float(indices.count))
                for i in indices {
                    inputGradient.scalars[i] = scale * (outputGradient.scalars[i] - meanGradient - trace.normalized.scalars[i] * meanGradientTimesNormalized)
                }
            case .evaluation:
                for i in indices { inputGradient.scalars[i] = scale * outputGradient.scalars[i] }
            }
        }
        return Gradients(input: inputGradient, weight: weightGradient, bias: biasGradient)
    }

    /// Where each channel's values lie in an [N, C, …] tensor: `batch` runs of `plane`
    /// consecutive values, `channels · plane` apart.
    private struct Layout {
        var batch: Int
        var channels: Int
        var plane: Int
        /// Values per channel: m.
        var count: Int { batch * plane }

        func indices(of channel: Int) -> [Int] {
            (0..<batch).flatMap { n -> Range<Int> in
                let start = (n * channels + channel) * plane
                return start..<start + plane
            }
        }
    }

    private func check(_ shape: [Int]) throws(ShapeError) -> Layout {
        guard shape.count >= 2, shape[1] == channels, shape.allSatisfy({ $0 >= 1 }) else {
            throw ShapeError("a batch norm input is [N, \(channels), …] for this layer (\(channels) channels); got \(shape)")
        }
        return Layout(batch: shape[0], channels: channels, plane: shape.dropFirst(2).reduce(1, *))
    }

    private func normalize(_ input: Tensor, mean: [Float], inverseStandardDeviation: [Float], into normalized: inout Tensor, layout: Layout) {
        for c in 0..<channels {
            for i in layout.indices(of: c) { normalized.scalars[i] = (input.scalars[i] - mean[c]) * inverseStandardDeviation[c] }
        }
    }
}
