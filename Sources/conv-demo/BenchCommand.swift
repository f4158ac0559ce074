import ArgumentParsing
import Experiments
import Foundation
import Reporting

/// `conv-demo bench`: every benchmark suite with its defaults, or one suite by name.
struct BenchCommand: Command {
    static let spec = CommandSpec(
        program: program, path: ["bench"],
        abstract: "Time the kernels: every suite, or one (gemm, conv, layers, train).",
        discussion: "Time a release build: swift run -c release conv-demo bench",
        options: [
            .threads("Threads for the parallel runs, 1…256 (default: all cores)."),
            OptionSpec(name: "--json", help: "Print one JSON document holding every suite's rows."),
        ],
        subcommands: [BenchGEMMCommand.spec, BenchConvCommand.spec, BenchLayersCommand.spec, BenchTrainCommand.spec],
        make: { try BenchCommand(parsing: $0) })

    var gemm = GEMMBenchmark()
    var conv = ConvBenchmark()
    var layers = LayerBenchmark()
    var train: TrainBenchmark
    var json: Bool

    init(parsing arguments: ParsedArguments) throws {
        gemm.threads = try arguments.threads() ?? gemm.threads
        conv.threads = gemm.threads
        train = TrainBenchmark(model: try ModelSource("lenet5"))
        train.threads = gemm.threads
        json = arguments.flag("--json")
    }

    func run() throws {
        try runBenchmarks([{ gemm.run(progress: $0) }, { try conv.run(progress: $0) }, { try layers.run(progress: $0) }, { try train.run(progress: $0) }], json: json)
    }
}

/// Runs benchmark suites with a status line on stderr and prints their reports. A debug
/// build gets a warning on stderr, since its timings say nothing about the code's speed.
func runBenchmarks(_ suites: [((String) -> Void) throws -> any Report], json: Bool) throws {
    #if DEBUG
    FileHandle.standardError.write(Data("warning: this is a debug build; time a release build: swift run -c release conv-demo bench\n".utf8))
    #endif
    let progress = Progress()
    defer { progress.clear() }
    let reports = try suites.map { try $0 { progress.update($0) } }
    progress.clear()
    printReport(BenchmarkReport(combining: reports), asJSON: json)
}
