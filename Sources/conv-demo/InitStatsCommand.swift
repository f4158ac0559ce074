import ArgumentParsing
import ConvCore
import Experiments
import Reporting

/// `conv-demo init-stats`: why initialization decides whether a deep network trains. A
/// random batch through 100 layers: the spread of the activations after each layer and of
/// the gradients flowing back, and where they explode or vanish.
struct InitStatsCommand: Command {
    static let spec = CommandSpec(
        program: program, path: ["init-stats"],
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
            OptionSpec(name: "--init", valueName: "SCHEME", help: "\(InitScheme.names);\n\(InitScheme.parametersHelp)."),
            OptionSpec(name: "--std", valueName: "S", help: "Standard deviation of normal: N(0, S²) (default: 1)."),
            OptionSpec(name: "--gain", valueName: "G|auto", help: "Gain of xavier-* and kaiming-* (default: 1 for Xavier, √2 for Kaiming, as in\nPyTorch); auto: calculateGain(activation)."),
            .fanMode,
            OptionSpec(name: "--activation", valueName: "NAME", help: "After every layer: \(Activation.allCases.map(\.rawValue).joined(separator: ", ")) (default: none)."),
            OptionSpec(name: "--conv", help: "Use 3×3 convolutions (fan_in = channels · 9) instead of Linear layers."),
            OptionSpec(name: "--batchnorm", help: "Also run the stack with batch normalization before every activation."),
            OptionSpec(name: "--residual", help: "Also run the stack as residual blocks of two layers, the branch as drawn and\nscaled by 1/√blocks (needs an even --depth)."),
            OptionSpec(name: "--seed", valueName: "S", help: "Seed of the weights, the batch and the gradient (default: 1)."),
        ] + OptionSpec.plot + [.memoryLimit, 
            .threads(),
            OptionSpec(name: "--json", help: "Print one JSON document: {\"runs\":[{\"init\",\"activation\",\"network\",\"layers\":[…],\n\"std\":[…],\"grad_std\":[…],\"exploded_at\",\"nonfinite_at\",\"vanished_at\"}]}."),
        ],
        make: { try InitStatsCommand(parsing: $0) })

    var experiment = InitStatsExperiment()
    var json: Bool

    init(parsing arguments: ParsedArguments) throws {
        experiment.convolution = arguments.flag("--conv")
        experiment.depth = try arguments.integer("--depth", in: 1...100_000) ?? 100
        experiment.width = try arguments.integer("--width", in: 1...65536) ?? (experiment.convolution ? 32 : 256)
        experiment.batch = try arguments.integer("--batch", in: 1...65536) ?? (experiment.convolution ? 8 : 256)
        experiment.seed = UInt64(try arguments.integer("--seed", in: 0...Int.max) ?? 1)
        experiment.threads = try arguments.threads() ?? experiment.threads
        let networks: [InitStatsExperiment.Network] = [.plain] + (arguments.flag("--batchnorm") ? [.batchNorm] : [])
            + (arguments.flag("--residual") ? [.residual, .residualScaled] : [])
        json = arguments.flag("--json")
        experiment.plotFile = try arguments.plotPath()
        experiment.memoryLimit = try arguments.memoryLimit()

        let schemeName = try arguments.choice("--init", from: InitScheme.allCases.map(\.rawValue))
        if schemeName == nil, let option = ["--std", "--gain", "--mode"].first(where: { arguments.values[$0] != nil }) {
            throw arguments.error("\(option) goes with --init")
        }
        if schemeName == nil && networks.count == 1 {
            if arguments.values["--activation"] != nil {
                throw arguments.error("--activation goes with --init, --batchnorm or --residual; without them, init-stats runs the standard comparison")
            }
            experiment.configurations = InitStatsExperiment.comparison(width: experiment.width, convolution: experiment.convolution)
            try experiment.validate()
            return
        }
        let scheme = InitScheme(rawValue: schemeName ?? InitScheme.normal.rawValue)!
        let activation = Activation(rawValue: try arguments.choice("--activation", from: Activation.allCases.map(\.rawValue)) ?? "none")!
        let standardDeviation: Float = try arguments.string("--std").map { text in
            guard scheme == .normal else { throw arguments.error("--std is for --init normal") }
            guard let value = Float(text), value.isFinite, value >= 0 else { throw arguments.error("--std: '\(text)' is not a number ≥ 0") }
            return value
        } ?? 1
        let gain: Float? = try arguments.string("--gain").map { text in
            guard scheme.takesGain else {
                throw arguments.error("--gain is for xavier-* and kaiming-* initializers")
            }
            if text == "auto" { return activation.nonlinearity.gain }
            guard let value = Float(text), value.isFinite, value > 0 else { throw arguments.error("--gain: '\(text)' is not a positive number or auto") }
            return value
        }
        let initializer = scheme.initializer(standardDeviation: standardDeviation, gain: gain, mode: try arguments.fanMode(for: scheme))
        experiment.configurations = networks.map {
            InitStatsExperiment.Configuration(name: scheme.name(of: initializer), initializer: initializer, activation: activation, network: $0)
        }
        try experiment.validate()
    }

    func run() throws {
        let progress = Progress()
        let result = try experiment.run { progress.update($0) }
        progress.clear()
        try finish(result, chart: result.chart, plot: experiment.plotFile, json: json)
    }
}
