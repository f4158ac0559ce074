import ConvCore
import Foundation
import GEMM
import Netpbm
import Reporting
import SeededRandom

/// `bench conv`: Conv2D forward (or forward and backward) on typical layers, each with the
/// algorithm the layer chooses (or the one forced), against the seven-loop definition.
public struct ConvBenchmark: Sendable {
    /// At most this many threads (default: every core the process may run on).
    public var threads = availableCores
    /// The algorithm every layer is computed with (default: each layer's own choice).
    public var algorithm: ConvAlgorithm?
    /// Only the layer of this name (default: every layer).
    public var layer: String?
    /// A layer of the user's to time instead of the typical ones (`--input` and friends).
    public var custom: CustomLayer?
    /// Whether to time a training step's passes: forward, then the input and weight
    /// gradients, counted as 6·MACs (2 for each), as everyone reports it.
    public var backward = false

    /// The layers' names, in the order they run.
    public static var layerNames: [String] { ["hd-gray-3x3", "mid-64-3x3", "stem-7x7-s2", "depthwise-3x3", "featuremap-bank-1080p"] }

    public init() {}

    /// A layer given on the command line: its input, filters and hyperparameters, with
    /// seeded random weights, bias and input, named "custom" in the rows.
    public struct CustomLayer: Sendable {
        public var size: Size2D
        public var channels: Int
        public var batch = 1
        public var filters: Int
        public var kernel = 3
        public var stride = 1
        /// Default: k / 2 each side, so that a 3×3 layer with stride 1 keeps its size.
        public var padding: Int?
        public var groups = 1

        /// Values a tensor (input, output or weight) may hold: 256 MiB.
        public static let maximumValues = 1 << 26
        /// Multiply-accumulates up to which the forward output is checked against the exact
        /// convolution (in Double, seven loops: a few seconds at this size).
        public static let maximumCheckedMACs = 1 << 31
        /// Multiply-accumulates a custom layer may have: the definition is timed on a
        /// sixteenth of them, at least once (about 5 s at this size).
        public static let maximumMACs = 1 << 34

        public init(size: Size2D, channels: Int, filters: Int) {
            self.size = size
            self.channels = channels
            self.filters = filters
        }

        /// The layer, checked: a layer that does not fit, or tensors past `maximumValues`,
        /// are usage errors naming the options.
        func layer() throws(UserError) -> (conv: Conv2D, inputShape: [Int]) {
            let options = "--input, --kernel, --stride, --padding"
            guard size.width >= 1, size.height >= 1, channels >= 1, filters >= 1, batch >= 1, kernel >= 1, stride >= 1, groups >= 1, (padding ?? 0) >= 0 else {
                throw UserError(.usage, "--input, --filters, --kernel, --stride, --padding, --groups, --batch: sizes are at least 1, padding at least 0")
            }
            guard channels % groups == 0 && filters % groups == 0 else {
                throw UserError(.usage, "--groups: \(groups) groups must divide the \(channels) input channels and the \(filters) filters")
            }
            let padding = padding ?? kernel / 2
            let inputShape = [batch, channels, size.height, size.width]
            let weightShape = [filters, channels / groups, kernel, kernel]
            let geometry: ConvGeometry
            do {
                geometry = try ConvGeometry(input: size, kernel: Size2D(kernel), stride: Size2D(stride), padding: .explicit(Size2D(padding)))
            } catch {
                throw UserError(.usage, "\(options): \(error.message)")
            }
            let outputShape = [batch, filters, geometry.height.output, geometry.width.output]
            let (out, images) = (geometry.output, batch == 1 ? "" : "\(batch) × ")
            for (names, tensor, shape) in [
                ("--input, --batch", "the input, \(images)\(size.width)×\(size.height)×\(channels), holds", inputShape),
                ("--input, --filters, --batch", "the output, \(images)\(out.width)×\(out.height)×\(filters), holds", outputShape),
                ("--input, --filters, --kernel, --groups", "the weights, \(filters) filters of \(channels / groups) × \(kernel)×\(kernel), hold", weightShape),
            ] {
                guard (try? Tensor.count(of: shape)) ?? .max <= Self.maximumValues else {
                    throw UserError(.usage, "\(names): \(tensor) more than the \(grouped(Self.maximumValues)) values bench conv takes (256 MiB a tensor)")
                }
            }
            guard (try? Tensor.count(of: outputShape + [channels / groups, kernel, kernel])) ?? .max <= Self.maximumMACs else {
                throw UserError(.usage, "--input, --filters, --kernel, --batch: the layer takes more than \(grouped(Self.maximumMACs)) multiply-adds, more than bench conv times")
            }
            do {
                var random = SeededGenerator(seed: 1)
                return (try ConvBenchmark.seededLayer(&random, filters: filters, inPerGroup: channels / groups, kernel: kernel,
                                                      stride: stride, padding: padding, groups: groups), inputShape)
            } catch {
                throw UserError(.usage, "\(options): \(error.message)")
            }
        }

