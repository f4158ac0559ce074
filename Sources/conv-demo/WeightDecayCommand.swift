import ArgumentParsing
import Foundation
import ConvCore
import Experiments
import Reporting

/// `conv-demo weight-decay`: what a penalty on the size of the weights does. The same
/// over-parameterised network on a small noisy training set, with several λ.
struct WeightDecayCommand: Command {
    static let spec = CommandSpec(
        program: program, path: ["weight-decay"],
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
        ] + OptionSpec.plot + [.memoryLimit, 
            OptionSpec(name: "--json", help: "Print one JSON document: {\"runs\":[{\"lambda\",\"train_loss\":[…],\"test_loss\":[…],\n\"weight_norm\":[…]}]}."),
        ],
        make: { try WeightDecayCommand(parsing: $0) })

    var experiment = WeightDecayExperiment()
    var json: Bool

    init(parsing arguments: ParsedArguments) throws {
        if let text = arguments.string("--lambda") {
            experiment.lambdas = try text.split(separator: ",", omittingEmptySubsequences: false).map { item in
                guard let value = Float(item.trimmingCharacters(in: .whitespaces)), value.isFinite, value >= 0 else {
                    throw arguments.error("--lambda: '\(item)' is not a number ≥ 0")
                }
                return value
            }
        }
        experiment.width = try arguments.integer("--width", in: 1...1024) ?? experiment.width
        experiment.epochs = try arguments.integer("--epochs", in: 1...1_000_000) ?? experiment.epochs
        experiment.learningRate = try arguments.positiveFloat("--lr") ?? experiment.learningRate
        experiment.momentum = try arguments.float("--momentum") ?? experiment.momentum
        guard (0...0.999).contains(experiment.momentum) else {
            throw arguments.error("--momentum: \(experiment.momentum) is out of range 0…0.999")
        }
        experiment.trainingPoints = try arguments.integer("--train", in: 1...100_000) ?? experiment.trainingPoints
        experiment.testPoints = try arguments.integer("--test", in: 1...100_000) ?? experiment.testPoints
        experiment.noise = try arguments.float("--noise") ?? experiment.noise
        guard experiment.noise >= 0 else { throw arguments.error("--noise: \(experiment.noise) must not be negative") }
        experiment.seed = UInt64(try arguments.integer("--seed", in: 0...Int.max) ?? 1)
        experiment.every = try arguments.integer("--every", in: 1...Int.max) ?? max(1, experiment.epochs / 10)
        experiment.plotFile = try arguments.plotPath()
        experiment.memoryLimit = try arguments.memoryLimit()
        try experiment.validate()
        json = arguments.flag("--json")
    }

    func run() throws {
        let progress = Progress()
        let result = try experiment.run { progress.update($0) }
        progress.clear()
        try finish(result, chart: result.chart, plot: experiment.plotFile, json: json)
    }
}
