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
            chooses from its shape unless --algorithm forces one: gemm (im2col + SGEMM), direct
            (up to 32 input channels), depthwise (one input channel per group) or winograd
            (F(4×4, 3×3) or F(2×2, 3×3), for 3×3 layers with more channels on large enough
            planes; forced, it skips the layers that are not 3×3 with stride 1). The seven-loop
            definition is timed on a smaller input of the same layer (1/4 of each side) for the
            speed-up, and the forward output is compared with the exact convolution (summed in
            Double): error = its largest difference over the largest value. With --backward
            each run is a training step's passes: forward, then the input and weight gradients
            (with the backward pass's own algorithm: gemm where direct's would be slow),
            GFLOP/s = 6·MACs / seconds. --input WxHxC times one layer of your own instead (with
            --filters, --kernel, --stride, --padding, --groups, --batch), e.g. --input 28x28x128
            to see where winograd pays.
            Time a release build: swift run -c release conv-demo bench conv
            """,
        options: [
            .threads("Threads for the parallel runs, 1…256 (default: all cores)."),
            OptionSpec(name: "--algorithm", valueName: "NAME", help: "Compute every layer with \(ConvAlgorithm.allCases.map(\.rawValue).joined(separator: ", "))\n(default: each layer's choice)."),
            OptionSpec(name: "--layer", valueName: "NAME", help: "Time only this layer: hd-gray-3x3, mid-64-3x3, stem-7x7-s2,\ndepthwise-3x3 or featuremap-bank-1080p (default: all)."),
            OptionSpec(name: "--input", valueName: "WxHxC", help: "Time one layer of your own on images of this size instead\n(seeded random weights and input, named custom)."),
            OptionSpec(name: "--filters", valueName: "N", help: "Its output channels, 1…65536 (default: the input's channels)."),
            OptionSpec(name: "--kernel", valueName: "K", help: "Its K×K kernel, 1…64 (default: 3)."),
            OptionSpec(name: "--stride", valueName: "S", help: "Its stride, 1…64 (default: 1)."),
            OptionSpec(name: "--padding", valueName: "P", help: "Zeros on each side, 0…64 (default: K / 2)."),
            OptionSpec(name: "--groups", valueName: "G", help: "Its groups, dividing both channel counts (default: 1)."),
            OptionSpec(name: "--batch", valueName: "N", help: "Images, 1…4096 (default: 1)."),
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
        let layerOptions = ["--filters", "--kernel", "--stride", "--padding", "--groups", "--batch"]
        if let (size, channels) = try arguments.sizeWithChannels("--input") {
            guard benchmark.layer == nil else { throw arguments.error("--layer and --input: give one, a layer of the set or a layer of your own") }
            var custom = ConvBenchmark.CustomLayer(size: size, channels: channels, filters: try arguments.integer("--filters", in: 1...65536) ?? channels)
            custom.kernel = try arguments.integer("--kernel", in: 1...64) ?? custom.kernel
            custom.stride = try arguments.integer("--stride", in: 1...64) ?? custom.stride
            custom.padding = try arguments.integer("--padding", in: 0...64)
            custom.groups = try arguments.integer("--groups", in: 1...65536) ?? custom.groups
            custom.batch = try arguments.integer("--batch", in: 1...4096) ?? custom.batch
            try custom.validate()
            benchmark.custom = custom
        } else if let option = layerOptions.first(where: { arguments.string($0) != nil }) {
            throw arguments.error("\(option) describes a layer of your own: give its --input too")
        }
        if let algorithm = benchmark.algorithm, !benchmark.computesTheLayer(with: algorithm) {
            throw arguments.error("--algorithm \(algorithm) does not compute \(benchmark.layer ?? "this layer"): it needs a 3×3 kernel with stride 1")
        }
        benchmark.backward = arguments.flag("--backward")
        json = arguments.flag("--json")
    }

    func run() throws {
        try runBenchmarks([benchmark.run], json: json)
    }
}
