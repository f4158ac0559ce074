import Foundation
import Reporting

/// What stability measured: one run per variant, and the experiment's settings.
public struct StabilityResult: Report, Sendable {
    public let experiment: StabilityExperiment
    public let runs: [StabilityExperiment.Run]

    private func value(_ number: Double?, _ digits: Int) -> String { number.map { fixed($0, digits) } ?? "—" }

    public var text: String {
        var progressTable = TextTable([("step", .right)] + runs.flatMap { run in [("\(run.variant.rawValue): loss", .right), ("‖g‖", .right)] })
        for step in Set(stride(from: 1, through: experiment.steps, by: experiment.every).map { $0 } + [experiment.steps]).sorted() {
            progressTable.append(["\(step)"] + runs.flatMap { run in [value(run.loss[step - 1], 3), run.gradientNorm[step - 1].map { compact($0) } ?? "—"] })
        }
        var final = TextTable([("variant", .left), ("final loss", .right), ("accuracy", .right), ("diverged at", .right), ("max ‖g‖", .right)])
        for run in runs {
            final.append([run.variant.rawValue, value(run.finalLoss, 3), run.accuracy.map { fixed(100 * $0, 1) + "%" } ?? "—",
                          run.divergedAt.map { "step \($0)" } ?? "—", compact(run.gradientNorm.compactMap { $0 }.max())])
        }
        let e = experiment
        return """
            stability: a \(e.depth)-layer ReLU MLP (\(e.features) → \(e.width) → … → \(e.classes)), \(e.classes) classes, \(e.trainingPoints) training points, seed \(e.seed)
            \(e.steps) steps of SGD, lr \(decimal(e.learningRate)), batch \(e.batch); clipping to a global norm of \(decimal(e.maxNorm)); chance: loss \(fixed(Foundation.log(Double(e.classes)), 3)), accuracy \(fixed(100 / Double(e.classes), 1))%
            loss: the mini-batch's cross-entropy before the step; ‖g‖: the global gradient norm before clipping

            \(progressTable.rendered())
            \(final.rendered())
            final loss: over the training set after the last step; accuracy: on \(e.testPoints) test points; — means never, or not finite
            \(experiment.plotFile.map { "\nplot: \(shownPath($0)) (loss and gradient norm per step)\n" } ?? "")
            """
    }

    public var json: JSON {
        return .object([
            ("depth", .int(experiment.depth)), ("width", .int(experiment.width)), ("lr", .float(experiment.learningRate)),
            ("steps", .int(experiment.steps)), ("batch", .int(experiment.batch)), ("max_norm", .float(experiment.maxNorm)),
            ("classes", .int(experiment.classes)), ("seed", .int(Int(experiment.seed))),
            ("init", .string(experiment.initialization.rawValue)), ("variants", .array(experiment.variants.map { .string($0.rawValue) })),
            ("features", .int(experiment.features)), ("clusters_per_class", .int(experiment.clustersPerClass)),
            ("spread", .float(experiment.spread)), ("noise", .float(experiment.noise)),
            ("train_points", .int(experiment.trainingPoints)), ("test_points", .int(experiment.testPoints)), ("threads", .int(experiment.threads)),
            ("runs", .array(runs.map { run in
                .object([
                    ("variant", .string(run.variant.rawValue)), ("loss", .numbers(run.loss)), ("grad_norm", .numbers(run.gradientNorm)),
                    ("final_loss", run.finalLoss.map(JSON.number) ?? .null), ("accuracy", run.accuracy.map(JSON.number) ?? .null),
                    ("diverged_at", run.divergedAt.map(JSON.int) ?? .null),
                ])
            })),
        ])
    }

    /// At most this many points per line: a long run is plotted every k-th step.
    public static let plottedSteps = 1000

    public var chart: SVGChart {
        let every = (experiment.steps + Self.plottedSteps - 1) / Self.plottedSteps
        let series = { (values: (StabilityExperiment.Run) -> [Double?]) in
            runs.map { run in
                let all = values(run)
                // Plotted value j is step (j + 1) · every; a divergence is marked at the last plotted step before it.
                let diverged = run.divergedAt.map { [SVGChart.Event(index: ($0 - 1) / every, label: "diverged at step \($0)")] } ?? []
                return SVGChart.Series(name: run.variant.rawValue, values: stride(from: every - 1, to: all.count, by: every).map { all[$0] }, xStep: every,
                                       events: diverged)
            }
        }
        return SVGChart(title: "stability: a \(experiment.depth)-layer MLP, lr \(decimal(experiment.learningRate)), seed \(experiment.seed)", panels: [
            SVGChart.Panel(title: "mini-batch loss", xLabel: "step", yLabel: "cross-entropy (log scale)", logarithmic: true, series: series(\.loss)),
            SVGChart.Panel(title: "global gradient norm before clipping", xLabel: "step", yLabel: "‖g‖ (log scale)", logarithmic: true, series: series(\.gradientNorm)),
        ])
    }
}
