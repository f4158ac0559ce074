import Reporting

/// What symmetry measured: the two runs, and the experiment's settings.
public struct SymmetryResult: Report, Sendable {
    public let experiment: SymmetryExperiment
    public let runs: [SymmetryExperiment.Run]

    public var text: String {
        var table = TextTable([("step", .right)] + runs.flatMap { [("\($0.initializer): loss", .right), ("unit difference", .right)] })
        for step in stride(from: experiment.every, through: experiment.steps, by: experiment.every) {
            table.append(["\(step)"] + runs.flatMap { [fixed($0.loss[step - 1], 4), compact($0.maxUnitDifference[step - 1])] })
        }
        let results = runs.map { "  \($0.initializer): final loss \(fixed($0.loss.last ?? .nan, 4)), accuracy \(fixed(100 * $0.accuracy, 1))%" }
        return """
            symmetry: a 2 → \(experiment.hidden) (tanh) → 1 network, two rings of \(experiment.points) points, \(experiment.steps) steps of gradient descent (lr \(decimal(experiment.learningRate))), seed \(experiment.seed)
            unit difference: the largest max − min across hidden units of any of their parameters

            \(table.rendered())
            \(results.joined(separator: "\n"))
            \(experiment.plotFile.map { "\nplot: \(shownPath($0)) (loss and unit difference per step)" } ?? "")

            """
    }

    public var json: JSON {
        .object([
            ("hidden", .int(experiment.hidden)), ("steps", .int(experiment.steps)), ("lr", .float(experiment.learningRate)),
            ("points", .int(experiment.points)), ("constant", .float(experiment.constant)), ("seed", .int(Int(experiment.seed))),
            ("runs", .array(runs.map { run in
                .object([
                    ("init", .string(run.initializer)), ("loss", .array(run.loss.map(JSON.number))),
                    ("max_unit_diff", .array(run.maxUnitDifference.map(JSON.number))), ("accuracy", .number(run.accuracy)),
                ])
            })),
        ])
    }

    public var chart: SVGChart {
        SVGChart(title: "symmetry: constant against random initialization, \(experiment.hidden) hidden units", panels: [
            SVGChart.Panel(title: "training loss (binary cross-entropy)", xLabel: "step", yLabel: "loss", logarithmic: false,
                           series: runs.map { SVGChart.Series(name: $0.initializer, values: $0.loss) }),
            SVGChart.Panel(title: "largest difference between hidden units", xLabel: "step", yLabel: "max − min", logarithmic: false,
                           series: runs.map { SVGChart.Series(name: $0.initializer, values: $0.maxUnitDifference) }),
        ])
    }
}
