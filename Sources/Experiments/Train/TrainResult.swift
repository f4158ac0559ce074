import ConvCore
import Foundation
import Reporting
import Safetensors
import Training

/// What `train` did: every epoch's losses and accuracies, the confusion matrix of the
/// test set after the last, and the trained network.
public struct TrainResult: Report, Sendable {
    public let experiment: TrainExperiment
    public let summary: NetworkSummary
    public let network: Sequential
    /// One name per output of the network.
    public let classNames: [String]
    public let trainImages: Int
    public let testImages: Int
    public let size: Size2D
    public let channels: Int
    public let classes: Int
    public let epochs: [TrainExperiment.Epoch]
    /// Where the checkpoint was written, once it is.
    public var saved: String?

    var final: Evaluation { epochs.last!.test }

    private func percent(_ fraction: Double) -> String { fixed(100 * fraction, 2) + "%" }

    public var text: String {
        let e = experiment
        var table = TextTable([("epoch", .right), ("train loss", .right), ("train acc", .right), ("test loss", .right),
                               ("test acc", .right), ("seconds", .right), ("images/s", .right)])
        for epoch in epochs {
            table.append(["\(epoch.epoch)", fixed(epoch.train.loss, 4), percent(epoch.train.accuracy), fixed(epoch.test.loss, 4),
                          percent(epoch.test.accuracy), fixed(epoch.seconds, 1), grouped(Int(epoch.imagesPerSecond.rounded()))])
        }
        let pairs = confusedPairs.prefix(3).map { "\(classNames[$0.true]) taken for \(classNames[$0.predicted]) \($0.count)×" }
        return """
            train: \(e.model.description), \(grouped(summary.totalParameters)) parameters, on \(e.data.name): \(grouped(trainImages)) training and \(grouped(testImages)) test images, \(size.width)×\(size.height)×\(channels), \(classes) classes
            SGD, lr \(decimal(e.learningRate)), momentum \(decimal(e.momentum)), weight decay \(decimal(e.weightDecay)), batch \(e.batch), \(e.epochs) epoch\(e.epochs == 1 ? "" : "s"), init \(e.initialization.rawValue), seed \(e.seed)

            \(table.rendered())
            test accuracy \(percent(final.accuracy)) (\(grouped(final.confusion.indices.reduce(0) { $0 + final.confusion[$1][$1] }))/\(grouped(final.images)))

            confusion on the test set (rows: true class, columns: predicted; · for 0):
            \(final.confusionTable(names: classNames))
            most confused: \(pairs.isEmpty ? "none" : pairs.joined(separator: ", "))
            \(saved.map { "saved: \($0)\n" } ?? "")\(experiment.plotFile.map { "plot: \(shownPath($0)) (loss and accuracy per epoch)\n" } ?? "")
            """
    }

    /// Off-diagonal cells of the test confusion matrix, largest first.
    var confusedPairs: [(true: Int, predicted: Int, count: Int)] {
        final.confusion.enumerated().flatMap { row, counts in
            counts.enumerated().compactMap { column, count in row != column && count > 0 ? (row, column, count) : nil }
        }.sorted { ($0.count, $1.true, $1.predicted) > ($1.count, $0.true, $0.predicted) }
    }

    public var json: JSON {
        let e = experiment
        return .object([
            ("model", .object([("spec", .string(e.model.text)), ("source", .string(e.model.description)), ("params", .int(summary.totalParameters))])),
            ("data", .object([("source", .string(e.data.name)), ("train", .int(trainImages)), ("test", .int(testImages)), ("classes", .int(classes)),
                              ("width", .int(size.width)), ("height", .int(size.height)), ("channels", .int(channels))])),
            ("settings", .object([("epochs", .int(e.epochs)), ("batch", .int(e.batch)), ("lr", .float(e.learningRate)), ("momentum", .float(e.momentum)),
                                  ("weight_decay", .float(e.weightDecay)), ("init", .string(e.initialization.rawValue)), ("seed", .int(Int(e.seed))),
                                  ("threads", .int(e.threads)), ("limit", e.limit.map(JSON.int) ?? .null)])),
            ("epochs", .array(epochs.map { epoch in
                .object([("epoch", .int(epoch.epoch)), ("train_loss", .number(epoch.train.loss)), ("train_accuracy", .number(epoch.train.accuracy)),
                         ("test_loss", .number(epoch.test.loss)), ("test_accuracy", .number(epoch.test.accuracy)),
                         ("weight_norm", .number(epoch.weightNorm)), ("seconds", .number(epoch.seconds)), ("images_per_second", .number(epoch.imagesPerSecond))])
            })),
            ("test_accuracy", .number(final.accuracy)),
            ("confusion", .array(final.confusion.map { .array($0.map(JSON.int)) })),
            ("saved", saved.map(JSON.string) ?? .null),
        ])
    }

    public var chart: SVGChart {
        let series = { (name: String, values: [Double], color: Int, dashed: Bool) in SVGChart.Series(name: name, values: values, color: color, dashed: dashed) }
        return SVGChart(title: "train: \(experiment.model.description) on \(experiment.data.name)", panels: [
            SVGChart.Panel(title: "cross-entropy", xLabel: "epoch", yLabel: "loss (log scale)", logarithmic: true, series: [
                series("train", epochs.map(\.train.loss), 0, false), series("test", epochs.map(\.test.loss), 1, true)]),
            SVGChart.Panel(title: "accuracy", xLabel: "epoch", yLabel: "fraction correct", logarithmic: false, series: [
                series("train", epochs.map(\.train.accuracy), 0, false), series("test", epochs.map(\.test.accuracy), 1, true)]),
        ])
    }
}

extension TrainResult {
    /// The trained network as a safetensors file, its spec in the metadata.
    public func checkpoint() throws(UserError) -> [UInt8] {
        do {
            return try Checkpoint.file(of: network, spec: experiment.model.text).encoded()
        } catch {
            throw UserError(.cannotCreate, "cannot encode the checkpoint: \(error.message)")
        }
    }
}
