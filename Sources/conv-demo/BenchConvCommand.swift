import ArgumentParsing
import ConvCore
import Experiments

/// `conv-demo bench conv`: Conv2D forward (or forward and backward) on typical layers,
/// each with its algorithm, against the seven-loop definition.
struct BenchConvCommand: Command {
    static let spec = CommandSpec(
        program: program, path: ["bench", "conv"],
        abstract: "Time Conv2D forward (or backward too) on typical layers, against the definition.",
        discussion: """
            GFLOP/s = 2·MACs / seconds (MACs exclude the bias), the best of several runs after a
            warm-up, on 1 thread and on --threads threads. Each layer runs with the algorithm it
            chooses from its shape (gemm: im2col + SGEMM; direct: up to 32 input channels;
            depthwise: one input channel per group; winograd: F(4×4, 3×3) or F(2×2, 3×3)
            for 3×3 layers with more channels on large enough planes) unless --algorithm forces one
            (winograd skips the layers that are not 3×3 with stride 1). The
            seven-loop definition is timed on a smaller input of the same layer (1/4 of each
            side) for the speed-up, and the forward output is compared with the exact
            convolution (summed in Double): error = its largest difference over the largest
            value. With --backward each run is a training step's passes:
            forward, then the input and weight gradients (with the backward pass's own
            algorithm: gemm where direct's would be slow), GFLOP/s = 6·MACs / seconds.
            Time a release build: swift run -c release conv-demo bench conv
            """,
        options: [
            .threads("Threads for the parallel runs, 1…256 (default: all cores)."),
            OptionSpec(name: "--algorithm", valueName: "NAME", help: "Compute every layer with \(ConvAlgorithm.allCases.map(\.rawValue).joined(separator: ", "))\n(default: each layer's choice)."),
            OptionSpec(name: "--layer", valueName: "NAME", help: "Time only this layer: hd-gray-3x3, mid-64-3x3, stem-7x7-s2,\ndepthwise-3x3 or featuremap-bank-1080p (default: all)."),
            OptionSpec(name: "--backward", help: "Time forward and backward (both gradients), counted as 6·MACs."),
            OptionSpec(name: "--json", help: "Print one JSON document: {\"conv\":[{\"name\",\"pass\",\"algorithm\",\n\"backward_algorithm\",\"threads\",\"ms\",\"gflops\",\"definition_gflops\",\"speedup\",\n\"relative_error\"}]}."),
        ],
        make: { try BenchConvCommand(parsing: $0) })

    var benchmark = ConvBenchmark()
    var json: Bool

    init(parsing arguments: ParsedArguments) throws {
        benchmark.threads = try arguments.threads() ?? benchmark.threads
        benchmark.algorithm = try arguments.choice("--algorithm", from: ConvAlgorithm.allCases.map(\.rawValue)).flatMap(ConvAlgorithm.init)
        benchmark.layer = try arguments.choice("--layer", from: ConvBenchmark.layerNames)
        if let algorithm = benchmark.algorithm, let layer = benchmark.layer, !ConvBenchmark.computes(layer: layer, with: algorithm) {
            throw arguments.error("--algorithm \(algorithm) does not compute \(layer): it needs a 3×3 kernel with stride 1")
        }
        benchmark.backward = arguments.flag("--backward")
        json = arguments.flag("--json")
    }

    func run() throws {
        try runBenchmarks([benchmark.run], json: json)
    }
}