        /// Checks the layer before its input and output are allocated.
        public func validate() throws(UserError) { _ = try layer() }
    }

    /// Whether `algorithm` computes the one layer to time, the user's or the one `layer`
    /// names (`winograd` computes 3×3 kernels with stride 1 only), so a command can refuse
    /// to time nothing; true when every typical layer is timed (those it cannot compute are skipped).
    public func computesTheLayer(with algorithm: ConvAlgorithm) -> Bool {
        let conv = if let custom { try? custom.layer().conv } else if let layer { (try? Self.cases(named: layer))?.first?.conv } else { Conv2D?.none }
        return conv?.computes(with: algorithm) ?? true
    }

    /// A convolution with seeded random weights and bias in [−1, 1).
    static func seededLayer(_ random: inout SeededGenerator, filters: Int, inPerGroup: Int, kernel: Int,
                            stride: Int, padding: Int, groups: Int) throws(ShapeError) -> Conv2D {
        try Conv2D(weight: try Tensor(shape: [filters, inPerGroup, kernel, kernel], scalars: random.floats(filters * inPerGroup * kernel * kernel, in: -1..<1)),
                   bias: try Tensor(shape: [filters], scalars: random.floats(filters, in: -1..<1)),
                   stride: Size2D(stride), padding: .explicit(Size2D(padding)), groups: groups)
    }

    /// A layer to time, ready to run: its weights and its input.
    struct Case {
        var name: String
        var conv: Conv2D
        var input: Tensor
        /// What the filters are, for the table: "64 × 3×3", "11 × 3×3 bank".
        var filters: String
    }

    /// The layers to time: the user's, or the typical ones.
    func layers() throws(ShapeError) -> [Case] {
        guard let custom else { return try Self.cases(named: layer) }
        let conv: Conv2D, shape: [Int]
        do { (conv, shape) = try custom.layer() } catch { throw ShapeError(error.message) }
        var random = SeededGenerator(seed: 3)
        let filters = "\(custom.filters) × \(custom.kernel)×\(custom.kernel)" + (custom.groups > 1 ? " g\(custom.groups)" : "") + (custom.stride > 1 ? " s\(custom.stride)" : "")
        return [Case(name: "custom", conv: conv, input: try Tensor(shape: shape, scalars: random.floats(shape.reduce(1, *), in: 0..<1)), filters: filters)]
    }

    /// The typical layers (or the one of this name), with seeded random weights, bias and input.
    static func cases(named name: String? = nil) throws(ShapeError) -> [Case] {
        func layer(_ name: String, input shape: [Int], filters: Int, kernel: Int, stride: Int = 1, padding: Int = 0, depthwise: Bool = false) throws(ShapeError) -> Case {
            var random = SeededGenerator(seed: 1)
            let groups = depthwise ? shape[1] : 1
            let conv = try seededLayer(&random, filters: filters, inPerGroup: shape[1] / groups, kernel: kernel, stride: stride, padding: padding, groups: groups)
            let text = "\(filters) × \(kernel)×\(kernel)" + (depthwise ? " dw" : "") + (stride > 1 ? " s\(stride)" : "")
            return Case(name: name, conv: conv, input: try Tensor(shape: shape, scalars: random.floats(shape.reduce(1, *), in: 0..<1)), filters: text)
        }
        let builders: [(name: String, build: () throws(ShapeError) -> Case)] = [
            ("hd-gray-3x3", { () throws(ShapeError) in try layer("hd-gray-3x3", input: [1, 1, 1080, 1920], filters: 8, kernel: 3) }),
            ("mid-64-3x3", { () throws(ShapeError) in try layer("mid-64-3x3", input: [1, 64, 56, 56], filters: 64, kernel: 3, padding: 1) }),
            ("stem-7x7-s2", { () throws(ShapeError) in try layer("stem-7x7-s2", input: [1, 3, 224, 224], filters: 64, kernel: 7, stride: 2, padding: 3) }),
            ("depthwise-3x3", { () throws(ShapeError) in try layer("depthwise-3x3", input: [1, 64, 112, 112], filters: 64, kernel: 3, padding: 1, depthwise: true) }),
            ("featuremap-bank-1080p", { () throws(ShapeError) in try featureMapBank() }),
        ]
        var cases: [Case] = []
        for builder in builders where name == nil || builder.name == name { cases.append(try builder.build()) }
        return cases
    }

