import ConvCore
import Foundation
import GEMM

/// `conv-demo stability`: the remedies for exploding and vanishing gradients at work. One
/// deep MLP, one task, one learning rate too high for it: plain, with gradient clipping,
/// with batch normalization, with residual connections, and with all three.
struct StabilityCommand: Command {
    static let spec = CommandSpec(
        path: ["stability"],
        abstract: "Train a deep MLP plain, with gradient clipping, batch norm, residual blocks and all three; see which survive.",
        discussion: """
            A --depth-layer ReLU MLP (16 → --width → … → 4, weights from --init, zero biases) learns
            a synthetic 4-class task made from the seed (16-D points around 8 random centres, two per
            class) by SGD on mini-batches of --batch, cross-entropy, for --steps steps at --lr. Each
            variant starts from the same weights and sees the same batches:

              plain      the network as it is
              clip       gradients clipped to a global norm of --max-norm before each step
              batchnorm  a batch norm between every hidden layer and its ReLU
              residual   the hidden layers in blocks y = x + W₂·relu(W₁x), W₂ scaled by 1/√blocks
              all        residual blocks with batch norm, and clipping

            Prints every --every steps the mini-batch loss and the global gradient norm before
            clipping, then the loss over the training set, the accuracy on 2048 fresh test points,
            and the first step whose loss or gradient norm is not finite, or whose update leaves a
            weight that is not (training stops there).
            Chance is a loss of ln 4 = 1.386 and an accuracy of 25%.
            """,
        options: [
            OptionSpec(name: "--depth", valueName: "N", help: "Linear layers, input and output layers included, 3…1000 (default: 30); even\nfor the residual variants."),
            OptionSpec(name: "--width", valueName: "N", help: "Units per hidden layer, 1…4096 (default: 64)."),
            OptionSpec(name: "--lr", valueName: "RATE", help: "Learning rate (default: 0.5)."),
            OptionSpec(name: "--steps", valueName: "N", help: "Training steps, 1…1000000 (default: 400)."),
            OptionSpec(name: "--batch", valueName: "B", help: "Examples per step, 2…65536 (default: 64)."),
            OptionSpec(name: "--max-norm", valueName: "C", help: "The global gradient norm clipping allows (default: 1)."),
            OptionSpec(name: "--init", valueName: "SCHEME", help: "Weights of the hidden layers: \(InitScheme.names) (default: kaiming-normal,\nwith the gain of the activation after the layer). The output layer starts at zero."),
            OptionSpec(name: "--variants", valueName: "V,V,...", help: "Which to train: \(StabilityExperiment.Variant.allCases.map(\.rawValue).joined(separator: ", ")) (default: all five)."),
            OptionSpec(name: "--seed", valueName: "S", help: "Seed of the task, the weights and the batches (default: 1)."),
            OptionSpec(name: "--every", valueName: "K", help: "Print every K-th step (default: steps/10)."),
        ] + OptionSpec.plot(default: "stability.svg") + [
            OptionSpec(name: "--threads", valueName: "n", help: "Variants trained at once, 1…256 (default: all cores)."),
            OptionSpec(name: "--json", help: "Print one JSON document: {\"runs\":[{\"variant\",\"loss\":[…],\"grad_norm\":[…],\n\"final_loss\",\"accuracy\",\"diverged_at\"}]}."),
        ],
        make: { try StabilityCommand(parsing: $0) })

    /// What the variants training at once keep (the activations of a step for its backward
    /// pass, the weights, their gradients) may take at most this much memory.
    static let memoryLimit = 4 << 30

    var experiment = StabilityExperiment()
    var variants: [StabilityExperiment.Variant]
    var every: Int
    var threads: Int
    var svg: String?
    var json: Bool

