import ArgumentParsing
import Experiments
import Reporting

/// `conv-demo train`: a network of the model language learns handwritten digits (or any
/// labelled images), by SGD with momentum and weight decay.
struct TrainCommand: Command {
    static let spec = CommandSpec(
        program: program, path: ["train"],
        abstract: "Train a CNN on real handwritten digits (or any labelled images), and save it as safetensors.",
        discussion: """
            The network is a spec of the model language (see docs/weight-sharing.md); its output is its
            logits, one per class, and the loss their cross-entropy. Each epoch visits every training
            image once, in an order shuffled by the seed, in mini-batches of --batch; after each, the
            training and test sets are evaluated (evaluation mode: batch norm's running statistics,
            no dropout). Images smaller than the network's input are centred on zeros (the 28×28
            digits in LeNet-5's 32×32). Pixels are sample / maxval, in [0, 1].
            --data is digits (Samples/digits/: 3,000 + 1,000 MNIST digits) or a folder holding MNIST's
            IDX files (train-images-idx3-ubyte, …, also .gz; Fashion-MNIST and KMNIST use the same
            names) or train/CLASS/*.pgm and test/CLASS/* image folders.
            The same seed and options give the same numbers whatever --threads is.
            """,
        options: [
            OptionSpec(name: "--model", valueName: "NAME|FILE|SPEC", help: "The network (default: lenet5).\n\(sampleList())"),
            OptionSpec(name: "--data", valueName: "digits|DIR", help: "The dataset (default: digits)."),
        ] + OptionSpec.training + [
            OptionSpec(name: "--init", valueName: "SCHEME", help: "How the weights are drawn: \(InitScheme.names)\n(default: default, PyTorch's own); biases always as PyTorch draws them."),
            OptionSpec(name: "--seed", valueName: "S", help: "Seed of the weights, the shuffling and dropout (default: 1)."),
            OptionSpec(name: "--limit", valueName: "N", help: "Train on the first N training images only."),
            OptionSpec(name: "--save", valueName: "FILE", help: "Write the trained network as safetensors (PyTorch's nn.Sequential names)."),
            .threads(),
            .memoryLimit,
        ] + OptionSpec.plot + [
            OptionSpec(name: "--json", help: "Print one JSON document (see docs/training.md for its fields)."),
        ],
        make: { try TrainCommand(parsing: $0) })

    var experiment: TrainExperiment
    var save: String?
    var json: Bool

    init(parsing arguments: ParsedArguments) throws {
        experiment = TrainExperiment(model: try ModelSource(arguments.string("--model") ?? "lenet5"),
                                     data: try DataSource(arguments.string("--data") ?? "digits"))
        try arguments.trainingSettings(&experiment)
        experiment.initialization = try arguments.choice("--init", from: InitScheme.allCases.map(\.rawValue)).flatMap(InitScheme.init) ?? experiment.initialization
        experiment.plotFile = try arguments.plotPath()
        save = arguments.string("--save")
        if let save { try checkWritable(save) }
        json = arguments.flag("--json")
    }

    func run() throws {
        let progress = Progress()
        var result = try experiment.run { progress.update($0) }
        progress.clear()
        if let save {
            try writeAtomically(try result.checkpoint(), to: save)
            result.saved = save
        }
        try finish(result, chart: result.chart, plot: experiment.plotFile, json: json)
    }
}
