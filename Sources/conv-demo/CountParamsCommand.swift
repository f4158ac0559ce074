import ArgumentParsing
import ConvCore
import Experiments
import Reporting

/// `conv-demo count-params`: what weight sharing saves. Without --model, one convolution
/// against the same layer without sharing and against a fully-connected layer on the
/// same input; with --model, a whole network summarized layer by layer.
struct CountParamsCommand: Command {
    static let spec = CommandSpec(
        program: program, path: ["count-params"],
        abstract: "Count what weight sharing saves: a convolution against a fully-connected layer, or a whole network.",
        discussion: """
            Without --model: one convolution on the input (default 1920x1080x1, a 3×3 kernel),
            beside the same layer without weight sharing (a kernel of its own at every output
            position) and a fully-connected layer of --fc neurons, with how each grows with the
            resolution. With --model: a network, one row per layer and block, and its totals as
            torchinfo gives them ('conv-demo summary MODEL' does the same). With --weights: the
            parameters of any safetensors checkpoint, by module, from its tensor names.
            Sizes are width × height (× channels), like a screen resolution: --kernel 7x1 is 7
            wide and 1 tall. MACs (multiply-accumulates) exclude the bias; FLOPs ≈ 2 · MACs.
            """,
        options: [
            OptionSpec(name: "--input", valueName: "WxH[xC]", help: "Input width × height × channels (default: 1920x1080x1; with --model,\nreplaces the spec's input line)."),
            OptionSpec(name: "--kernel", valueName: "K|KWxKH", help: "Kernel size (default: 3)."),
            OptionSpec(name: "--filters", valueName: "N", help: "Output channels of the convolution (default: 1)."),
            OptionSpec(name: "--stride", valueName: "S|SWxSH", help: "Step between windows (default: 1)."),
            OptionSpec(name: "--padding", valueName: "P|PWxPH|same|valid", help: "Zeros added on each side (default: 0)."),
            OptionSpec(name: "--dilation", valueName: "D|DWxDH", help: "Spacing between kernel taps (default: 1)."),
            OptionSpec(name: "--groups", valueName: "G", help: "Channel groups; G must divide the channels and the filters (default: 1)."),
            OptionSpec(name: "--fc", valueName: "N", help: "Neurons of the fully-connected layer to compare with (default: 1000)."),
            OptionSpec(name: "--no-bias", help: "Count no biases, in any of the three layers."),
            OptionSpec(name: "--model", valueName: "SPEC|FILE", help: """
                A network: a spec file, a sample's name, or the spec itself, layers separated
                by ';'. See docs/model-language.md for the language.
                \(sampleList())
                """),
        ] + Self.summaryOptions + [
            OptionSpec(name: "--weights", valueName: "FILE", help: "A safetensors checkpoint: its parameters by module, the first --depth parts of\nthe tensors' names (default: 1), read from its header alone."),
            OptionSpec(name: "--json", help: "Print one JSON document (see docs/weight-sharing.md for its fields)."),
        ],
        make: { try CountParamsCommand(parsing: $0) })

    var report: any Report
    var json: Bool

    /// The options of a network's summary, shared with `conv-demo summary`.
    static let summaryOptions = [
        OptionSpec(name: "--depth", valueName: "N", help: "Show rows to this depth; deeper ones fold into their block (default: 3, as torchinfo)."),
        OptionSpec(name: "--batch", valueName: "N", help: "Images per batch, for the sizes and the total MACs (default: 1)."),
        OptionSpec(name: "--macs-include-bias", help: "Count the bias in the MACs, as torchinfo does."),
    ]

    /// The summary's options from the command line.
    static func summaryOptions(_ arguments: ParsedArguments) throws -> NetworkReport.Options {
        var options = NetworkReport.Options()
        options.depth = try arguments.integer("--depth", in: 1...1_000) ?? options.depth
        options.batch = try arguments.integer("--batch", in: 1...1_000_000) ?? options.batch
        options.macsIncludeBias = arguments.flag("--macs-include-bias")
        return options
    }

    init(parsing arguments: ParsedArguments) throws {
        json = arguments.flag("--json")
        let input = try arguments.sizeWithChannels("--input")
        let layerOptions = ["--kernel", "--filters", "--stride", "--padding", "--dilation", "--groups", "--fc"]
        let layerOption = layerOptions.first(where: { arguments.values[$0] != nil }) ?? (arguments.flag("--no-bias") ? "--no-bias" : nil)
        if let weights = arguments.string("--weights") {
            if let option = ["--model", "--input", "--batch"].first(where: { arguments.values[$0] != nil }) ?? layerOption
                ?? (arguments.flag("--macs-include-bias") ? "--macs-include-bias" : nil) {
                throw arguments.error("\(option) does not apply to --weights, which counts a checkpoint's tensors")
            }
            report = try CheckpointParameters(file: weights, depth: try arguments.integer("--depth", in: 1...1_000) ?? 1)
            return
        }
        if let model = arguments.string("--model") {
            if let option = layerOption {
                throw arguments.error("\(option) is for the single-layer comparison; with --model, the spec gives every layer")
            }
            report = try NetworkReport(ModelSource(model), input: input, options: try Self.summaryOptions(arguments))
            return
        }
        if let option = ["--depth", "--batch"].first(where: { arguments.values[$0] != nil }) ?? (arguments.flag("--macs-include-bias") ? "--macs-include-bias" : nil) {
            throw arguments.error("\(option) is for a network's summary: give --model or --weights")
        }
        let (size, channels) = input ?? (Size2D(height: 1080, width: 1920), 1)
        let filters = try arguments.integer("--filters", in: 1...Int.max) ?? 1
        let groups = try arguments.integer("--groups", in: 1...Int.max) ?? 1
        guard channels % groups == 0, filters % groups == 0 else {
            throw arguments.error("--groups \(groups) must divide the \(channels) input channels and the \(filters) filters")
        }
        do {
            report = try LayerComparison(
                input: size, channels: channels, kernel: try arguments.size("--kernel") ?? Size2D(3), filters: filters,
                stride: try arguments.size("--stride") ?? Size2D(1), padding: try arguments.padding("--padding") ?? .valid,
                dilation: try arguments.size("--dilation") ?? Size2D(1), groups: groups,
                neurons: try arguments.integer("--fc", in: 1...Int.max) ?? 1000, bias: !arguments.flag("--no-bias"))
        } catch let error as ShapeError {
            throw arguments.error(error.message)
        }
    }

    func run() {
        printReport(report, asJSON: json)
    }
}
