import ArgumentParsing
import Experiments

/// `conv-demo bench conv`: Conv2D forward (im2col + SGEMM) on typical layers, against the
/// direct seven-loop convolution.
struct BenchConvCommand: Command {
    static let spec = CommandSpec(
        program: program, path: ["bench", "conv"],
        abstract: "Time Conv2D forward (im2col + SGEMM) on typical layers, against the direct loop.",
        discussion: """
            GFLOP/s = 2·MACs / seconds (MACs exclude the bias), the best of several runs after a
            warm-up, on 1 thread and on --threads threads. The direct seven-loop convolution is
            timed on a smaller input of the same layer (1/4 of each side) for the speed-up.
            Time a release build: swift run -c release conv-demo bench conv
            """,
        options: [
            .threads("Threads for the parallel runs, 1…256 (default: all cores)."),
            OptionSpec(name: "--json", help: "Print one JSON document: {\"conv\":[{\"name\",\"threads\",\"ms\",\"gflops\",\n\"direct_gflops\",\"speedup\"}]}."),
        ],
        make: { try BenchConvCommand(parsing: $0) })

    var benchmark = ConvBenchmark()
    var json: Bool

    init(parsing arguments: ParsedArguments) throws {
        benchmark.threads = try arguments.threads() ?? benchmark.threads
        json = arguments.flag("--json")
    }

    func run() throws {
        try runBenchmarks([benchmark.run], json: json)
    }
}
