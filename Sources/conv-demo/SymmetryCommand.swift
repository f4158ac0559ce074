import ArgumentParsing
import ConvCore
import Experiments
import Reporting

/// `conv-demo symmetry`: why weights must not start equal. The same small network trained
/// from constant weights and from random ones: with the constant, every hidden unit keeps
/// the same weights forever and the loss stalls.
struct SymmetryCommand: Command {
    static let spec = CommandSpec(
        program: program, path: ["symmetry"],
        abstract: "Train a small network from constant and from random weights: constant init never breaks the symmetry.",
        discussion: """
            A 2 → --hidden (tanh) → 1 network learns to tell two concentric rings apart (--points
            points, made from the seed), by full-batch gradient descent on the binary cross-entropy.
            Run once with every weight --constant and every bias 0, once with PyTorch's default
            initialization. Prints, every few steps, the loss and the largest difference between
            hidden units (any parameter's max − min across the units): it stays exactly 0 from
            the constant, so the network is one unit repeated and cannot draw a ring.
            """,
        options: [
            OptionSpec(name: "--hidden", valueName: "N", help: "Hidden units, 2…1024 (default: 8)."),
            OptionSpec(name: "--steps", valueName: "N", help: "Gradient steps, 1…100000 (default: 300)."),
            OptionSpec(name: "--lr", valueName: "RATE", help: "Learning rate (default: 0.5)."),
            OptionSpec(name: "--constant", valueName: "C", help: "The constant weight (default: 0.5)."),
            OptionSpec(name: "--points", valueName: "N", help: "Training points, 2…100000 (default: 200)."),
            OptionSpec(name: "--seed", valueName: "S", help: "Seed of the data and of the random weights (default: 1)."),
            OptionSpec(name: "--every", valueName: "K", help: "Print every K-th step (default: steps/10)."),
        ] + OptionSpec.plot + [.memoryLimit, 
            OptionSpec(name: "--json", help: "Print one JSON document: {\"runs\":[{\"init\",\"loss\":[…],\"max_unit_diff\":[…]}]}."),
        ],
        make: { try SymmetryCommand(parsing: $0) })

    var experiment = SymmetryExperiment()
    var json: Bool

    init(parsing arguments: ParsedArguments) throws {
        experiment.hidden = try arguments.integer("--hidden", in: 2...1024) ?? experiment.hidden
        experiment.steps = try arguments.integer("--steps", in: 1...100_000) ?? experiment.steps
        experiment.points = try arguments.integer("--points", in: 2...100_000) ?? experiment.points
        experiment.seed = UInt64(try arguments.integer("--seed", in: 0...Int.max) ?? 1)
        experiment.learningRate = try arguments.positiveFloat("--lr") ?? experiment.learningRate
        experiment.constant = try arguments.float("--constant") ?? experiment.constant
        experiment.every = try arguments.integer("--every", in: 1...Int.max) ?? max(1, experiment.steps / 10)
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
