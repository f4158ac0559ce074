import ConvCore
import Datasets
import Reporting
import Training

/// How a network does on a set of images, in evaluation mode: the mean cross-entropy, the
/// accuracy and the confusion matrix (rows: true classes, columns: predictions).
public struct Evaluation: Sendable {
    public let images: Int
    public let loss: Double
    public let accuracy: Double
    /// confusion[true][predicted], counts.
    public let confusion: [[Int]]

    /// The images pass through `network` in batches of `batch`, in evaluation mode (batch
    /// norm's running statistics, no dropout), so the result does not depend on the batch.
    public init(_ network: inout Sequential, on data: LabeledImages, classes: Int, batch: Int = 256, threads: Int? = nil,
                progress: (Int) -> Void = { _ in }) throws(ShapeError) {
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
        var loss = 0.0
        let values = data.channels * data.size.width * data.size.height
        for start in stride(from: 0, to: data.count, by: batch) {
            let end = min(data.count, start + batch)
            let inputs = try Tensor(shape: [end - start, data.channels, data.size.height, data.size.width],
                                    scalars: Array(data.pixels[start * values..<end * values]))
            let labels = Array(data.labels[start..<end])
            let logits = try network.forward(inputs, mode: .evaluation, threads: threads)
            loss += Double(try Loss.crossEntropy(logits: logits, labels: labels).value) * Double(end - start)
            for (row, predicted) in predictions(logits).enumerated() { confusion[labels[row]][predicted] += 1 }
            progress(end)
        }
        images = data.count
        self.loss = data.count == 0 ? 0 : loss / Double(data.count)
        let correct = (0..<classes).reduce(0) { $0 + confusion[$1][$1] }
        accuracy = data.count == 0 ? 0 : Double(correct) / Double(data.count)
        self.confusion = confusion
    }
}

extension Evaluation {
    /// The confusion matrix as a table: a row per true class, a column per prediction
    /// (· for 0), and each class's accuracy.
    /// - Parameter names: one per class.
    func confusionTable(names: [String]) -> String {
        var table = TextTable([("true \\ predicted", .right)] + names.map { ($0, .right) } + [("accuracy", .right)])
        for (row, counts) in confusion.enumerated() {
            let total = counts.reduce(0, +)
            table.append([names[row]] + counts.map { $0 == 0 ? "·" : "\($0)" }
                         + [total == 0 ? "—" : fixed(100 * Double(counts[row]) / Double(total), 2) + "%"])
        }
        return table.rendered()
    }
}

/// The class of the largest logit of each row of [N, classes] (the first on a tie, as
/// `argmax` in PyTorch).
func predictions(_ logits: Tensor) -> [Int] {
    let classes = logits.shape.last ?? 1
    return logits.withUnsafeBufferPointer { values in
        (0..<(values.count / max(1, classes))).map { row in
            var best = 0
            for c in 1..<max(1, classes) where values[row * classes + c] > values[row * classes + best] { best = c }
            return best
        }
    }
}
