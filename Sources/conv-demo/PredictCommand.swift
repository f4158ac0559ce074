import ArgumentParsing
import Datasets
import Experiments
import Reporting

/// `conv-demo predict`: what a trained network says of your own images.
struct PredictCommand: Command {
    static let spec = CommandSpec(
        program: program, path: ["predict"],
        abstract: "Classify images with a trained network: the three most probable classes of each.",
        discussion: """
            Each image is read as in training: sample / maxval, centred on the network's input when
            smaller. MNIST's digits are white on black; a digit drawn dark on white paper (in a paint
            program, saved as PGM) needs --invert.
            """,
        arguments: [ArgumentSpec(name: "image", help: "PBM, PGM, PPM or PFM files.", optional: false, repeatable: true)],
        options: [
            OptionSpec(name: "--weights", valueName: "FILE", help: "The checkpoint (safetensors).", required: true),
            OptionSpec(name: "--model", valueName: "NAME|FILE|SPEC", help: "The network, when the checkpoint does not name it."),
            OptionSpec(name: "--invert", help: "Use 1 − value: dark ink on light paper."),
            .threads(),
            .memoryLimit,
            OptionSpec(name: "--json", help: "Print one JSON document: {\"images\":[{\"file\",\"top\":[{\"class\",\"probability\"}]}]}."),
        ],
        make: { try PredictCommand(parsing: $0) })

    var model: TrainedModel
    var images: [String]
    var invert: Bool
    var threads: Int?
    var json: Bool

    init(parsing arguments: ParsedArguments) throws {
        model = try TrainedModel(weights: arguments.string("--weights")!, model: try arguments.string("--model").map(ModelSource.init),
                                 memoryLimit: try arguments.memoryLimit())
        images = arguments.positionals
        invert = arguments.flag("--invert")
        threads = try arguments.threads()
        json = arguments.flag("--json")
    }

    func run() throws {
        printReport(try model.predict(images, invert: invert, threads: threads), asJSON: json)
    }
}
