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
            With --data, the same sweep on a digit CNN instead: --model (default lenet5-28) learns the
            first --limit training images (default 500, few enough to learn by heart) by mini-batch
            SGD for each λ, and the tables give training and test accuracy, the gap and ‖w‖
            (default 30 epochs; --width, --train, --test and --noise belong to the sine).
            """,
        options: [
            OptionSpec(name: "--lambda", valueName: "λ,λ,...", help: "Penalties to compare, each ≥ 0 (default: 0,0.0003,0.003;\nwith --data 0,0.001,0.003,0.01)."),
            OptionSpec(name: "--width", valueName: "N", help: "Hidden units per layer, 1…1024 (default: 64)."),
            OptionSpec(name: "--epochs", valueName: "N", help: "Full-batch steps, 1…1000000 (default: 1500; with --data, epochs, default 30)."),
            OptionSpec(name: "--lr", valueName: "RATE", help: "Learning rate (default: 0.05)."),
            OptionSpec(name: "--momentum", valueName: "M", help: "Momentum, 0…0.999 (default: 0.9)."),
            OptionSpec(name: "--train", valueName: "N", help: "Training samples, 1…100000 (default: 20)."),
            OptionSpec(name: "--test", valueName: "N", help: "Test samples, 1…100000 (default: 200)."),
            OptionSpec(name: "--noise", valueName: "S", help: "Standard deviation of the noise on the targets (default: 0.3)."),
            OptionSpec(name: "--seed", valueName: "S", help: "Seed of the data and of the weights (default: 1)."),
            OptionSpec(name: "--every", valueName: "K", help: "Print every K-th epoch (default: epochs/10)."),
            OptionSpec(name: "--data", valueName: "digits|DIR", help: "Sweep λ on a digit CNN trained on this dataset instead of the sine."),
            OptionSpec(name: "--model", valueName: "NAME|FILE|SPEC", help: "With --data: the network (default: lenet5-28)."),
            OptionSpec(name: "--limit", valueName: "N", help: "With --data: train on the first N training images (default: 500)."),
            OptionSpec(name: "--batch", valueName: "B", help: "With --data: images per step, 1…65536 (default: 32)."),
            .threads(),
        ] + OptionSpec.plot + [.memoryLimit,
            OptionSpec(name: "--json", help: "Print one JSON document: {\"runs\":[{\"lambda\",\"train_loss\":[…],\"test_loss\":[…],\n\"weight_norm\":[…]}]}; with --data also \"train_accuracy\" and \"test_accuracy\" per epoch."),
        ],
        make: { try WeightDecayCommand(parsing: $0) })

    var experiment = WeightDecayExperiment()
    /// The digit CNN's sweep, when --data is given.
    var digits: DigitsWeightDecayExperiment?
    var json: Bool

    init(parsing arguments: ParsedArguments) throws {
        let lambdas = try arguments.string("--lambda").map { text in
            try text.split(separator: ",", omittingEmptySubsequences: false).map { item in
                guard let value = Float(item.trimmingCharacters(in: .whitespaces)), value.isFinite, value >= 0 else {
                    throw arguments.error("--lambda: '\(item)' is not a number ≥ 0")
                }
                return value
            }
        }
        json = arguments.flag("--json")
        if let data = arguments.string("--data") {
            for option in ["--width", "--train", "--test", "--noise", "--every"] where arguments.string(option) != nil {
                throw arguments.error("\(option) belongs to the sine experiment; with --data the network is --model")
            }
            var digits = DigitsWeightDecayExperiment(model: try ModelSource(arguments.string("--model") ?? "lenet5-28"), data: try DataSource(data))
            digits.lambdas = lambdas ?? digits.lambdas
            try arguments.trainingSettings(&digits.training)
            digits.plotFile = try arguments.plotPath()
            self.digits = digits
            return
        }
        for option in ["--model", "--limit", "--batch", "--threads"] where arguments.string(option) != nil {
            throw arguments.error("\(option) needs --data: it sets the digit CNN's sweep")
        }
        experiment.lambdas = lambdas ?? experiment.lambdas
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
    }

    func run() throws {
        let progress = Progress()
        if let digits {
            let result = try digits.run { progress.update($0) }
            progress.clear()
            return try finish(result, chart: result.chart, plot: digits.plotFile, json: json)
        }
        let result = try experiment.run { progress.update($0) }
        progress.clear()
        try finish(result, chart: result.chart, plot: experiment.plotFile, json: json)
    }
}
