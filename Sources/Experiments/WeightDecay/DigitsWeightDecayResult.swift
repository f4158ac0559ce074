import Reporting

/// What `weight-decay --data` measured: one run per λ, each epoch's accuracy, loss and ‖w‖.
public struct DigitsWeightDecayResult: Report, Sendable {
    public let experiment: DigitsWeightDecayExperiment
    public let parameters: Int
    public let trainImages: Int
    public let testImages: Int
    public let runs: [DigitsWeightDecayExperiment.Run]

    private func name(_ lambda: Float) -> String { "λ = \(decimal(lambda))" }
    private func percent(_ fraction: Double) -> String { fixed(100 * fraction, 1) }

    public var text: String {
        let t = experiment.training
        let every = max(1, t.epochs / 6)
        var progressTable = TextTable([("epoch", .right)] + runs.flatMap { run in
            [("\(name(run.lambda)): train %", .right), ("test %", .right), ("‖w‖", .right)]
        })
        for epoch in Array(stride(from: every, to: t.epochs, by: every)) + [t.epochs] {
            progressTable.append(["\(epoch)"] + runs.flatMap { run in
                let measured = run.epochs[epoch - 1]
                return [percent(measured.train.accuracy), percent(measured.test.accuracy), fixed(measured.weightNorm, 2)]
            })
        }
        var final = TextTable([("λ", .right), ("weight decay 2λ", .right), ("train acc %", .right), ("test acc %", .right), ("gap, points", .right),
                               ("train loss", .right), ("test loss", .right), ("‖w‖", .right)])
        for run in runs {
            let last = run.epochs.last!
            final.append([decimal(run.lambda), decimal(2 * run.lambda), percent(last.train.accuracy), percent(last.test.accuracy),
                          fixed(100 * (last.train.accuracy - last.test.accuracy), 1), fixed(last.train.loss, 4), fixed(last.test.loss, 4),
                          fixed(last.weightNorm, 2)])
        }
        return """
            weight-decay: \(t.model.description), \(grouped(parameters)) parameters, on the first \(grouped(trainImages)) training images of \(t.data.name) (\(grouped(testImages)) test images)
            SGD, lr \(decimal(t.learningRate)), momentum \(decimal(t.momentum)), batch \(t.batch), \(t.epochs) epoch\(t.epochs == 1 ? "" : "s"), seed \(t.seed); loss: cross-entropy
            λ is the penalty λ‖w‖² (weight decay 2λ); ‖w‖ is the weights' L2 norm, biases excluded

            \(progressTable.rendered())
            \(final.rendered())\(experiment.plotFile.map { "\nplot: \(shownPath($0)) (train and test accuracy, and ‖w‖, per epoch)\n" } ?? "")
            """
    }

    public var json: JSON {
        let (e, t) = (experiment, experiment.training)
        return .object([
            ("model", .object([("spec", .string(t.model.text)), ("source", .string(t.model.description)), ("params", .int(parameters))])),
            ("data", .object([("source", .string(t.data.name)), ("train", .int(trainImages)), ("test", .int(testImages))])),
            ("epochs", .int(t.epochs)), ("batch", .int(t.batch)), ("lr", .float(t.learningRate)), ("momentum", .float(t.momentum)),
            ("lambdas", .array(e.lambdas.map { .float($0) })), ("limit", t.limit.map(JSON.int) ?? .null), ("seed", .int(Int(t.seed))),
            ("runs", .array(runs.map { run in
                .object([
                    ("lambda", .float(run.lambda)), ("weight_decay", .float(2 * run.lambda)),
                    ("train_loss", .array(run.epochs.map { .number($0.train.loss) })), ("test_loss", .array(run.epochs.map { .number($0.test.loss) })),
                    ("weight_norm", .array(run.epochs.map { .number($0.weightNorm) })),
                    ("train_accuracy", .array(run.epochs.map { .number($0.train.accuracy) })),
                    ("test_accuracy", .array(run.epochs.map { .number($0.test.accuracy) })),
                ])
            })),
        ])
    }

    public var chart: SVGChart {
        SVGChart(title: "weight-decay: \(experiment.training.model.description) on \(grouped(trainImages)) digits of \(experiment.training.data.name)", panels: [
            SVGChart.Panel(title: "training accuracy (solid) and test accuracy (dashed)", xLabel: "epoch", yLabel: "fraction correct", logarithmic: false,
                           series: runs.enumerated().flatMap { index, run in
                               [SVGChart.Series(name: "\(name(run.lambda)) train", values: run.epochs.map(\.train.accuracy), color: index),
                                SVGChart.Series(name: "\(name(run.lambda)) test", values: run.epochs.map(\.test.accuracy), color: index, dashed: true)]
                           }),
            SVGChart.Panel(title: "L2 norm of the weights", xLabel: "epoch", yLabel: "‖w‖", logarithmic: false,
                           series: runs.map { SVGChart.Series(name: name($0.lambda), values: $0.epochs.map(\.weightNorm)) }),
        ])
    }
}
