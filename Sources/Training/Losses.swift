import ConvCore
import Foundation

/// A loss value and its gradient with respect to the prediction.
public struct LossValue: Sendable {
    public let value: Float
    public let gradient: Tensor
}

/// The losses, each averaged over its elements as PyTorch's default reduction ("mean")
/// does, with its gradient. Sums are taken in Double. An empty batch has the loss 0 and an
/// empty gradient. A prediction and a target of different shapes, or a label that is not
/// a class, is a `ShapeError`.
///
/// | loss                      | value                                         | ∂/∂prediction            |
/// |---------------------------|-----------------------------------------------|--------------------------|
/// | MAE (L1)                  | mean |p − t|                                  | sign(p − t) / n          |
/// | MSE                       | mean (p − t)²                                 | 2 (p − t) / n            |
/// | cross-entropy (logits x)  | mean over rows of −log softmax(x)_y           | (softmax(x) − onehot(y)) / N |
/// | BCE (probabilities p)     | mean −[t log p + (1 − t) log(1 − p)]          | (p − t) / (p (1 − p)) / n |
/// | BCE with logits x         | mean max(x, 0) − x t + log(1 + e^−|x|)        | (σ(x) − t) / n           |
public enum Loss {
    /// Mean absolute error. The gradient at p = t is 0, as PyTorch's sign.
    public static func meanAbsoluteError(_ prediction: Tensor, _ target: Tensor) throws(ShapeError) -> LossValue {
        try elementwise(prediction, target) { p, t in
            (Double(abs(p - t)), p > t ? 1 : p < t ? -1 : 0)
        }
    }

    public static func meanSquaredError(_ prediction: Tensor, _ target: Tensor) throws(ShapeError) -> LossValue {
        try elementwise(prediction, target) { p, t in
            (Double((p - t) * (p - t)), 2 * (p - t))
        }
    }

    /// Cross-entropy of logits [N, C] against class indices, fused with the stable
    /// log-softmax: finite for any finite logits, ±1000 included.
    /// - Throws: `ShapeError` unless the logits are [N, C] with one label in 0..<C per row.
    public static func crossEntropy(logits: Tensor, labels: [Int]) throws(ShapeError) -> LossValue {
        guard logits.shape.count == 2, labels.count == logits.shape[0] else {
            throw ShapeError("cross-entropy takes logits [N, C] and N labels; got logits \(logits.shape) and \(labels.count) labels")
        }
        let (rows, classes) = (logits.shape[0], logits.shape[1])
        guard rows > 0 else { return LossValue(value: 0, gradient: logits) }  // An empty batch, as the other losses.
        if let label = labels.first(where: { !(0..<classes).contains($0) }) {
            throw ShapeError("label \(label) is not one of the \(classes) classes 0…\(classes - 1)")
        }
        let logProbabilities = Softmax.logForward(logits)
        var sum = 0.0
        var gradient = logProbabilities.scalars.map { Foundation.exp($0) / Float(rows) }
        for (row, label) in labels.enumerated() {
            sum -= Double(logProbabilities.scalars[row * classes + label])
            gradient[row * classes + label] -= 1 / Float(rows)
        }
        return LossValue(value: Float(sum / Double(rows)), gradient: try Tensor(shape: logits.shape, scalars: gradient))
    }

    /// Binary cross-entropy of probabilities p in [0, 1]. Each logarithm is clamped at
    /// −100 and the gradient's denominator at 10⁻¹², as PyTorch does, so p = 0 or 1 give
    /// finite values.
    public static func binaryCrossEntropy(probabilities: Tensor, targets: Tensor) throws(ShapeError) -> LossValue {
        try elementwise(probabilities, targets) { p, t in
            let logP = max(Foundation.log(Double(p)), -100), logNotP = max(Foundation.log(Double(1 - p)), -100)
            return (-(Double(t) * logP + Double(1 - t) * logNotP), (p - t) / max(p * (1 - p), 1e-12))
        }
    }

    /// Binary cross-entropy of logits, in the stable form max(x, 0) − x t + log(1 + e^−|x|):
    /// never the logarithm of 0, never e^x for a large x.
    public static func binaryCrossEntropyWithLogits(logits: Tensor, targets: Tensor) throws(ShapeError) -> LossValue {
        try elementwise(logits, targets) { x, t in
            (Double(max(x, 0) - x * t) + Foundation.log1p(Foundation.exp(-Double(abs(x)))), Activation.sigmoid(x) - t)
        }
    }

    /// The mean of `term(p, t).0` over the elements, and the gradient `term(p, t).1 / n`.
    private static func elementwise(_ prediction: Tensor, _ target: Tensor, _ term: (Float, Float) -> (Double, Float)) throws(ShapeError) -> LossValue {
        guard prediction.shape == target.shape else {
            throw ShapeError("the prediction \(prediction.shape) and the target \(target.shape) must have one shape")
        }
        let n = prediction.scalars.count
        var sum = 0.0
        var gradient = [Float](repeating: 0, count: n)
        for i in 0..<n {
            let (value, derivative) = term(prediction.scalars[i], target.scalars[i])
            sum += value
            gradient[i] = derivative / Float(n)
        }
        return LossValue(value: Float(sum / Double(max(n, 1))), gradient: try Tensor(shape: prediction.shape, scalars: gradient))
    }
}
