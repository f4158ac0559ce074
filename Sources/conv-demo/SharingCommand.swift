import ArgumentParsing
import Experiments
import Reporting

/// `conv-demo sharing`: LeNet-5 trained with shared kernels, with a kernel per position
/// and fully connected, on the same digits: parameters, accuracy, accuracy on shifted digits.
struct SharingCommand: Command {
    static let spec = CommandSpec(
        program: program, path: ["sharing"],
        abstract: "What weight sharing buys when a network learns: LeNet-5 shared, unshared and fully connected on the same digits.",
        discussion: """
            One architecture, LeNet-5 for 28×28 input, is trained three ways with the same optimiser,
            epochs, data and seed: conv (shared 5×5 kernels, Samples/models/lenet5-28.txt, 61,706
            parameters), local (the same windows, a kernel per position, lenet5-local.txt, 423,038)
            and fc (each convolution replaced by its fully-connected equivalent, lenet5-fc.txt,
            5,634,974). For each: parameters, training and test accuracy and loss after the last
            epoch, the train/test gap, training seconds, and test accuracy on the test images
            moved by each shift d (right, down and diagonally; the text shows the diagonal, --json
            all three). With --seeds K the runs repeat for seeds S…S+K−1 and each cell gives the
            mean and the range, so a difference smaller than the spread is not a finding.
            --data is digits (Samples/digits/) or a folder as for train.
            """,
        options: [
            OptionSpec(name: "--data", valueName: "digits|DIR", help: "The dataset (default: digits)."),
            OptionSpec(name: "--variants", valueName: "LIST", help: "Which of conv, local, fc to train, comma-separated (default: all three)."),
        ] + OptionSpec.training + [
            OptionSpec(name: "--shifts", valueName: "LIST", help: "Shifts in pixels, comma-separated, 0…64 (default: 0,1,2,3,4)."),
            OptionSpec(name: "--seed", valueName: "S", help: "The first seed (default: 1)."),
            OptionSpec(name: "--seeds", valueName: "K", help: "Repeat over K seeds, 1…100, and report mean and range (default: 1)."),
            OptionSpec(name: "--limit", valueName: "N", help: "Train on the first N training images only."),
            .threads(),
            .memoryLimit,
            OptionSpec(name: "--kernels", valueName: "FILE", help: "Also write an HTML page of each variant's first-layer weights at three\npositions (the first seed's runs)."),
        ] + OptionSpec.plot + [
            OptionSpec(name: "--json", help: "Print one JSON document (see docs/weight-sharing.md for its fields)."),
        ],
        make: { try SharingCommand(parsing: $0) })

    var experiment: SharingExperiment
    var json: Bool

    init(parsing arguments: ParsedArguments) throws {
        experiment = try SharingExperiment(data: try DataSource(arguments.string("--data") ?? "digits"))
        if let list = arguments.string("--variants") {
            let names = list.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            experiment.variants = try names.map { name in
                guard let variant = SharingExperiment.Variant(rawValue: name) else {
                    throw arguments.error("--variants: '\(name)' is not a variant: expected conv, local or fc")
                }
                return variant
            }
            guard Set(experiment.variants).count == experiment.variants.count else { throw arguments.error("--variants: '\(list)' names a variant twice") }
        }
        try arguments.trainingSettings(&experiment.training)
        experiment.shifts = try arguments.integers("--shifts", in: 0...64) ?? experiment.shifts
        guard Set(experiment.shifts).count == experiment.shifts.count else { throw arguments.error("--shifts: a shift is given twice") }
        experiment.seeds = try arguments.integer("--seeds", in: 1...100) ?? experiment.seeds
        experiment.plotFile = try arguments.plotPath()
        if let page = arguments.string("--kernels") {
            guard !page.isEmpty else { throw arguments.error("--kernels: the path is empty") }
            try checkWritable(page)
            experiment.kernelPage = page
        }
        json = arguments.flag("--json")
    }

    func run() throws {
        let progress = Progress()
        let result = try experiment.run { progress.update($0) }
        progress.clear()
        if let page = experiment.kernelPage {
            try writeAtomically(Array(SharingKernelPage(result).html.utf8), to: page)
        }
        try finish(result, chart: result.chart, plot: experiment.plotFile, json: json)
    }
}
