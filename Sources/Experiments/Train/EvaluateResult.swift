import ConvCore
import Datasets
import Reporting

/// `evaluate`: a trained network on one split of a dataset, in evaluation mode.
public struct EvaluateResult: Report, Sendable {
    public let model: TrainedModel
    public let data: String
    public let split: String
    /// One name per output of the network.
    public let classNames: [String]
    public let evaluation: Evaluation

    public var text: String {
        return """
            evaluate: \(model.weights) (\(model.model.description), \(grouped(model.summary.totalParameters)) parameters) on \(data), \(split) split
            \(grouped(evaluation.images)) images: loss \(fixed(evaluation.loss, 4)), accuracy \(fixed(100 * evaluation.accuracy, 2))%

            \(evaluation.confusionTable(names: classNames))
            """
    }

    public var json: JSON {
        .object([
            ("weights", .string(model.weights)), ("data", .string(data)), ("split", .string(split)),
            ("images", .int(evaluation.images)), ("loss", .number(evaluation.loss)), ("accuracy", .number(evaluation.accuracy)),
            ("confusion", .array(evaluation.confusion.map { .array($0.map(JSON.int)) })),
        ])
    }
}

extension TrainedModel {
    /// The network on one split of `data`, images centred on its input as in training.
    public func evaluate(on data: DataSource, split: DatasetFolder.Split, memoryLimit: Int, threads: Int?,
                         progress: (String) -> Void) throws(UserError) -> EvaluateResult {
        let classifier = try ClassifierShape(summary, of: model)
        let images = try data.load(split, for: classifier, memoryLimit: memoryLimit)
        var network = self.network
        let evaluation = try shape { () throws(ShapeError) in
            try Evaluation(&network, on: images, classes: classifier.classes, threads: threads) { progress("evaluating: \($0)/\(images.count) images") }
        }
        return EvaluateResult(model: self, data: data.name, split: split.rawValue, classNames: classifier.names(images.classes), evaluation: evaluation)
    }
}
