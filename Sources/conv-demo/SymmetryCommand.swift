import ConvCore
import Foundation

/// `conv-demo symmetry`: why weights must not start equal. The same small network trained
/// from constant weights and from random ones: with the constant, every hidden unit keeps
/// the same weights forever and the loss stalls.
struct SymmetryCommand: Command {
    static let spec = CommandSpec(
        path: ["symmetry"],
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
        ] + OptionSpec.plot(default: "symmetry.svg") + [
            OptionSpec(name: "--json", help: "Print one JSON document: {\"runs\":[{\"init\",\"loss\":[…],\"max_unit_diff\":[…]}]}."),
        ],
        make: { try SymmetryCommand(parsing: $0) })

    var experiment = SymmetryExperiment()
    var every: Int
    var svg: String?
    var json: Bool

    init(parsing arguments: ParsedArguments) throws {
        experiment.hidden = try arguments.integer("--hidden", in: 2...1024) ?? experiment.hidden
        experiment.steps = try arguments.integer("--steps", in: 1...100_000) ?? experiment.steps
        experiment.points = try arguments.integer("--points", in: 2...100_000) ?? experiment.points
        experiment.seed = UInt64(try arguments.integer("--seed", in: 0...Int.max) ?? 1)
        experiment.learningRate = try arguments.positiveFloat("--lr") ?? experiment.learningRate
        experiment.constant = try arguments.float("--constant") ?? experiment.constant
        every = try arguments.integer("--every", in: 1...Int.max) ?? max(1, experiment.steps / 10)
        svg = arguments.plotPath(default: "symmetry.svg")
        json = arguments.flag("--json")
    }

    func run() throws {
        let progress = Progress()
        let constantName = "constant(\(decimal(experiment.constant)))"
        let runs = [
            try experiment.run(weights: .constant(experiment.constant), biases: .zeros, named: constantName) { progress.update($0) },
            try experiment.run(weights: .frameworkDefault, biases: .frameworkDefault, named: "default") { progress.update($0) },
        ]
        progress.clear()
        if let svg { try chart(runs).write(to: svg) }
        printResult(asJSON: json, report(runs), text: text(runs))
    }

    func text(_ runs: [SymmetryExperiment.Run]) -> String {
        var table = TextTable([("step", .right)] + runs.flatMap { [("\($0.initializer): loss", .right), ("unit difference", .right)] })
        for step in stride(from: every, through: experiment.steps, by: every) {
            table.append(["\(step)"] + runs.flatMap { [fixed($0.loss[step - 1], 4), compact($0.maxUnitDifference[step - 1])] })
        }
        let results = runs.map { "  \($0.initializer): final loss \(fixed($0.loss.last ?? .nan, 4)), accuracy \(fixed(100 * $0.accuracy, 1))%" }
        return """
            symmetry: a 2 → \(experiment.hidden) (tanh) → 1 network, two rings of \(experiment.points) points, \(experiment.steps) steps of gradient descent (lr \(decimal(experiment.learningRate))), seed \(experiment.seed)
            unit difference: the largest max − min across hidden units of any of their parameters

            \(table.rendered())
            \(results.joined(separator: "\n"))
            \(svg.map { "\nplot: \($0) (loss and unit difference per step)" } ?? "")

            """
    }

    func report(_ runs: [SymmetryExperiment.Run]) -> JSON {
        .object([
            ("hidden", .int(experiment.hidden)), ("steps", .int(experiment.steps)), ("seed", .int(Int(experiment.seed))),
            ("runs", .array(runs.map { run in
                .object([
                    ("init", .string(run.initializer)), ("loss", .array(run.loss.map(JSON.number))),
                    ("max_unit_diff", .array(run.maxUnitDifference.map(JSON.number))), ("accuracy", .number(run.accuracy)),
                ])
            })),
        ])
    }

    func chart(_ runs: [SymmetryExperiment.Run]) -> SVGChart {
        SVGChart(title: "symmetry: constant against random initialization, \(experiment.hidden) hidden units", panels: [
            SVGChart.Panel(title: "training loss (binary cross-entropy)", xLabel: "step", yLabel: "loss", logarithmic: false,
                           series: runs.map { SVGChart.Series(name: $0.initializer, values: $0.loss) }),
            SVGChart.Panel(title: "largest difference between hidden units", xLabel: "step", yLabel: "max − min", logarithmic: false,
                           series: runs.map { SVGChart.Series(name: $0.initializer, values: $0.maxUnitDifference) }),
        ])
    }
}
