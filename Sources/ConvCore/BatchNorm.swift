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
/// - `weight` γ: [C], initially 1; `bias` β: [C], initially 0 (the parameters)
/// - `runningMean`: [C], initially 0; `runningVariance`: [C], initially 1 (statistics,
///   not parameters: no gradient reaches them)
///
/// Parameters and statistics are read-only from outside: γ and β change through
/// `updateParameters`, the statistics in training mode or by `setRunningStatistics`.
public struct BatchNorm: Sendable {
    public var weight: Tensor { gamma }
    public var bias: Tensor { beta }
    public var runningMean: Tensor { storedRunningMean }
    public var runningVariance: Tensor { storedRunningVariance }
    /// Training-mode forward passes so far: PyTorch's `num_batches_tracked`.
    public var batchesTracked: Int { storedBatchesTracked }
    private var gamma: Tensor
    private var beta: Tensor
    private var storedRunningMean: Tensor
    private var storedRunningVariance: Tensor
    private var storedBatchesTracked = 0
    public let momentum: Float
    public let epsilon: Float

    /// What the last forward pass normalized with: the backward pass needs it.
    private var lastNormalization: Normalization?

    /// The input of one forward pass, its mode, and the shift μ and the scale 1 / √(σ² + ε)
    /// per channel it used, of the batch or of the running statistics.
    private struct Normalization: Sendable {
        var input: Tensor
        var mode: Mode
        var shift: [Float]
        var inverseStandardDeviation: [Float]
    }

    public var channels: Int { weight.shape[0] }

    /// PyTorch's defaults: momentum 0.1, ε = 1e-5.
    /// - Throws: `ShapeError` when `channels` is below 1.
    public init(channels: Int, momentum: Float = 0.1, epsilon: Float = 1e-5) throws(ShapeError) {
        guard channels >= 1 else { throw ShapeError("batch normalization needs at least 1 channel; got \(channels)") }
        gamma = try Tensor(shape: [channels], repeating: 1)
        beta = try Tensor(shape: [channels], repeating: 0)
        storedRunningMean = try Tensor(shape: [channels], repeating: 0)
        storedRunningVariance = try Tensor(shape: [channels], repeating: 1)
        self.momentum = momentum
        self.epsilon = epsilon
    }

    /// γ, then β: what an optimizer updates.
    public var parameters: [Tensor] { [weight, bias] }

    /// Lets `update` change γ (index 0) and β (index 1) in place.
    /// - Precondition: `update` keeps their shape [C].
    public mutating func updateParameters(_ update: (_ index: Int, _ parameter: inout Tensor) -> Void) {
        gamma.updateAsParameter(0, update)
        beta.updateAsParameter(1, update)
        lastNormalization = nil  // A backward pass now would mix two layers.
    }

    /// Replaces the running statistics (loaded from a checkpoint, say): one mean and one
    /// variance per channel, and the count of batches they have seen.
    /// - Throws: `ShapeError` when either is not [C], or the count is negative.
    public mutating func setRunningStatistics(mean: Tensor, variance: Tensor, batchesTracked: Int? = nil) throws(ShapeError) {
        guard mean.shape == [channels], variance.shape == [channels] else {
            throw ShapeError("running statistics of \(channels) channels are [\(channels)] each; got \(mean.shape) and \(variance.shape)")
        }
        if let batchesTracked {
            guard batchesTracked >= 0 else { throw ShapeError("num_batches_tracked is \(batchesTracked); it counts batches") }
            storedBatchesTracked = batchesTracked
        }
        storedRunningMean = mean
        storedRunningVariance = variance
        lastNormalization = nil
    }

    /// The forward pass; in training mode it also updates the running statistics. It
    /// remembers the statistics it used, for `backward`.
    ///
    /// - Throws: `ShapeError` when the input is not [N, C, …] with this layer's C, or, in
    ///   training mode, has one value per channel (no variance to take).
    public mutating func forward(_ input: Tensor, mode: Mode) throws(ShapeError) -> Tensor {
        let layout = try check(input.shape)
        let (shift, inverseStandardDeviation): ([Float], [Float])
        switch mode {
        case .training:
            guard layout.count > 1 else {
                throw ShapeError("batch normalization in training mode needs more than one value per channel; got input \(input.shape)")
            }
            let m = Double(layout.count)
            let (mean, variance) = input.withUnsafeBufferPointer { x in
                let mean = layout.sums { plane, _ in VectorReader(x, plane).sum() }.map { $0 / m }
                // Two passes: Σ(x − μ)² keeps its digits where Σx² − mΣμ² would cancel.
                let variance = layout.sums { plane, c in VectorReader(x, plane).sumOfSquares(minus: Float(mean[c])) }.map { $0 / m }
                return (mean, variance)
            }
            inverseStandardDeviation = variance.map { Float(1 / ($0 + Double(epsilon)).squareRoot()) }
            let (oldMean, oldVariance) = (runningMean.scalars, runningVariance.scalars)
            try storedRunningMean.replaceScalars(with: (0..<channels).map { c in (1 - momentum) * oldMean[c] + momentum * Float(mean[c]) })
            try storedRunningVariance.replaceScalars(with: (0..<channels).map { c in (1 - momentum) * oldVariance[c] + momentum * Float(variance[c] * m / (m - 1)) })
            shift = mean.map { Float($0) }
            storedBatchesTracked += 1
        case .evaluation:
            shift = runningMean.scalars
            inverseStandardDeviation = runningVariance.scalars.map { 1 / ($0 + epsilon).squareRoot() }
        }
        lastNormalization = Normalization(input: input, mode: mode, shift: shift, inverseStandardDeviation: inverseStandardDeviation)
        // y = x·a + b per channel, a = γ / √(σ² + ε) and b = β − μ·a, as PyTorch computes it.
        let scale = (0..<channels).map { gamma.scalars[$0] * inverseStandardDeviation[$0] }
        let offset = (0..<channels).map { beta.scalars[$0] - shift[$0] * scale[$0] }
        return try input.withUnsafeBufferPointer { x throws(ShapeError) in
            try layout.tensor { plane, c, output in
                let (values, a, b) = (VectorReader(x, plane), SIMD8(repeating: scale[c]), SIMD8(repeating: offset[c]))
                for i in stride(from: 0, to: plane.count, by: 8) { output.store(values[i] * a + b, at: i) }
            }
        }
    }