    /// `featuremap`'s default bank on the 1920×1080 sample photograph, convolution only:
    /// the 11 kernels as one layer, as featuremap runs them (a gray image of seeded
    /// random pixels if the sample is not found).
    static func featureMapBank() throws(ShapeError) -> Case {
        let kernels = KernelBank.kernels
        let conv = try Conv2D(weight: try Tensor(shape: [kernels.count, 1, 3, 3], scalars: kernels.flatMap(\.weights)))
        let url = samplesDirectory?.appendingPathComponent("coffee-1920x1080.pgm")
        let pixels: [Float]
        if let url, let data = try? Data(contentsOf: url), let image = try? NetpbmImage(reading: Array(data)), image.width == 1920, image.height == 1080, image.channels == 1 {
            pixels = image.unitValues
        } else {
            var random = SeededGenerator(seed: 1)
            pixels = random.floats(1920 * 1080, in: 0..<1)
        }
        return Case(name: "featuremap-bank-1080p", conv: conv, input: try Tensor(shape: [1, 1, 1080, 1920], scalars: pixels), filters: "11 × 3×3 bank")
    }

    /// Times every layer on 1 thread and on `threads`, and the definition on a smaller input.
    public func run(progress: (String) -> Void) throws(ShapeError) -> ConvBenchmarkResult {
        let threadCounts = threads > 1 ? [1, threads] : [1]
        var rows: [ConvTiming] = []
        for layer in try layers() where self.layer == nil || self.layer == layer.name {
            let (conv, input) = (layer.conv, layer.input)
            if let algorithm, !conv.computes(with: algorithm) {
                progress("skipping \(layer.name): \(algorithm) does not compute a \(conv.kernelSize) kernel with stride \(conv.stride)")
                continue
            }
            let flops = (backward ? 6 : 2) * Double(try macs(conv, input.shape))
            let geometry = try conv.geometry(for: Size2D(height: input.shape[2], width: input.shape[3]))
            let outputShape = [input.shape[0], conv.outChannels, geometry.height.output, geometry.width.output]
            var random = SeededGenerator(seed: 2)
            let upstream = try Tensor(shape: outputShape, scalars: random.floats(outputShape.reduce(1, *), in: -1..<1))

            progress("timing the definition on a small \(layer.name)…")
            // A quarter of each side, but never smaller than the kernel (or the side itself).
            func quarter(_ side: Int, _ kernel: Int) -> Int { max(side / 4, min(side, kernel)) }
            let small = try Tensor(shape: [1, input.shape[1], quarter(input.shape[2], conv.kernelSize.height), quarter(input.shape[3], conv.kernelSize.width)],
                                   repeating: 0.5)
            let definitionSeconds = bestTime(minimumRuns: 1, budget: 0.2) { _ = try? convolutionByDefinition(conv, small) }
            let definitionGFLOPS = 2 * Double(try macs(conv, small.shape)) / definitionSeconds / 1e9
            let size = Size2D(height: input.shape[2], width: input.shape[3])
            let algorithm = self.algorithm ?? conv.algorithm(for: size).algorithm
            let backwardAlgorithm = backward ? self.algorithm ?? conv.backwardAlgorithm(for: size) : nil

            var relativeError: Double?
            if try macs(conv, input.shape) <= CustomLayer.maximumCheckedMACs {
                progress("checking \(layer.name) against the exact convolution…")
                let exact = try exactConvolution(conv, input).values
                let computed = try conv(input, algorithm: algorithm).scalars
                var (largest, largestError) = (0.0, 0.0)
                for (value, exactValue) in zip(computed, exact) {
                    largest = max(largest, abs(exactValue))
                    largestError = max(largestError, abs(Double(value) - exactValue))
                }
                relativeError = largest > 0 ? largestError / largest : largestError
            }

            for threads in threadCounts {
                progress("timing \(layer.name) on \(threads) thread\(threads > 1 ? "s" : "")…")
                let seconds = bestTime {
                    _ = try? conv(input, threads: threads, algorithm: algorithm)
                    if let backwardAlgorithm {
                        _ = try? conv.backward(input: input, outputGradient: upstream, threads: threads, algorithm: backwardAlgorithm)
                    }
                }
                rows.append(ConvTiming(name: layer.name, input: input.shape, filters: layer.filters, algorithm: algorithm, backwardAlgorithm: backwardAlgorithm,
                                       threads: threads, seconds: seconds, gflops: flops / seconds / 1e9, definitionGFLOPS: definitionGFLOPS,
                                       relativeError: relativeError))
            }
        }
        return ConvBenchmarkResult(rows: rows)
    }

