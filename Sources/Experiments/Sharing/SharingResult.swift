import Reporting

/// What `sharing` measured: one run per variant and seed, and their summaries.
public struct SharingResult: Report, Sendable {
    public let experiment: SharingExperiment
    public let trainImages: Int
    public let testImages: Int
    public let runs: [Run]

    /// Test accuracy on the test images moved by (dx, dy).
    public struct Shifted: Sendable {
        public let dx: Int
        public let dy: Int
        public let accuracy: Double
    }

    /// One variant trained from one seed: its final epoch's measurements.
    public struct Run: Sendable {
        public let variant: SharingExperiment.Variant
        public let seed: UInt64
        public let parameters: Int
        public let train: Evaluation
        public let test: Evaluation
        /// Training time, evaluation excluded.
        public let seconds: Double
        public let shifted: [Shifted]
        /// The first layer's weights at a few positions, for the kernel page.
        public let firstLayer: FirstLayerWeights?

        /// Training accuracy minus test accuracy: how much was learned by heart.
        var gap: Double { train.accuracy - test.accuracy }

        /// The accuracy on the test images shifted d pixels right and d down.
        func diagonal(_ d: Int) -> Double? { shifted.first { $0.dx == d && $0.dy == d }?.accuracy }
    }

    /// The runs of one variant, in seed order.
    func runs(of variant: SharingExperiment.Variant) -> [Run] { runs.filter { $0.variant == variant } }

    /// "96.1" for one seed; "96.1 (95.8–96.4)", the mean and the range, for several.
    private func cell(_ values: [Double], scale: Double = 100, places: Int = 1) -> String {
        let mean = values.reduce(0, +) / Double(values.count)
        let text = fixed(scale * mean, places)
        guard values.count > 1 else { return text }
        return "\(text) (\(fixed(scale * values.min()!, places))–\(fixed(scale * values.max()!, places)))"
    }

    public var text: String {
        let (e, t) = (experiment, experiment.training)
        var table = TextTable([("variant", .left), ("parameters", .right), ("train acc %", .right), ("train loss", .right),
                               ("test acc %", .right), ("test loss", .right), ("gap, points", .right), ("seconds", .right)])
        for variant in e.variants {
            let runs = runs(of: variant)
            table.append([variant.rawValue, grouped(runs[0].parameters), cell(runs.map(\.train.accuracy)), cell(runs.map(\.train.loss), scale: 1, places: 4),
                          cell(runs.map(\.test.accuracy)), cell(runs.map(\.test.loss), scale: 1, places: 4), cell(runs.map(\.gap)),
                          cell(runs.map(\.seconds), scale: 1)])
        }
        var shiftTable = TextTable([("variant", .left)] + e.shifts.map { ("d = \($0)", .right) })
        for variant in e.variants {
            let runs = runs(of: variant)
            shiftTable.append([variant.rawValue] + e.shifts.map { d in cell(runs.compactMap { $0.diagonal(d) }) })
        }
        let seeds = e.seeds == 1 ? "seed \(t.seed)" : "seeds \(t.seed)–\(t.seed &+ UInt64(e.seeds) &- 1); each cell the mean (and range) over the \(e.seeds) seeds"
        return """
            sharing: LeNet-5 for 28×28 trained three ways on \(t.data.name): \(grouped(trainImages)) training and \(grouped(testImages)) test images
            SGD, lr \(decimal(t.learningRate)), momentum \(decimal(t.momentum)), weight decay \(decimal(t.weightDecay)), batch \(t.batch), \(t.epochs) epoch\(t.epochs == 1 ? "" : "s"), \(seeds)
            conv: shared 5×5 kernels; local: a kernel per position (nothing shared); fc: every convolution replaced by its fully-connected equivalent

            \(table.rendered())
            test accuracy (%) on the test digits moved d pixels right and d down, the border filled with 0
            (moves in x alone and in y alone are in --json):
            \(shiftTable.rendered())
            \(experiment.kernelPage.map { "kernels: \($0) (each variant's first-layer weights at three positions)\n" } ?? "")\
            \(experiment.plotFile.map { "plot: \(shownPath($0)) (accuracy against shift; parameters against test accuracy)\n" } ?? "")
            """
    }

    public var json: JSON {
        let (e, t) = (experiment, experiment.training)
        return .object([
            ("data", .object([("source", .string(t.data.name)), ("train", .int(trainImages)), ("test", .int(testImages))])),
            ("settings", .object([("epochs", .int(t.epochs)), ("batch", .int(t.batch)), ("lr", .float(t.learningRate)), ("momentum", .float(t.momentum)),
                                  ("weight_decay", .float(t.weightDecay)), ("seed", .int(Int(t.seed))), ("seeds", .int(e.seeds)),
                                  ("shifts", .array(e.shifts.map(JSON.int))), ("threads", .int(t.threads)), ("limit", t.limit.map(JSON.int) ?? .null)])),
            ("runs", .array(runs.map { run in
                .object([("variant", .string(run.variant.rawValue)), ("model", .string(run.variant.sample)), ("seed", .int(Int(run.seed))),
                         ("params", .int(run.parameters)), ("train_accuracy", .number(run.train.accuracy)), ("train_loss", .number(run.train.loss)),
                         ("test_accuracy", .number(run.test.accuracy)), ("test_loss", .number(run.test.loss)), ("seconds", .number(run.seconds)),
                         ("shifted", .array(run.shifted.map { .object([("dx", .int($0.dx)), ("dy", .int($0.dy)), ("accuracy", .number($0.accuracy))]) }))])
            })),
        ])
    }

    public var chart: SVGChart {
        let (e, t) = (experiment, experiment.training)
        func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }
        let shifts = e.variants.enumerated().map { index, variant in
            let runs = runs(of: variant)
            return SVGChart.Series(name: variant.rawValue, values: e.shifts.map { d in mean(runs.compactMap { $0.diagonal(d) }) },
                                   color: index, xValues: e.shifts.map(Double.init))
        }
        let sizes = e.variants.enumerated().map { index, variant in
            let runs = runs(of: variant)
            return SVGChart.Series(name: "\(variant.rawValue): \(grouped(runs[0].parameters)) parameters", values: [mean(runs.map(\.test.accuracy))],
                                   color: index, xValues: [Double(runs[0].parameters)])
        }
        let seeds = e.seeds == 1 ? "seed \(t.seed)" : "mean of \(e.seeds) seeds"
        return SVGChart(title: "sharing: LeNet-5 three ways on \(t.data.name) (\(seeds))", panels: [
            SVGChart.Panel(title: "test digits moved d pixels right and down", xLabel: "shift d (pixels)", yLabel: "test accuracy",
                           logarithmic: false, series: shifts),
            SVGChart.Panel(title: "parameters against test accuracy", xLabel: "parameters (log scale)", yLabel: "test accuracy",
                           logarithmic: false, series: sizes, xLogarithmic: true),
        ])
    }
}
