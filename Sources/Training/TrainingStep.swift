import ConvCore

/// What one training step measured.
public struct StepReport: Sendable {
    /// The batch's loss before the update.
    public var loss: Float
    /// The global norm of the gradients, before any clipping.
    public var gradientNorm: Float
    /// Whether the weights were updated: not when the loss or the norm is not finite.
    public var updated: Bool
}

extension Sequential {
    /// One step of gradient descent on one batch, the loop every experiment runs:
    ///
    /// 1. the forward pass in training mode,
    /// 2. the loss and its gradient with respect to the output,
    /// 3. the backward pass, leaving ∂L/∂parameters in `gradients`,
    /// 4. the gradients clipped to a global norm of `clipNorm`, if given,
    /// 5. the optimizer's update, in place.
    ///
    /// The update is skipped when the loss or the gradient norm is not finite, so that
    /// infinities and NaN never reach the weights; the report says so.
    public mutating func trainingStep(
        _ input: Tensor, loss: (Tensor) throws(ShapeError) -> LossValue, optimizer: inout SGD,
        clipNorm: Float? = nil, threads: Int? = nil
    ) throws(ShapeError) -> StepReport {
        let value = try loss(try forward(input, mode: .training, threads: threads))
        try backwardParameters(value.gradient, threads: threads)
        let norm: Float
        if let clipNorm {
            do { norm = try clipGradients(maxNorm: clipNorm) } catch { norm = error.norm }
        } else {
            norm = globalNorm(gradients)
        }
        let finite = value.value.isFinite && norm.isFinite
        if finite { optimizer.step(&self) }
        return StepReport(loss: value.value, gradientNorm: norm, updated: finite)
    }
}
