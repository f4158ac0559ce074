import Foundation
import ConvCore
import GEMM

/// `conv-demo init-stats`: why initialization decides whether a deep network trains. A
/// random batch through 100 layers: the spread of the activations after each layer and of
/// the gradients flowing back, and where they explode or vanish.
struct InitStatsCommand: Command {
    static let spec = CommandSpec(
        path: ["init-stats"],
        abstract: "Push a random batch through a deep MLP and watch the activations and gradients explode or vanish.",
        discussion: """
            A batch of N(0, 1) inputs through --depth layers (Linear width → width, or with --conv
            3×3 Conv2D of width channels on 16×16), no bias, each followed by --activation.
            Prints the standard deviation of every layer's output and of the gradient reaching it
            from a random N(0, 1) gradient at the top, and where it explodes (std not finite or
            above 10⁶ × the input's), first becomes inf/NaN, or vanishes (below 10⁻⁶ × the
            input's). With no --init, the standard comparison: N(0, 1) and N(0, 1/n) without
            activation, Xavier with tanh (gain 1 and 5/3), Kaiming with ReLU, Xavier (gain 1)
            with ReLU, the framework default with ReLU, and zeros.

            With --batchnorm or --residual, one initializer (--init, default normal with std 1) and
            one activation, the same layers put together more ways: plain; with a batch norm (training
            mode) between every layer and its activation; as residual blocks of two layers,
            y = x + second(activation(first(x))), once as drawn and once with the second layer
            scaled by 1/√blocks. Residual stacks are measured at the blocks' outputs.
            """,
        options: [
            OptionSpec(name: "--depth", valueName: "N", help: "Layers (default: 100)."),
            OptionSpec(name: "--width", valueName: "N", help: "Features per layer, or channels with --conv (default: 256; 32 with --conv)."),
            OptionSpec(name: "--batch", valueName: "B", help: "Inputs in the batch (default: 256; 8 with --conv)."),
            OptionSpec(name: "--init", valueName: "SCHEME", help: "\(InitScheme.names)."),
            OptionSpec(name: "--std", valueName: "S", help: "Standard deviation of normal: N(0, S²) (default: 1)."),
            OptionSpec(name: "--gain", valueName: "G|auto", help: "Gain of xavier-* and kaiming-* (default: 1 for Xavier, the activation's for\nKaiming); auto: calculateGain(activation)."),
            OptionSpec(name: "--activation", valueName: "NAME", help: "After every layer: \(Activation.allCases.map(\.rawValue).joined(separator: ", ")) (default: none)."),
            OptionSpec(name: "--conv", help: "Use 3×3 convolutions (fan_in = channels · 9) instead of Linear layers."),
            OptionSpec(name: "--batchnorm", help: "Also run the stack with batch normalization before every activation."),
            OptionSpec(name: "--residual", help: "Also run the stack as residual blocks of two layers, the branch as drawn and\nscaled by 1/√blocks (needs an even --depth)."),
            OptionSpec(name: "--seed", valueName: "S", help: "Seed of the weights, the batch and the gradient (default: 1)."),
        ] + OptionSpec.plot(default: "init-stats.svg") + [
            OptionSpec(name: "--threads", valueName: "n", help: "Threads, 1…256 (default: all cores)."),
            OptionSpec(name: "--json", help: "Print one JSON document: {\"runs\":[{\"init\",\"activation\",\"network\",\"layers\":[…],\n\"std\":[…],\"grad_std\":[…],\"exploded_at\",\"nonfinite_at\",\"vanished_at\"}]}."),
        ],
        make: { try InitStatsCommand(parsing: $0) })

    /// One configuration to run: an initializer, its name, the activation after it, how the
    /// layers are put together.
    struct Configuration {
        var name: String
        var initializer: Initializer
        var activation: Activation
        var network = InitStatsExperiment.Network.plain
    }

    /// Activations kept for the backward pass may take at most this much memory.
    static let memoryLimit = 4 << 30

    var experiment: InitStatsExperiment
    var configurations: [Configuration]
    var svg: String?
    var json: Bool

