import ArgumentParsing
import Datasets
import Experiments
import Reporting

/// `conv-demo evaluate`: a trained network's loss, accuracy and confusion matrix on a
/// dataset.
struct EvaluateCommand: Command {
    static let spec = CommandSpec(
        program: program, path: ["evaluate"],
        abstract: "Measure a trained network (a safetensors checkpoint) on a dataset: loss, accuracy, confusion.",
        discussion: """
            In evaluation mode: batch norm uses its running statistics, dropout is off. The network is
            the spec stored in the checkpoint, or --model. Checkpoints from PyTorch load too, with
            nn.Sequential's names (0.weight, 0.bias, …); see docs/training.md.
            """,
        options: [
            OptionSpec(name: "--weights", valueName: "FILE", help: "The checkpoint (safetensors).", required: true),
            OptionSpec(name: "--model", valueName: "NAME|FILE|SPEC", help: "The network, when the checkpoint does not name it."),
            OptionSpec(name: "--data", valueName: "digits|DIR", help: "The dataset (default: digits)."),
            OptionSpec(name: "--split", valueName: "test|train", help: "Which split (default: test)."),
            .threads(),
            .memoryLimit,
            OptionSpec(name: "--json", help: "Print one JSON document: {\"images\",\"loss\",\"accuracy\",\"confusion\":[[…]],…}."),
        ],
        make: { try EvaluateCommand(parsing: $0) })

    var model: TrainedModel
    var data: DataSource
    var split: DatasetFolder.Split
    var threads: Int?
    var memoryLimit: Int
    var json: Bool

    init(parsing arguments: ParsedArguments) throws {
        memoryLimit = try arguments.memoryLimit()
        model = try TrainedModel(weights: arguments.string("--weights")!, model: try arguments.string("--model").map(ModelSource.init),
                                 memoryLimit: memoryLimit)
        data = try DataSource(arguments.string("--data") ?? "digits")
        split = DatasetFolder.Split(rawValue: try arguments.choice("--split", from: ["test", "train"]) ?? "test")!
        threads = try arguments.threads()
        json = arguments.flag("--json")
    }

    func run() throws {
        let progress = Progress()
        let result = try model.evaluate(on: data, split: split, memoryLimit: memoryLimit, threads: threads) { progress.update($0) }
        progress.clear()
        printReport(result, asJSON: json)
    }
}
