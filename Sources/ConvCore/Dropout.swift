import SeededRandom

/// Inverted dropout, as PyTorch's `nn.Dropout(p)`: in training, each value is zeroed with
/// probability p and the others are scaled by 1 / (1 − p), so that the expected output
/// equals the input and evaluation needs no rescaling; in evaluation it is the identity.
///
/// The mask is drawn from the layer's own seeded generator, one draw per value in order,
/// so a run is repeatable whatever the thread count; it is kept for the backward pass,
/// which lets the gradient through where the value was kept (scaled the same way).
public struct Dropout: Sendable {
    /// The probability of zeroing a value, 0 ≤ p < 1.
    public let probability: Float
    private var random: SeededGenerator
    /// The factor of each value in the last training forward pass (0 or 1 / (1 − p));
    /// empty after an evaluation pass.
    private var mask: [Float] = []

    /// - Throws: `ShapeError` when p is not in [0, 1).
    public init(probability: Float, seed: UInt64) throws(ShapeError) {
        guard probability >= 0, probability < 1 else { throw ShapeError("dropout probability \(probability) must be in [0, 1)") }
        self.probability = probability
        random = SeededGenerator(seed: seed)
    }

    /// The forward pass: a new mask in training mode, the identity in evaluation mode.
    public mutating func forward(_ input: Tensor, mode: Mode) -> Tensor {
        guard mode == .training, probability > 0 else {
            mask = []
            return input
        }
        let keep = 1 / (1 - probability)
        mask = (0..<input.count).map { _ in random.nextUnitFloat() < probability ? 0 : keep }
        var index = 0
        return input.map { value in
            defer { index += 1 }
            return value * mask[index]
        }
    }

    /// ∂L/∂input of the last forward pass: the output gradient times the same mask.
    /// - Throws: `ShapeError` when the gradient does not match the last training input.
    public func backward(outputGradient: Tensor) throws(ShapeError) -> Tensor {
        guard !mask.isEmpty else { return outputGradient }
        guard mask.count == outputGradient.count else {
            throw ShapeError("dropout's gradient has \(outputGradient.count) values; its last input had \(mask.count)")
        }
        var index = 0
        return outputGradient.map { value in
            defer { index += 1 }
            return value * mask[index]
        }
    }
}
