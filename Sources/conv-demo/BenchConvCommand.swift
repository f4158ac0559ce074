import ConvCore
import GEMM

/// `conv-demo bench conv`: Conv2D forward (im2col + SGEMM) on typical layers, against the
/// direct seven-loop convolution.
struct BenchConvCommand: Command {
    static let spec = CommandSpec(
        path: ["bench", "conv"],
        abstract: "Time Conv2D forward (im2col + SGEMM) on typical layers, against the direct loop.",
        discussion: """
            GFLOP/s = 2·MACs / seconds (MACs exclude the bias), the best of several runs after a
            warm-up, on 1 thread and on --threads threads. The direct seven-loop convolution is
            timed on a smaller input of the same layer (1/4 of each side) for the speed-up.
            Time a release build: swift run -c release conv-demo bench conv
            """,
        options: [
            OptionSpec(name: "--threads", valueName: "n", help: "Threads for the parallel runs, 1…256 (default: all cores)."),
            OptionSpec(name: "--json", help: "Print one JSON document: {\"conv\":[{\"name\",\"threads\",\"ms\",\"gflops\",\n\"direct_gflops\",\"speedup\"}]}."),
        ],
        make: { try BenchConvCommand(parsing: $0) })

    /// A layer to time: input [N, C, H, W], `filters` kernels of `kernel`.
    struct Layer {
        var name: String
        var input: [Int]
        var filters: Int
        var kernel: Int
        var stride = 1
        var padding = 0
        var depthwise = false

        /// The layer with seeded random weights and bias.
        func make(_ random: inout SeededGenerator) throws -> Conv2D {
            let groups = depthwise ? input[1] : 1
            return try Conv2D(
                weight: Tensor(shape: [filters, input[1] / groups, kernel, kernel], scalars: random.floats(filters * input[1] / groups * kernel * kernel, in: -1..<1)),
                bias: Tensor(shape: [filters], scalars: random.floats(filters, in: -1..<1)),
                stride: Size2D(stride), padding: .explicit(Size2D(padding)), groups: groups)
        }
    }

    static let layers = [
        Layer(name: "hd-gray-3x3", input: [1, 1, 1080, 1920], filters: 8, kernel: 3),
        Layer(name: "mid-64-3x3", input: [1, 64, 56, 56], filters: 64, kernel: 3, padding: 1),
        Layer(name: "stem-7x7-s2", input: [1, 3, 224, 224], filters: 64, kernel: 7, stride: 2, padding: 3),
        Layer(name: "depthwise-3x3", input: [1, 64, 112, 112], filters: 64, kernel: 3, padding: 1, depthwise: true),
    ]

    var threads = availableCores
    var json = false

    init(parsing arguments: ParsedArguments) throws {
        threads = try arguments.integer("--threads", in: 1...256) ?? threads
        json = arguments.flag("--json")
    }

    func run() throws {
        printBenchReports([try measure()], json: json)
    }

    func measure() throws -> BenchReport {
        let progress = Progress()
        let threadCounts = threads > 1 ? [1, threads] : [1]
        var table = TextTable([("layer", .left), ("input W×H×C", .right), ("filters", .right), ("threads", .right),
                               ("ms", .right), ("GFLOP/s", .right), ("direct GFLOP/s", .right), ("speed-up", .right)])
        var rows: [JSON] = []
        for layer in Self.layers {
            var random = SeededGenerator(seed: 1)
            let conv = try layer.make(&random)
            let input = Tensor(shape: layer.input, scalars: random.floats(layer.input.reduce(1, *), in: 0..<1))
            let flops = 2 * Double(try macs(conv, input.shape))

            progress.update("timing the direct loop on a small \(layer.name)…")
            let small = Tensor(shape: [1, layer.input[1], layer.input[2] / 4, layer.input[3] / 4], repeating: 0.5)
            let directSeconds = bestTime(minimumRuns: 1, budget: 0.2) { _ = try? directConvolution(conv, small) }
            let directGFLOPS = 2 * Double(try macs(conv, small.shape)) / directSeconds / 1e9

            for threads in threadCounts {
                progress.update("timing \(layer.name) on \(threads) thread\(threads > 1 ? "s" : "")…")
                let seconds = bestTime { _ = try? conv(input, threads: threads) }
                let gflops = flops / seconds / 1e9
                let (n, c, h, w) = (layer.input[0], layer.input[1], layer.input[2], layer.input[3])
                table.append([layer.name, "\(w)×\(h)×\(c)" + (n > 1 ? " ×\(n)" : ""),
                              "\(layer.filters) × \(layer.kernel)×\(layer.kernel)" + (layer.depthwise ? " dw" : "") + (layer.stride > 1 ? " s\(layer.stride)" : ""),
                              "\(threads)", fixed(seconds * 1000, 2), fixed(gflops, 1), fixed(directGFLOPS, 2), "\(fixed(gflops / directGFLOPS, 0))×"])
                rows.append(.object([
                    ("name", .string(layer.name)), ("threads", .int(threads)), ("ms", .number(rounded(seconds * 1000))),
                    ("gflops", .number(rounded(gflops))), ("direct_gflops", .number(rounded(directGFLOPS))),
                    ("speedup", .number(rounded(gflops / directGFLOPS))),
                ]))
            }
        }
        progress.clear()
        let text = """
            Conv2D forward, im2col + SGEMM: GFLOP/s = 2·MACs / best time (MACs exclude the bias)
            direct: the seven-loop definition on the same layer with 1/4 of each side, 1 thread

            \(table.rendered())
            """
        return BenchReport(json: [("conv", .array(rows))], text: text)
    }

    /// Multiply-accumulates of one forward pass: Hout · Wout · Cout · (Cin/groups) · kh · kw per image.
    private func macs(_ conv: Conv2D, _ shape: [Int]) throws -> Int {
        let geometry = try conv.geometry(for: Size2D(height: shape[2], width: shape[3]))
        return shape[0] * geometry.positions * conv.weight.scalars.count
    }
}