    init(parsing arguments: ParsedArguments) throws {
        experiment = InitStatsExperiment()
        experiment.convolution = arguments.flag("--conv")
        experiment.depth = try arguments.integer("--depth", in: 1...100_000) ?? 100
        experiment.width = try arguments.integer("--width", in: 1...65536) ?? (experiment.convolution ? 32 : 256)
        experiment.batch = try arguments.integer("--batch", in: 1...65536) ?? (experiment.convolution ? 8 : 256)
        experiment.seed = UInt64(try arguments.integer("--seed", in: 0...Int.max) ?? 1)
        experiment.threads = try arguments.integer("--threads", in: 1...256) ?? availableCores
        let networks: [InitStatsExperiment.Network] = [.plain] + (arguments.flag("--batchnorm") ? [.batchNorm] : [])
            + (arguments.flag("--residual") ? [.residual, .residualScaled] : [])
        if networks.contains(.batchNorm) && experiment.batch == 1 && !experiment.convolution {
            throw CLIError.usage("--batchnorm needs --batch 2 or more: batch statistics need more than one value per channel", command: arguments.command)
        }
        if networks.contains(.residual) && experiment.depth % 2 != 0 {
            throw CLIError.usage("--residual needs an even --depth: its blocks hold two layers each; got \(experiment.depth)", command: arguments.command)
        }
        // Kept per layer: its output and output gradient, its pre-activation, and with batch
        // normalization the normalized values and the batch norm's output; and its weight
        // with the weight's gradient.
        let perLayer = experiment.batch * experiment.width * (experiment.convolution ? InitStatsExperiment.spatial * InitStatsExperiment.spatial : 1)
        let weights = Double(experiment.width) * Double(experiment.width) * (experiment.convolution ? 9 : 1)
        let bytes = (Double(perLayer) * (networks.contains(.batchNorm) ? 5 : 3) + 2 * weights) * Double(experiment.depth + 1) * 4
        guard bytes <= Double(Self.memoryLimit) else {
            throw CLIError.usage("--depth \(experiment.depth), --batch \(experiment.batch) and --width \(experiment.width) would keep \(decimalUnits(bytes, "B")) of activations and weights; the limit is \(decimalUnits(Double(Self.memoryLimit), "B"))", command: arguments.command)
        }
        json = arguments.flag("--json")
        svg = arguments.plotPath(default: "init-stats.svg")

        let schemeName = try arguments.choice("--init", from: InitScheme.allCases.map(\.rawValue))
        if schemeName == nil, let option = ["--std", "--gain"].first(where: { arguments.values[$0] != nil }) {
            throw CLIError.usage("\(option) goes with --init", command: arguments.command)
        }
        if schemeName == nil && networks.count == 1 {
            if arguments.values["--activation"] != nil {
                throw CLIError.usage("--activation goes with --init, --batchnorm or --residual; without them, init-stats runs the standard comparison", command: arguments.command)
            }
            configurations = Self.comparison(width: experiment.width, convolution: experiment.convolution)
            return
        }
        let scheme = InitScheme(rawValue: schemeName ?? InitScheme.normal.rawValue)!
        let activation = Activation(rawValue: try arguments.choice("--activation", from: Activation.allCases.map(\.rawValue)) ?? "none")!
        let standardDeviation: Float = try arguments.string("--std").map { text in
            guard scheme == .normal else { throw CLIError.usage("--std is for --init normal", command: arguments.command) }
            guard let value = Float(text), value.isFinite, value >= 0 else { throw CLIError.usage("--std: '\(text)' is not a number ≥ 0", command: arguments.command) }
            return value
        } ?? 1
        let gain: Float? = try arguments.string("--gain").map { text in
            guard [.xavierUniform, .xavierNormal, .kaimingUniform, .kaimingNormal].contains(scheme) else {
                throw CLIError.usage("--gain is for xavier-* and kaiming-* initializers", command: arguments.command)
            }
            if text == "auto" { return activation.nonlinearity.gain }
            guard let value = Float(text), value.isFinite, value > 0 else { throw CLIError.usage("--gain: '\(text)' is not a positive number or auto", command: arguments.command) }
            return value
        }
        let initializer = scheme.initializer(for: activation, standardDeviation: standardDeviation, gain: gain)
        configurations = networks.map { Configuration(name: Self.name(initializer, scheme: scheme), initializer: initializer, activation: activation, network: $0) }
    }

