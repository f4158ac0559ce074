import ConvCore
import SeededRandom

/// Examples with class labels, for classification: the inputs as one tensor [N, …] (a row
/// of features, or an image, per example) and one label in 0..<classes per example.
public struct Dataset: Sendable {
    public let inputs: Tensor
    public let labels: [Int]

    /// - Throws: `ShapeError` when the inputs have no batch axis or not one label per example.
    public init(inputs: Tensor, labels: [Int]) throws(ShapeError) {
        guard let count = inputs.shape.first, count == labels.count else {
            throw ShapeError("a dataset needs one label per example: inputs \(inputs.shape), \(labels.count) labels")
        }
        self.inputs = inputs
        self.labels = labels
    }

    /// The number of examples.
    public var count: Int { labels.count }

    /// The examples at `rows`, in that order, as one batch.
    /// - Precondition: every row is in 0..<count.
    public func batch(_ rows: some Collection<Int>) throws(ShapeError) -> (inputs: Tensor, labels: [Int]) {
        let size = count == 0 ? 0 : inputs.count / count
        var scalars: [Float] = []
        scalars.reserveCapacity(rows.count * size)
        for row in rows { scalars += inputs.scalars[row * size..<(row + 1) * size] }
        return (try Tensor(shape: [rows.count] + inputs.shape.dropFirst(), scalars: scalars), rows.map { labels[$0] })
    }

    /// `size` rows drawn independently and uniformly, with replacement: the mini-batch of
    /// one step of stochastic gradient descent.
    /// - Precondition: the dataset is not empty.
    public func randomRows(_ size: Int, using random: inout SeededGenerator) -> [Int] {
        precondition(count > 0, "Dataset.randomRows: no examples to draw from")
        return (0..<size).map { _ in Int(random.next() % UInt64(count)) }
    }

    /// One epoch: every row once, in an order shuffled by `random` (Fisher–Yates), cut into
    /// batches of `size` rows; the last batch holds what is left.
    /// - Precondition: `size` ≥ 1.
    public func shuffledBatches(size: Int, using random: inout SeededGenerator) -> [[Int]] {
        precondition(size >= 1, "Dataset.shuffledBatches: a batch holds at least one row")
        var order = Array(0..<count)
        for i in stride(from: count - 1, to: 0, by: -1) {
            order.swapAt(i, Int(random.next() % UInt64(i + 1)))
        }
        return stride(from: 0, to: count, by: size).map { Array(order[$0..<min(count, $0 + size)]) }
    }
}
