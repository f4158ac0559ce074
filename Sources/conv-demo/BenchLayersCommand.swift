import ArgumentParsing
import Experiments

/// `conv-demo bench layers`: activations, batch norm and pooling, forward and backward,
/// beside one plain vector pass over the same tensor.
struct BenchLayersCommand: Command {
    static let spec = CommandSpec(
        program: program, path: ["bench", "layers"],
        abstract: "Time the layers between convolutions beside one plain pass over the tensor.",
        discussion: """
            ReLU, tanh, sigmoid, batch norm (training mode) and 2×2 max and average pooling,
            forward and backward, on one thread, the best of several runs after a warm-up. The
            floor is one vector pass that reads the tensor and writes a new one (2x + 1): a
            layer's time over it says how much is overhead rather than memory traffic.
            Time a release build: swift run -c release conv-demo bench layers
            """,
        options: [
            OptionSpec(name: "--input", valueName: "WxHxC", help: "Each image's width, height and channels (default: 40x40x32)."),
            OptionSpec(name: "--batch", valueName: "N", help: "Images, 1…4096 (default: 32)."),
            OptionSpec(name: "--json", help: "Print one JSON document: {\"layers\":[{\"layer\",\"pass\",\"ms\",\"floor_ratio\"}]}."),
        ],
        make: { try BenchLayersCommand(parsing: $0) })

    var benchmark = LayerBenchmark()
    var json: Bool

    init(parsing arguments: ParsedArguments) throws {
        if let (size, channels) = try arguments.sizeWithChannels("--input") {
            (benchmark.size, benchmark.channels) = (size, channels)
        }
        benchmark.batch = try arguments.integer("--batch", in: 1...4096) ?? benchmark.batch
        json = arguments.flag("--json")
    }

    func run() throws {
        try runBenchmarks([benchmark.run], json: json)
    }
}
