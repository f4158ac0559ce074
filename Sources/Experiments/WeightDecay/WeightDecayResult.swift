import Reporting

/// What weight-decay measured: one run per λ, and the experiment's settings.
public struct WeightDecayResult: Report, Sendable {
    public let experiment: WeightDecayExperiment
    public let runs: [WeightDecayExperiment.Run]

    private func name(_ lambda: Float) -> String { "λ = \(decimal(lambda))" }

    public var text: String {
        var progressTable = TextTable([("epoch", .right)] + runs.flatMap { run in
            [("\(name(run.lambda)): train", .right), ("test", .right), ("‖w‖", .right)]
        })
        for epoch in stride(from: experiment.every, through: experiment.epochs, by: experiment.every) {
            progressTable.append(["\(epoch)"] + runs.flatMap { run in
                [fixed(run.trainLoss[epoch - 1], 4), fixed(run.testLoss[epoch - 1], 4), fixed(run.weightNorm[epoch - 1], 2)]
            })
        }
        var final = TextTable([("λ", .right), ("weight decay 2λ", .right), ("train loss", .right), ("test loss", .right), ("gap", .right), ("‖w‖", .right)])
        for run in runs {
            let (train, test) = (run.trainLoss.last ?? .nan, run.testLoss.last ?? .nan)
            final.append([decimal(run.lambda), decimal(2 * run.lambda), fixed(train, 4), fixed(test, 4), fixed(test - train, 4), fixed(run.weightNorm.last ?? .nan, 2)])
        }
        let e = experiment
        return """
            weight-decay: a 1 → \(e.width) → \(e.width) → 1 tanh network, \(e.trainingPoints) training samples of sin(2πx) + N(0, \(decimal(e.noise))²), \(e.testPoints) test samples
            \(e.epochs) epochs of full-batch gradient descent, lr \(decimal(e.learningRate)), momentum \(decimal(e.momentum)), seed \(e.seed); loss: mean squared error
            λ is the penalty λ‖w‖² (weight decay 2λ); ‖w‖ is the weights' L2 norm, biases excluded

            \(progressTable.rendered())
            \(final.rendered())\(experiment.plotFile.map { "\nplot: \(shownPath($0)) (train and test loss, and ‖w‖, per epoch)\n" } ?? "")
            """
    }

    public var json: JSON {
        .object([
            ("epochs", .int(experiment.epochs)), ("width", .int(experiment.width)), ("lr", .float(experiment.learningRate)),
            ("momentum", .float(experiment.momentum)), ("lambdas", .array(experiment.lambdas.map { .float($0) })),
            ("train_points", .int(experiment.trainingPoints)), ("test_points", .int(experiment.testPoints)),
            ("noise", .float(experiment.noise)), ("seed", .int(Int(experiment.seed))),
            ("runs", .array(runs.map { run in
                .object([
                    ("lambda", .float(run.lambda)), ("weight_decay", .float(2 * run.lambda)),
                    ("train_loss", .array(run.trainLoss.map(JSON.number))), ("test_loss", .array(run.testLoss.map(JSON.number))),
                    ("weight_norm", .array(run.weightNorm.map(JSON.number))),
                ])
            })),
        ])
    }

    public var chart: SVGChart {
        SVGChart(title: "weight-decay: \(experiment.trainingPoints) noisy samples, a 1 → \(experiment.width) → \(experiment.width) → 1 network", panels: [
            SVGChart.Panel(title: "training loss (solid) and test loss (dashed)", xLabel: "epoch", yLabel: "mean squared error (log scale)", logarithmic: true,
                           series: runs.enumerated().flatMap { index, run in
                               [SVGChart.Series(name: "\(name(run.lambda)) train", values: run.trainLoss, color: index),
                                SVGChart.Series(name: "\(name(run.lambda)) test", values: run.testLoss, color: index, dashed: true)]
                           }),
            SVGChart.Panel(title: "L2 norm of the weights", xLabel: "epoch", yLabel: "‖w‖", logarithmic: false,
                           series: runs.map { SVGChart.Series(name: name($0.lambda), values: $0.weightNorm) }),
        ])
    }
}
