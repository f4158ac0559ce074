import ArgumentParsing
import Experiments

/// `conv-demo bench train`: images per second of whole training steps.
struct BenchTrainCommand: Command {
    static let spec = CommandSpec(
        program: program, path: ["bench", "train"],
        abstract: "Time whole training steps of a model: images per second.",
        discussion: """
            Forward, cross-entropy, backward and SGD with momentum on random inputs of the model's input
            size, the best of several rounds after a warm-up, on 1 thread and on --threads threads.
            docs/anchors/torch-train-bench.py times PyTorch the same way. Time a release build:
            swift run -c release conv-demo bench train
            """,
        options: [
            OptionSpec(name: "--model", valueName: "NAME|FILE|SPEC", help: "The network (default: lenet5)."),
            OptionSpec(name: "--batch", valueName: "B", help: "Images per step, 1…4096 (default: 64)."),
            .threads("Threads for the parallel run, 1…256 (default: all cores)."),
            OptionSpec(name: "--json", help: "Print one JSON document: {\"train\":[{\"model\",\"batch\",\"threads\",\"images_per_second\"}]}."),
        ],
        make: { try BenchTrainCommand(parsing: $0) })

    var benchmark: TrainBenchmark
    var json: Bool

    init(parsing arguments: ParsedArguments) throws {
        benchmark = TrainBenchmark(model: try ModelSource(arguments.string("--model") ?? "lenet5"))
        benchmark.batch = try arguments.integer("--batch", in: 1...4096) ?? benchmark.batch
        benchmark.threads = try arguments.threads() ?? benchmark.threads
        json = arguments.flag("--json")
    }

    func run() throws {
        try runBenchmarks([benchmark.run], json: json)
    }
}
