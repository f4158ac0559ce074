import ConvCore
import Foundation

/// `conv-demo count-params`: what weight sharing saves. Without --model, one convolution
/// against the same layer without sharing and against a fully-connected layer on the
/// same input; with --model, a whole network summarized layer by layer.
struct CountParamsCommand: Command {
    static let spec = CommandSpec(
        path: ["count-params"],
        abstract: "Count what weight sharing saves: a convolution against a fully-connected layer, or a whole network.",
        discussion: """
            Without --model: one convolution on the input (default 1920x1080x1, a 3×3 kernel),
            beside the same layer without weight sharing (a kernel of its own at every output
            position) and a fully-connected layer of --fc neurons, with how each grows with the
            resolution. With --model: a network, one row per layer, and its totals.
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
                A network: a spec file, a sample name (lenet5, alexnet, vgg16), or the spec
                itself, layers separated by ';'. See docs/weight-sharing.md for the language.
                """),
            OptionSpec(name: "--json", help: "Print one JSON document (see docs/weight-sharing.md for its fields)."),
        ],
        make: { try CountParamsCommand(parsing: $0) })

    enum Mode {
        case layer(LayerComparison)
        case model(NetworkSummary, source: String)
    }

    var mode: Mode
    var json: Bool

    init(parsing arguments: ParsedArguments) throws {
        json = arguments.flag("--json")
        let input = try arguments.sizeWithChannels("--input")
        if let model = arguments.string("--model") {
            let layerOptions = ["--kernel", "--filters", "--stride", "--padding", "--dilation", "--groups", "--fc"]
            if let option = layerOptions.first(where: { arguments.values[$0] != nil }) ?? (arguments.flag("--no-bias") ? "--no-bias" : nil) {
                throw CLIError.usage("\(option) is for the single-layer comparison; with --model, the spec gives every layer", command: arguments.command)
            }
            if let input { try Self.checkChannels(input.channels, arguments) }
            let (summary, source) = try Self.summarize(model, input: input)
            mode = .model(summary, source: source)
            return
        }
        let (size, channels) = input ?? (Size2D(height: 1080, width: 1920), 1)
        try Self.checkChannels(channels, arguments)
        let filters = try arguments.integer("--filters", in: 1...Int.max) ?? 1
        let groups = try arguments.integer("--groups", in: 1...Int.max) ?? 1
        guard channels % groups == 0, filters % groups == 0 else {
            throw CLIError.usage("--groups \(groups) must divide the \(channels) input channels and the \(filters) filters", command: arguments.command)
        }
        do {
            mode = .layer(try LayerComparison(
                input: size, channels: channels, kernel: try arguments.size("--kernel") ?? Size2D(3), filters: filters,
                stride: try arguments.size("--stride") ?? Size2D(1), padding: try arguments.padding("--padding") ?? .valid,
                dilation: try arguments.size("--dilation") ?? Size2D(1), groups: groups,
                neurons: try arguments.integer("--fc", in: 1...Int.max) ?? 1000, bias: !arguments.flag("--no-bias")))
        } catch let error as ShapeError {
            throw CLIError.usage(error.message, command: arguments.command)
        }
    }

    private static func checkChannels(_ channels: Int, _ arguments: ParsedArguments) throws {
        guard channels >= 1 else { throw CLIError.usage("--input: \(channels) channels; an image has at least 1", command: arguments.command) }
    }

    func run() throws {
        switch mode {
        case .layer(let comparison):
            printResult(asJSON: json, comparison.json, text: comparison.text)
        case .model(let summary, let source):
            printResult(asJSON: json, summary.json, text: summary.text(source: source))
        }
    }

    /// Reads the model named by `argument` (a file, a sample name, or the spec itself) and
    /// summarizes it; also says where it came from. A mistake in the spec is EX_DATAERR,
    /// at its file, line and column.
    private static func summarize(_ argument: String, input: (size: Size2D, channels: Int)?) throws -> (NetworkSummary, String) {
        let (text, file) = try modelText(argument)
        do {
            return (try NetworkSummary(NetworkSpec(parsing: text), input: input.map { ($0.size, $0.channels) }), file ?? "given on the command line")
        } catch {
            let place = file.map { "\($0):\(error.line):\(error.column)" } ?? "line \(error.line), column \(error.column)"
            throw CLIError(status: .dataError, message: "\(place): \(error.message)")
        }
    }

    /// The spec text, and the file it came from (nil when the argument is the spec).
    private static func modelText(_ argument: String) throws -> (String, String?) {
        let sample = samplesDirectory?.appendingPathComponent("models/\(argument).txt").path
        for path in [argument, sample].compactMap({ $0 }) where FileManager.default.fileExists(atPath: path) {
            return (try TextFile.read(path, what: "the model file"), displayPath(path))
        }
        guard argument.contains(where: { $0 == ";" || $0 == "\n" || $0 == " " }) else {
            throw CLIError(status: .noInput, message: "no model file '\(argument)', nor a sample of that name (lenet5, alexnet, vgg16)")
        }
        return (argument, nil)
    }
}
