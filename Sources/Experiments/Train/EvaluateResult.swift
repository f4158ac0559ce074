import ConvCore
import Datasets
import Reporting

/// `evaluate`: a trained network on one split of a dataset, in evaluation mode.
public struct EvaluateResult: Report, Sendable {
    public let model: TrainedModel
    public let data: String
    public let split: String
    public let classNames: [String]
    public let evaluation: Evaluation

    public var text: String {
        var confusion = TextTable([("true \\ predicted", .right)] + classNames.map { ($0, .right) } + [("accuracy", .right)])
        for (row, counts) in evaluation.confusion.enumerated() {
            let total = counts.reduce(0, +)
            confusion.append([row < classNames.count ? classNames[row] : "\(row)"] + counts.map { $0 == 0 ? "·" : "\($0)" }
                             + [total == 0 ? "—" : fixed(100 * Double(counts[row]) / Double(total), 2) + "%"])
        }
        return """
            evaluate: \(model.weights) (\(model.model.description), \(grouped(model.summary.totalParameters)) parameters) on \(data), \(split) split
            \(grouped(evaluation.images)) images: loss \(fixed(evaluation.loss, 4)), accuracy \(fixed(100 * evaluation.accuracy, 2))%

            \(confusion.rendered())
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
        guard case .image(let size, let channels) = summary.input, case .features(let classes)? = summary.rows.last?.output else {
            throw UserError(.usage, "\(model.description): the network must take an image and end in one output per class")
        }
        let images = try data.load(split, memoryLimit: memoryLimit)
        if let label = images.labels.first(where: { $0 >= classes }) {
            throw UserError(.badInput, "\(data.folder.path) (\(split.rawValue)): label \(label), but the network has \(classes) outputs, one per class")
        }
        let centred: LabeledImages
        do { centred = try images.centred(on: size, channels: channels) } catch {
            throw UserError(.badInput, "\(data.folder.path) (\(split.rawValue)): \(error.message)")
        }
        var network = self.network
        let evaluation = try shape { () throws(ShapeError) in
            try Evaluation(&network, on: centred, classes: classes, threads: threads) { progress("evaluating: \($0)/\(centred.count) images") }
        }
        return EvaluateResult(model: self, data: data.name, split: split.rawValue, classNames: Array(images.classes.prefix(classes)) + (images.classes.count < classes ? (images.classes.count..<classes).map(String.init) : []), evaluation: evaluation)
    }
}
