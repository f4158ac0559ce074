import ConvCore

/// Gradient clipping, PyTorch's `torch.nn.utils.clip_grad_norm_` and `clip_grad_value_`:
/// a cap on the step an exploding gradient would take, applied between the backward pass
/// and the optimizer.
///
/// Clipping bounds the step, not its cause: it does nothing for a gradient that vanishes
/// (docs/stable-training.md).

/// The L2 norm of all gradients together, as if they were one vector:
/// ‖g‖ = √(Σ over every tensor and element of g²). The squares are summed in Double
/// (PyTorch takes each tensor's norm, then the norm of those norms: the same number up to
/// rounding); the result is a Float, as PyTorch's, so a norm beyond
/// `Float.greatestFiniteMagnitude` is infinite.
public func globalNorm(_ gradients: [Tensor]) -> Float {
    Float(gradients.reduce(0.0) { sum, gradient in
        sum + gradient.scalars.reduce(0.0) { $0 + Double($1) * Double($1) }
    }.squareRoot())
}

/// Scales every gradient by c = `maxNorm / (norm + 1e-6)` when c < 1, that is when the
/// global norm exceeds `maxNorm − 1e-6` (PyTorch clamps c at 1), so the step points the same
/// way but is at most `maxNorm` long (times the learning rate). Returns the norm before
/// clipping.
///
/// - Throws: `NonFiniteGradientNorm`, leaving the gradients as they are, when the norm is
///   infinite or NaN: scaling by 0 or NaN would hide the failure (PyTorch's
///   `error_if_nonfinite=True`).
/// - Precondition: `maxNorm` is finite and ≥ 0.
@discardableResult
public func clipGradientNorm(_ gradients: inout [Tensor], maxNorm: Float) throws(NonFiniteGradientNorm) -> Float {
    precondition(maxNorm.isFinite && maxNorm >= 0, "clipGradientNorm: maxNorm \(maxNorm) is not a finite number ≥ 0")
    let norm = globalNorm(gradients)
    guard norm.isFinite else { throw NonFiniteGradientNorm(norm: norm) }
    let coefficient = maxNorm / (norm + 1e-6)
    if coefficient < 1 {
        for index in gradients.indices {
            gradients[index].withUnsafeMutableBufferPointer { values in
                for i in values.indices { values[i] *= coefficient }
            }
        }
    }
    return norm
}

/// Clamps every gradient element to [−limit, limit]. Unlike clipping by norm, this can
/// change the step's direction. NaN stays NaN, as in PyTorch.
///
/// - Precondition: `limit` is finite and ≥ 0.
public func clipGradientValues(_ gradients: inout [Tensor], limit: Float) {
    precondition(limit.isFinite && limit >= 0, "clipGradientValues: limit \(limit) is not a finite number ≥ 0")
    for index in gradients.indices {
        gradients[index].withUnsafeMutableBufferPointer { values in
            for i in values.indices {
                if values[i] > limit { values[i] = limit } else if values[i] < -limit { values[i] = -limit }
            }
        }
    }
}

extension Sequential {
    /// `clipGradientNorm` on the gradients of the last backward pass, in place: returns their
    /// global norm before clipping.
    @discardableResult
    public mutating func clipGradients(maxNorm: Float) throws(NonFiniteGradientNorm) -> Float {
        try clipGradientNorm(&storedGradients, maxNorm: maxNorm)
    }

    /// `clipGradientValues` on the gradients of the last backward pass, in place.
    public mutating func clipGradients(limit: Float) {
        clipGradientValues(&storedGradients, limit: limit)
    }
}

/// The gradients' global norm is infinite or NaN, so they cannot be clipped: the step
/// that produced them has already diverged.
public struct NonFiniteGradientNorm: Error, Equatable, CustomStringConvertible, Sendable {
    public let norm: Float

    public var description: String { "the gradients' total norm is \(norm), so they cannot be clipped" }
}
