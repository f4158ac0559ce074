import ConvCore
import Reporting

/// What init-stats measured: one run per configuration, and the configuration itself.
public struct InitStatsResult: Report, Sendable {
    public let experiment: InitStatsExperiment
    public let runs: [InitStatsExperiment.Run]

    public var text: String {
        let header = """
            init-stats: a batch of \(experiment.batch) through \(experiment.depth) \(experiment.layerName) (no bias), seed \(experiment.seed)
            std of each layer's output (the input's: \(compact(runs.first?.inputStd))), and of the gradient reaching it (L = Σ g·output, g ~ N(0, 1))


            """
        func at(_ run: InitStatsExperiment.Run, _ values: [Double?], _ layer: Int) -> String {
            run.layers.firstIndex(of: layer).map { compact(values[$0]) } ?? ""
        }
        func layer(_ value: Int?) -> String { value.map(String.init) ?? "—" }
        var body: String
        if runs.count == 1, let run = runs.first {
            var table = TextTable([("layer", .right), ("std", .right), ("gradient std", .right)])
            for (index, layer) in run.layers.enumerated() { table.append(["\(layer)", compact(run.std[index]), compact(run.gradientStd[index])]) }
            body = "init \(run.initializer), activation \(run.activation.rawValue)\n\n" + table.rendered()
        } else {
            body = ""
        }
        // Residual stacks are measured every second layer: the marks are rounded up to even.
        let step = runs.contains { $0.network.isResidual } ? 2 : 1
        let marks = Set([1, 10, experiment.depth / 2, experiment.depth].map { ($0 + step - 1) / step * step }.filter { (1...experiment.depth).contains($0) }).sorted()
        let networks = runs.contains { $0.network != .plain }
        var summary = TextTable([("init", .left), ("activation", .left)] + (networks ? [("network", .left)] : []) + marks.map { ("std L\($0)", .right) }
            + [("grad std L\(marks[0])", .right), ("explodes at", .right), ("inf/NaN at", .right), ("vanishes at", .right)])
        for run in runs {
            summary.append([run.initializer, run.activation.rawValue] + (networks ? [run.network.rawValue] : []) + marks.map { at(run, run.std, $0) }
                + [at(run, run.gradientStd, marks[0]), layer(run.explodedAt), layer(run.nonfiniteAt), layer(run.vanishedAt)])
        }
        body += (body.isEmpty ? "" : "\n") + summary.rendered()
        let residual = runs.contains { $0.network.isResidual }
            ? "residual: blocks y = x + second(activation(first(x))) of two layers, measured at their outputs; residual-scaled: second ×1/√\(experiment.depth / 2)\n" : ""
        let plot = experiment.plotFile.map { "\nplot: \(shownPath($0)) (std per layer, log scale: activations and gradients)\n" } ?? ""
        return header + body + "\n— means never, or not finite; layers count from 1.\n" + residual + plot
    }

    public var json: JSON {
        func layer(_ value: Int?) -> JSON { value.map(JSON.int) ?? .null }
        return .object([
            ("depth", .int(experiment.depth)), ("width", .int(experiment.width)), ("batch", .int(experiment.batch)),
            ("conv", .bool(experiment.convolution)), ("seed", .int(Int(experiment.seed))), ("threads", .int(experiment.threads)),
            ("runs", .array(runs.map { run in
                .object([
                    ("init", .string(run.initializer)), ("activation", .string(run.activation.rawValue)),
                    ("network", .string(run.network.rawValue)), ("layers", .array(run.layers.map(JSON.int))),
                    ("std", JSON.numbers(run.std)), ("grad_std", JSON.numbers(run.gradientStd)),
                    ("exploded_at", layer(run.explodedAt)), ("nonfinite_at", layer(run.nonfiniteAt)), ("vanished_at", layer(run.vanishedAt)),
                ])
            })),
        ])
    }

    public var chart: SVGChart {
        // The events belong to the outputs' panel: where each run exploded (10⁶ × the input's
        // std), became non-finite, or vanished (10⁻⁶ × the input's std).
        func events(_ run: InitStatsExperiment.Run) -> [SVGChart.Event] {
            [(run.explodedAt, "exploded"), (run.nonfiniteAt, "non-finite"), (run.vanishedAt, "vanished")].compactMap { layer, label in
                layer.flatMap { layer in run.layers.firstIndex(of: layer) }.map { SVGChart.Event(index: $0, label: "\(label) at \(run.layers[$0])") }
            }
        }
        let series = { (values: (InitStatsExperiment.Run) -> [Double?], marked: Bool) in
            runs.map { run in
                SVGChart.Series(name: "\(run.initializer), \(run.activation.rawValue)\(run.network == .plain ? "" : ", \(run.network.rawValue)")",
                                values: values(run), xStep: run.network.isResidual ? 2 : 1, events: marked ? events(run) : [])
            }
        }
        return SVGChart(title: "init-stats: \(experiment.depth) \(experiment.layerName), batch \(experiment.batch), seed \(experiment.seed)", panels: [
            SVGChart.Panel(title: "std of each layer's output", xLabel: "layer", yLabel: "std (log scale)", logarithmic: true, series: series(\.std, true)),
            SVGChart.Panel(title: "std of the gradient reaching each layer", xLabel: "layer", yLabel: "std (log scale)", logarithmic: true, series: series(\.gradientStd, false)),
        ])
    }
}
