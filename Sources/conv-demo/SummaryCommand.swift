import ArgumentParsing
import Experiments
import Reporting

/// `conv-demo summary MODEL`: a network layer by layer, as torchinfo's `summary` gives it;
/// the same report as `count-params --model MODEL`.
struct SummaryCommand: Command {
    static let spec = CommandSpec(
        program: program, path: ["summary"],
        abstract: "Summarize a network layer by layer, as torchinfo does (count-params --model).",
        discussion: """
            One row per layer and block: output shape, parameters, MACs, receptive field and the
            fully-connected equivalent of each convolution; then total, trainable and non-trainable
            parameters, MACs, and the input, forward/backward, parameter and total sizes.
            Sizes are width × height × channels.
            """,
        arguments: [ArgumentSpec(name: "model", help: """
            A spec file, a sample's name, or the spec itself, layers separated by ';'.
            See docs/model-language.md.
            \(sampleList())
            """, optional: false)],
        options: [
            OptionSpec(name: "--input", valueName: "WxH[xC]", help: "Replaces the spec's input line: the same layers at another resolution."),
        ] + CountParamsCommand.summaryOptions + [
            OptionSpec(name: "--json", help: "Print one JSON document (the fields of count-params --model --json)."),
        ],
        make: { try SummaryCommand(parsing: $0) })

    var report: NetworkReport
    var json: Bool

    init(parsing arguments: ParsedArguments) throws {
        json = arguments.flag("--json")
        report = try NetworkReport(ModelSource(arguments.positionals[0]), input: try arguments.sizeWithChannels("--input"),
                                   options: try CountParamsCommand.summaryOptions(arguments))
    }

    func run() {
        printReport(report, asJSON: json)
    }
}