    /// Multiply-accumulates of one forward pass: Hout · Wout · Cout · (Cin/groups) · kh · kw per image.
    private func macs(_ conv: Conv2D, _ shape: [Int]) throws(ShapeError) -> Int {
        let geometry = try conv.geometry(for: Size2D(height: shape[2], width: shape[3]))
        return shape[0] * geometry.positions * conv.weight.scalars.count
    }
}

/// One timed layer.
public struct ConvTiming: Sendable {
    public var name: String
    /// [N, C, H, W].
    public var input: [Int]
    /// What the filters are: "64 × 3×3", "11 × 3×3 bank".
    public var filters: String
    /// How the layer was computed.
    public var algorithm: ConvAlgorithm
    /// How the backward pass was computed, if the time includes it (both gradients).
    public var backwardAlgorithm: ConvAlgorithm?
    public var threads: Int
    /// The best time of several runs.
    public var seconds: Double
    /// 2·MACs (6·MACs with the backward pass) over the seconds.
    public var gflops: Double
    /// The seven-loop definition's GFLOP/s on the same layer with a quarter of each side.
    public var definitionGFLOPS: Double
    /// The forward output's largest difference from the exact convolution (summed in
    /// Double), over the exact output's largest magnitude; nil for a layer past
    /// `ConvBenchmark.CustomLayer.maximumCheckedMACs`.
    public var relativeError: Double?
}

/// What `bench conv` measured: a timing per layer and thread count, in that order.
public struct ConvBenchmarkResult: Report, Sendable {
    public let rows: [ConvTiming]

    public var text: String {
        var table = TextTable([("layer", .left), ("input W×H×C", .right), ("filters", .right), ("algorithm", .left), ("threads", .right),
                               ("ms", .right), ("GFLOP/s", .right), ("definition GFLOP/s", .right), ("speed-up", .right), ("error", .right)])
        for row in rows {
            let (n, c, h, w) = (row.input[0], row.input[1], row.input[2], row.input[3])
            let algorithms = row.backwardAlgorithm.map { $0 == row.algorithm ? $0.rawValue : "\(row.algorithm), \($0) back" } ?? row.algorithm.rawValue
            table.append([row.name, "\(w)×\(h)×\(c)" + (n > 1 ? " ×\(n)" : ""), row.filters, algorithms, "\(row.threads)",
                          fixed(row.seconds * 1000, 2), fixed(row.gflops, 1), fixed(row.definitionGFLOPS, 2),
                          "\(fixed(row.gflops / row.definitionGFLOPS, 0))×", compact(row.relativeError)])
        }
        let passes = rows.first?.backwardAlgorithm != nil
            ? "Conv2D forward + backward (input and weight gradients): GFLOP/s = 6·MACs / best time (MACs exclude the bias)"
            : "Conv2D forward: GFLOP/s = 2·MACs / best time (MACs exclude the bias)"
        return """
            \(passes)
            algorithm: gemm (im2col + SGEMM), direct, depthwise or winograd (F(4×4, 3×3) or F(2×2, 3×3)), the layer's choice unless --algorithm says
            definition: the seven-loop definition's forward pass on the same layer with 1/4 of each side, 1 thread
            error: the forward output's largest difference from the exact convolution, over its largest value

            \(table.rendered())
            """
    }

    public var json: JSON {
        .object([("conv", .array(rows.map { row in
            .object([
                ("name", .string(row.name)), ("pass", .string(row.backwardAlgorithm == nil ? "forward" : "forward+backward")),
                ("algorithm", .string(row.algorithm.rawValue)), ("backward_algorithm", row.backwardAlgorithm.map { .string($0.rawValue) } ?? .null),
                ("threads", .int(row.threads)),
                ("ms", .number(rounded(row.seconds * 1000))), ("gflops", .number(rounded(row.gflops))),
                ("definition_gflops", .number(rounded(row.definitionGFLOPS))),
                ("speedup", .number(rounded(row.gflops / row.definitionGFLOPS))),
                ("relative_error", row.relativeError.map { .number($0) } ?? .null),
            ])
        }))])
    }
}