    /// The backward pass of the last forward pass, from ∂L/∂y, per channel over its m
    /// values, with x̂ = (x − μ) / √(σ² + ε):
    ///
    ///     ∂L/∂β = Σ ∂L/∂y        ∂L/∂γ = Σ ∂L/∂y · x̂
    ///     training:    ∂L/∂x = γ / √(σ² + ε) · (∂L/∂y − ∂L/∂β / m − x̂ · ∂L/∂γ / m)
    ///     evaluation:  ∂L/∂x = γ / √(σ² + ε) · ∂L/∂y
    ///
    /// In training mode μ and σ² depend on every x of the channel, hence the two sums
    /// subtracted: the gradient of a batch-normalized layer has no component that would
    /// shift or scale the whole channel.
    /// - Throws: `ShapeError` when the last forward pass was not of this input (or the
    ///   parameters or statistics changed since), or the output gradient is not its output's
    ///   shape.
    public func backward(input: Tensor, outputGradient: Tensor) throws(ShapeError) -> Gradients {
        guard let normalization = lastNormalization, normalization.input.isSame(as: input) else {
            throw ShapeError("batch normalization's backward pass needs the forward pass of this input \(input.shape) first")
        }
        guard outputGradient.shape == input.shape else {
            throw ShapeError("the output gradient has shape \(outputGradient.shape); this batch norm's output is \(input.shape)")
        }
        let layout = try check(input.shape)
        let (shift, inverseStandardDeviation) = (normalization.shift, normalization.inverseStandardDeviation)
        let scale = (0..<channels).map { weight.scalars[$0] * inverseStandardDeviation[$0] }
        return try input.withUnsafeBufferPointer { x throws(ShapeError) in
            try outputGradient.withUnsafeBufferPointer { dy throws(ShapeError) in
                // Σ ∂L/∂y, and Σ ∂L/∂y · (x − μ), which times 1 / √(σ² + ε) is Σ ∂L/∂y · x̂: one pass.
                var (sums, sumsTimesCentered) = ([Double](repeating: 0, count: channels), [Double](repeating: 0, count: channels))
                layout.forEachPlane { plane, c in
                    let planeSums = VectorReader(dy, plane).sumAndSumOfProducts(VectorReader(x, plane), minus: shift[c])
                    sums[c] += planeSums.sum
                    sumsTimesCentered[c] += planeSums.products
                }
                let weightGradient = (0..<channels).map { Float(sumsTimesCentered[$0] * Double(inverseStandardDeviation[$0])) }
                let inputGradient: Tensor
                switch normalization.mode {
                case .training:
                    // γ / √(σ² + ε) · (∂L/∂y − mean ∂L/∂y − (x − μ) · k), where (x − μ) · k is
                    // x̂ times the mean of ∂L/∂y · x̂: k = Σ ∂L/∂y · (x − μ) / (m · (σ² + ε)).
                    let m = Double(layout.count)
                    inputGradient = try layout.tensor { plane, c, output in
                        let (values, upstream) = (VectorReader(x, plane), VectorReader(dy, plane))
                        let (mean, a) = (SIMD8(repeating: shift[c]), SIMD8(repeating: scale[c]))
                        let meanGradient = SIMD8(repeating: Float(sums[c] / m))
                        let inverse = Double(inverseStandardDeviation[c])
                        let k = SIMD8(repeating: Float(sumsTimesCentered[c] * inverse * inverse / m))
                        for i in stride(from: 0, to: plane.count, by: 8) {
                            output.store(a * (upstream[i] - meanGradient - (values[i] - mean) * k), at: i)
                        }
                    }
                case .evaluation:
                    inputGradient = try layout.tensor { plane, c, output in
                        let (upstream, a) = (VectorReader(dy, plane), SIMD8(repeating: scale[c]))
                        for i in stride(from: 0, to: plane.count, by: 8) { output.store(a * upstream[i], at: i) }
                    }
                }
                return Gradients(input: inputGradient, weight: try Tensor(shape: [channels], scalars: weightGradient),
                                 bias: try Tensor(shape: [channels], scalars: sums.map { Float($0) }))
            }
        }
    }

    /// A batch of N = 0 is allowed (in evaluation mode it gives an empty output), planes of
    /// 0 values are not.
    private func check(_ shape: [Int]) throws(ShapeError) -> ChannelLayout {
        guard shape.count >= 2, shape[1] == channels, shape.dropFirst().allSatisfy({ $0 >= 1 }) else {
            throw ShapeError("a batch norm input is [N, \(channels), …] for this layer (\(channels) channels); got \(shape)")
        }
        return ChannelLayout(shape)
    }
}

private extension Tensor {
    /// Whether this is the same tensor: the same storage (a copy shares it until one side
    /// changes), or else the same shape and values.
    func isSame(as other: Tensor) -> Bool {
        let shared = withUnsafeBufferPointer { mine in other.withUnsafeBufferPointer { theirs in mine.baseAddress == theirs.baseAddress } }
        return shape == other.shape && (shared || self == other)
    }
}