    /// The comparison of the seed material, in its order.
    static func comparison(width: Int, convolution: Bool) -> [Configuration] {
        let fanIn = Float(width * (convolution ? 9 : 1))
        let runs: [(InitScheme, Initializer, Activation)] = [
            (.normal, .normal(mean: 0, standardDeviation: 1), .none),
            (.normal, .normal(mean: 0, standardDeviation: 1 / fanIn.squareRoot()), .none),
            (.xavierUniform, .xavierUniform(gain: 1), .tanh),
            (.xavierUniform, .xavierUniform(gain: 5.0 / 3), .tanh),
            (.kaimingNormal, .kaimingNormal(.relu), .relu),
            (.xavierUniform, .xavierUniform(gain: 1), .relu),
            (.frameworkDefault, .frameworkDefault, .relu),
            (.zeros, .zeros, .none),
        ]
        return runs.map { Configuration(name: name($1, scheme: $0), initializer: $1, activation: $2) }
    }

    /// "normal(std=0.0625)", "xavier-uniform(gain=1.667)", "default".
    static func name(_ initializer: Initializer, scheme: InitScheme) -> String {
        switch initializer {
        case .normal(_, let deviation): "normal(std=\(compact(Double(deviation))))"
        case .constant(let value): "constant(\(compact(Double(value))))"
        case .xavierUniform(let gain), .xavierNormal(let gain), .kaimingUniform(let gain, _), .kaimingNormal(let gain, _):
            "\(scheme.rawValue)(gain=\(compact(Double(gain))))"
        default: scheme.rawValue
        }
    }

    func run() throws {
        let progress = Progress()
        let runs = try configurations.enumerated().map { index, configuration in
            try experiment.run(configuration.initializer, named: configuration.name, activation: configuration.activation, network: configuration.network) { status in
                progress.update("run \(index + 1)/\(configurations.count): \(status)")
            }
        }
        progress.clear()
        if let svg { try chart(runs).write(to: svg) }
        printResult(asJSON: json, report(runs), text: text(runs))
    }

    private var layerName: String {
        experiment.convolution
            ? "3×3 Conv2D layers, \(experiment.width) channels on \(InitStatsExperiment.spatial)×\(InitStatsExperiment.spatial), padding same"
            : "Linear layers \(experiment.width) → \(experiment.width)"
    }

    func text(_ runs: [InitStatsExperiment.Run]) -> String {
        let header = """
            init-stats: a batch of \(experiment.batch) through \(experiment.depth) \(layerName) (no bias), seed \(experiment.seed)
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
        let plot = svg.map { "\nplot: \($0) (std per layer, log scale: activations and gradients)\n" } ?? ""
        return header + body + "\n— means never, or not finite; layers count from 1.\n" + residual + plot
    }

    func report(_ runs: [InitStatsExperiment.Run]) -> JSON {
        func layer(_ value: Int?) -> JSON { value.map(JSON.int) ?? .null }
        return .object([
            ("depth", .int(experiment.depth)), ("width", .int(experiment.width)), ("batch", .int(experiment.batch)),
            ("conv", .bool(experiment.convolution)), ("seed", .int(Int(experiment.seed))),
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

    func chart(_ runs: [InitStatsExperiment.Run]) -> SVGChart {
        let series = { (values: (InitStatsExperiment.Run) -> [Double?]) in
            runs.map { run in
                SVGChart.Series(name: "\(run.initializer), \(run.activation.rawValue)\(run.network == .plain ? "" : ", \(run.network.rawValue)")",
                                values: values(run), xStep: run.network.isResidual ? 2 : 1)
            }
        }
        return SVGChart(title: "init-stats: \(experiment.depth) \(layerName), batch \(experiment.batch), seed \(experiment.seed)", panels: [
            SVGChart.Panel(title: "std of each layer's output", xLabel: "layer", yLabel: "std (log scale)", logarithmic: true, series: series(\.std)),
            SVGChart.Panel(title: "std of the gradient reaching each layer", xLabel: "layer", yLabel: "std (log scale)", logarithmic: true, series: series(\.gradientStd)),
        ])
    }
}