    init(parsing arguments: ParsedArguments) throws {
        experiment.depth = try arguments.integer("--depth", in: 3...1000) ?? experiment.depth
        experiment.width = try arguments.integer("--width", in: 1...4096) ?? experiment.width
        experiment.learningRate = try arguments.positiveFloat("--lr") ?? experiment.learningRate
        experiment.steps = try arguments.integer("--steps", in: 1...1_000_000) ?? experiment.steps
        experiment.batch = try arguments.integer("--batch", in: 2...65536) ?? experiment.batch
        experiment.maxNorm = try arguments.positiveFloat("--max-norm") ?? experiment.maxNorm
        experiment.initialization = try arguments.choice("--init", from: InitScheme.allCases.map(\.rawValue)).flatMap(InitScheme.init) ?? experiment.initialization
        experiment.seed = try arguments.integer("--seed", in: 0...Int.max).map(UInt64.init) ?? experiment.seed
        let variants = try arguments.string("--variants").map { text in
            try text.split(separator: ",", omittingEmptySubsequences: false).map { name in
                guard let variant = StabilityExperiment.Variant(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                    throw CLIError.usage("--variants: '\(name)' is not one of \(StabilityExperiment.Variant.allCases.map(\.rawValue).joined(separator: ", "))", command: arguments.command)
                }
                return variant
            }
        } ?? StabilityExperiment.Variant.allCases
        if let repeated = variants.first(where: { variant in variants.filter { $0 == variant }.count > 1 }) {
            throw CLIError.usage("--variants: '\(repeated.rawValue)' is given twice", command: arguments.command)
        }
        self.variants = variants
        if variants.contains(where: \.isResidual) && experiment.hiddenLayers % 2 != 0 {
            throw CLIError.usage("--depth \(experiment.depth): the residual variants pair the \(experiment.hiddenLayers) hidden layers into blocks, so --depth must be even", command: arguments.command)
        }
        // Kept per layer: about six batch × width tensors for the backward pass (input,
        // pre-activation, batch norm's normalized values and output, output, gradient), and
        // four copies of its width × width weight (the network's, the gradient, and the
        // optimizer's parameter list and step).
        // Variants that train at once each keep their own.
        threads = try arguments.integer("--threads", in: 1...256) ?? availableCores
        let bytes = (Double(experiment.batch) * 6 + Double(experiment.width) * 4) * Double(experiment.width) * Double(experiment.depth) * 4
            * Double(min(threads, variants.count))
        guard bytes <= Double(Self.memoryLimit) else {
            throw CLIError.usage("--depth \(experiment.depth), --batch \(experiment.batch) and --width \(experiment.width) would keep \(decimalUnits(bytes, "B")) of activations and weights; the limit is \(decimalUnits(Double(Self.memoryLimit), "B"))", command: arguments.command)
        }
        every = try arguments.integer("--every", in: 1...Int.max) ?? max(1, experiment.steps / 10)
        svg = arguments.plotPath(default: "stability.svg")
        json = arguments.flag("--json")
    }

    func run() throws {
        let progress = Progress()
        let data = experiment.data()
        let experiment = experiment
        let runs = try parallelMap(variants, threads: threads) { variant in
            try experiment.run(variant, on: data) { progress.update($0) }
        }
        progress.clear()
        if let svg { try chart(runs).write(to: svg) }
        printResult(asJSON: json, report(runs), text: text(runs))
    }

    private func value(_ number: Double?, _ digits: Int) -> String { number.map { fixed($0, digits) } ?? "—" }

    func text(_ runs: [StabilityExperiment.Run]) -> String {
        var progressTable = TextTable([("step", .right)] + runs.flatMap { run in [("\(run.variant.rawValue): loss", .right), ("‖g‖", .right)] })
        for step in Set(stride(from: 1, through: experiment.steps, by: every).map { $0 } + [experiment.steps]).sorted() {
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
            \(svg.map { "\nplot: \($0) (loss and gradient norm per step)\n" } ?? "")
            """
    }

    func report(_ runs: [StabilityExperiment.Run]) -> JSON {
        return .object([
            ("depth", .int(experiment.depth)), ("width", .int(experiment.width)), ("lr", .float(experiment.learningRate)),
            ("steps", .int(experiment.steps)), ("batch", .int(experiment.batch)), ("max_norm", .float(experiment.maxNorm)),
            ("classes", .int(experiment.classes)), ("seed", .int(Int(experiment.seed))),
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
    static let plottedSteps = 1000

    func chart(_ runs: [StabilityExperiment.Run]) -> SVGChart {
        let every = (experiment.steps + Self.plottedSteps - 1) / Self.plottedSteps
        let series = { (values: (StabilityExperiment.Run) -> [Double?]) in
            runs.map { run in
                let all = values(run)
                return SVGChart.Series(name: run.variant.rawValue, values: stride(from: every - 1, to: all.count, by: every).map { all[$0] }, xStep: every)
            }
        }
        return SVGChart(title: "stability: a \(experiment.depth)-layer MLP, lr \(decimal(experiment.learningRate)), seed \(experiment.seed)", panels: [
            SVGChart.Panel(title: "mini-batch loss", xLabel: "step", yLabel: "cross-entropy (log scale)", logarithmic: true, series: series(\.loss)),
            SVGChart.Panel(title: "global gradient norm before clipping", xLabel: "step", yLabel: "‖g‖ (log scale)", logarithmic: true, series: series(\.gradientNorm)),
        ])
    }
}
