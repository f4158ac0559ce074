import ArgumentParsing
import Experiments

/// `conv-demo bench gemm`: the speed of `sgemm` on square matrices, on one thread and on
/// all cores, with the naive triple loop for scale.
struct BenchGEMMCommand: Command {
    static let spec = CommandSpec(
        program: program, path: ["bench", "gemm"],
        abstract: "Time SGEMM (C = A·B, square, single precision) in GFLOP/s.",
        discussion: """
            GFLOP/s = 2·m·n·k / seconds, the best of several runs after a warm-up, on 1 thread
            and on --threads threads; the naive triple loop at 256 gives the scale. Time a
            release build: swift run -c release conv-demo bench gemm
            The kernel is the widest this CPU runs; CONV_DEMO_KERNEL=portable, avx2 or avx512
            forces one (for every command).
            """,
        options: [
            OptionSpec(name: "--sizes", valueName: "n,n,...", help: "Sizes m = n = k to time, each 1…4096 (default: 256,512,1024,2048)."),
            .threads("Threads for the parallel runs, 1…256 (default: all cores)."),
            OptionSpec(name: "--json", help: "Print one JSON document: {\"kernel\",\"gemm\":[{\"m\",\"n\",\"k\",\"threads\",\"gflops\"}],\n\"naive_gemm\":[…]}."),
        ],
        make: { try BenchGEMMCommand(parsing: $0) })

    var benchmark = GEMMBenchmark()
    var json: Bool

    init(parsing arguments: ParsedArguments) throws {
        benchmark.sizes = try arguments.integers("--sizes", in: 1...4096) ?? benchmark.sizes
        benchmark.threads = try arguments.threads() ?? benchmark.threads
        json = arguments.flag("--json")
    }

    func run() throws {
        try runBenchmarks([benchmark.run], json: json)
    }
}
