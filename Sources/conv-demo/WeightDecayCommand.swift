import ConvCore
import Foundation

/// `conv-demo weight-decay`: what a penalty on the size of the weights does. The same
/// over-parameterised network on a small noisy training set, with several λ.
struct WeightDecayCommand: Command {
    static let spec = CommandSpec(
        path: ["weight-decay"],
        abstract: "Train an over-parameterised network with several weight-decay strengths: smaller weights, smaller train/test gap.",
        discussion: """
            A 1 → --width → --width → 1 tanh network fits --train noisy samples of sin(2πx)
            (noise N(0, --noise²), made from the seed) by full-batch gradient descent with momentum,
            for each λ of --lambda. λ is the penalty λ‖w‖² of the loss, so the optimizer's weight
            decay (PyTorch's weight_decay, added to the gradient) is 2λ; biases are not decayed.
            Prints the training loss, the loss on --test fresh samples and the weights' L2 norm
            over the epochs, and a final table with the train/test gap.
            """,
        options: [
            OptionSpec(name: "--lambda", valueName: "λ,λ,...", help: "Penalties to compare, each ≥ 0 (default: 0,0.0003,0.003)."),
            OptionSpec(name: "--width", valueName: "N", help: "Hidden units per layer, 1…1024 (default: 64)."),
            OptionSpec(name: "--epochs", valueName: "N", help: "Full-batch steps, 1…1000000 (default: 1500)."),
            OptionSpec(name: "--lr", valueName: "RATE", help: "Learning rate (default: 0.05)."),
            OptionSpec(name: "--momentum", valueName: "M", help: "Momentum, 0…0.999 (default: 0.9)."),
            OptionSpec(name: "--train", valueName: "N", help: "Training samples, 1…100000 (default: 20)."),
            OptionSpec(name: "--test", valueName: "N", help: "Test samples, 1…100000 (default: 200)."),
            OptionSpec(name: "--noise", valueName: "S", help: "Standard deviation of the noise on the targets (default: 0.3)."),
            OptionSpec(name: "--seed", valueName: "S", help: "Seed of the data and of the weights (default: 1)."),
            OptionSpec(name: "--every", valueName: "K", help: "Print every K-th epoch (default: epochs/10)."),
        ] + OptionSpec.plot(default: "weight-decay.svg") + [
            OptionSpec(name: "--json", help: "Print one JSON document: {\"runs\":[{\"lambda\",\"train_loss\":[…],\"test_loss\":[…],\n\"weight_norm\":[…]}]}."),
        ],
        make: { try WeightDecayCommand(parsing: $0) })

    var experiment = WeightDecayExperiment()
    var every: Int
    var svg: String?
    var json: Bool

    init(parsing arguments: ParsedArguments) throws {
        if let text = arguments.string("--lambda") {
            experiment.lambdas = try text.split(separator: ",", omittingEmptySubsequences: false).map { item in
                guard let value = Float(item.trimmingCharacters(in: .whitespaces)), value.isFinite, value >= 0 else {
                    throw CLIError.usage("--lambda: '\(item)' is not a number ≥ 0", command: arguments.command)
                }
                return value
            }
        }
        experiment.width = try arguments.integer("--width", in: 1...1024) ?? experiment.width
        experiment.epochs = try arguments.integer("--epochs", in: 1...1_000_000) ?? experiment.epochs
        experiment.learningRate = try arguments.positiveFloat("--lr") ?? experiment.learningRate
        experiment.momentum = try arguments.float("--momentum") ?? experiment.momentum
        guard (0...0.999).contains(experiment.momentum) else {
            throw CLIError.usage("--momentum: \(experiment.momentum) is out of range 0…0.999", command: arguments.command)
        }
        experiment.trainingPoints = try arguments.integer("--train", in: 1...100_000) ?? experiment.trainingPoints
        experiment.testPoints = try arguments.integer("--test", in: 1...100_000) ?? experiment.testPoints
        experiment.noise = try arguments.float("--noise") ?? experiment.noise
        guard experiment.noise >= 0 else { throw CLIError.usage("--noise: \(experiment.noise) must not be negative", command: arguments.command) }
        experiment.seed = UInt64(try arguments.integer("--seed", in: 0...Int.max) ?? 1)
        every = try arguments.integer("--every", in: 1...Int.max) ?? max(1, experiment.epochs / 10)
        svg = arguments.plotPath(default: "weight-decay.svg")
        json = arguments.flag("--json")
    }

    func run() throws {
        let progress = Progress()
        let runs = try experiment.lambdas.map { lambda in try experiment.run(lambda: lambda) { progress.update($0) } }
        progress.clear()
        if let svg { try chart(runs).write(to: svg) }
        printResult(asJSON: json, report(runs), text: text(runs))
    }

    private func name(_ lambda: Float) -> String { "λ = \(decimal(lambda))" }

    func text(_ runs: [WeightDecayExperiment.Run]) -> String {
        var progressTable = TextTable([("epoch", .right)] + runs.flatMap { run in
            [("\(name(run.lambda)): train", .right), ("test", .right), ("‖w‖", .right)]
        })
        for epoch in stride(from: every, through: experiment.epochs, by: every) {
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
            \(final.rendered())\(svg.map { "\nplot: \($0) (train and test loss, and ‖w‖, per epoch)\n" } ?? "")
            """
    }

    func report(_ runs: [WeightDecayExperiment.Run]) -> JSON {
        .object([
            ("epochs", .int(experiment.epochs)), ("width", .int(experiment.width)), ("seed", .int(Int(experiment.seed))),
            ("runs", .array(runs.map { run in
                .object([
                    ("lambda", .float(run.lambda)), ("weight_decay", .float(2 * run.lambda)),
                    ("train_loss", .array(run.trainLoss.map(JSON.number))), ("test_loss", .array(run.testLoss.map(JSON.number))),
                    ("weight_norm", .array(run.weightNorm.map(JSON.number))),
                ])
            })),
        ])
    }

    func chart(_ runs: [WeightDecayExperiment.Run]) -> SVGChart {
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
