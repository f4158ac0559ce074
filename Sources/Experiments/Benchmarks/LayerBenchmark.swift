import ConvCore
import Reporting
import SeededRandom

/// `bench layers`: the layers between the convolutions — activations, batch
/// normalization, pooling — forward and backward on one [N, C, H, W] tensor, each beside
/// the floor of any such layer: one vector pass that reads the tensor and writes a new one.
///
/// A layer that does a few operations per value is bound by memory, so its time over the
/// floor's says how much of it is overhead (a closure per value, Double arithmetic, a
/// library call per value) rather than work.
public struct LayerBenchmark: Sendable {
    /// The tensor every layer runs on: N images of C channels of H × W.
    public var batch = 32
    public var channels = 32
    public var size = Size2D(height: 40, width: 40)

    /// The most values the tensor may have: each timing holds about six tensors of it.
    public static let maximumValues = 1 << 26

    public init() {}

    /// Times every layer's forward and backward pass, best of several runs after a warm-up,
    /// on one thread.
    /// - Throws: `UserError(.usage)` when the tensor has more than `maximumValues` values.
    public func run(progress: (String) -> Void) throws(UserError) -> LayerBenchmarkResult {
        let shape = [batch, channels, size.height, size.width]
        let count = (try? Tensor.count(of: shape)) ?? .max
        guard count <= Self.maximumValues else {
            throw UserError(.usage, "--batch, --input: \(batch) images of \(size.width)×\(size.height)×\(channels) are more than the \(grouped(Self.maximumValues)) values bench layers takes (256 MiB a tensor)")
        }
        do throws(ShapeError) {
            var random = SeededGenerator(seed: 1)
            let input = try Tensor(shape: shape, scalars: random.floats(count, in: -2..<2))
            let upstream = try Tensor(shape: shape, scalars: random.floats(count, in: -1..<1))
            var rows: [LayerTiming] = []
            func time(_ layer: String, _ pass: String, _ body: () throws(ShapeError) -> Tensor) throws(ShapeError) {
                progress("timing \(layer) \(pass)…")
                var failure: ShapeError?
                let seconds = bestTime(minimumRuns: 5, budget: 0.3) {
                    do throws(ShapeError) { _ = try body() } catch { failure = error }
                }
                if let failure { throw failure }
                rows.append(LayerTiming(layer: layer, pass: pass, seconds: seconds))
            }

            try time("floor: 2x + 1", "forward") { () throws(ShapeError) in
                try Tensor(shape: shape, unsafeUninitialized: { output in input.withUnsafeBufferPointer { floorPass($0, output) } })
            }
            for activation in [Activation.relu, .tanh, .sigmoid] {
                let output = activation.forward(input)
                try time(activation.rawValue, "forward") { activation.forward(input) }
                try time(activation.rawValue, "backward") { () throws(ShapeError) in
                    try activation.backward(input: input, output: output, outputGradient: upstream)
                }
            }
            var norm = try BatchNorm(channels: channels)
            try time("batchnorm (training)", "forward") { () throws(ShapeError) in try norm.forward(input, mode: .training) }
            _ = try norm.forward(input, mode: .training)
            try time("batchnorm (training)", "backward") { () throws(ShapeError) in try norm.backward(input: input, outputGradient: upstream).input }
            for (name, kind) in [("maxpool 2×2", Pooling2D.Kind.max), ("avgpool 2×2", .average)] {
                let pooling = try Pooling2D(kind)
                let pooledGradient = try pooling(upstream)
                try time(name, "forward") { () throws(ShapeError) in try pooling(input) }
                try time(name, "backward") { () throws(ShapeError) in try pooling.backward(input: input, outputGradient: pooledGradient) }
            }
            return LayerBenchmarkResult(shape: shape, rows: rows)
        } catch {
            throw UserError(.usage, error.message)
        }
    }
}

/// 2x + 1 for every value, eight at a time: the least any layer that reads the tensor
/// and writes a new one can take.
private func floorPass(_ input: UnsafeBufferPointer<Float>, _ output: UnsafeMutableBufferPointer<Float>) {
    let vectors = input.count / 8
    let (source, target) = (UnsafeRawPointer(input.baseAddress!), UnsafeMutableRawPointer(output.baseAddress!))
    for v in 0..<vectors {
        target.storeBytes(of: 2 * source.loadUnaligned(fromByteOffset: 32 * v, as: SIMD8<Float>.self) + 1, toByteOffset: 32 * v, as: SIMD8<Float>.self)
    }
    for i in 8 * vectors..<input.count { output[i] = 2 * input[i] + 1 }
}

/// One timed pass of one layer.
public struct LayerTiming: Sendable {
    public var layer: String
    /// "forward" or "backward".
    public var pass: String
    /// The best time of several runs.
    public var seconds: Double
}

/// What `bench layers` measured: each layer's passes, the floor first.
public struct LayerBenchmarkResult: Report, Sendable {
    /// [N, C, H, W].
    public let shape: [Int]
    public let rows: [LayerTiming]

    var floor: Double { rows.first?.seconds ?? 1 }

    public var text: String {
        var table = TextTable([("layer", .left), ("pass", .left), ("ms", .right), ("× floor", .right)])
        for row in rows {
            table.append([row.layer, row.pass, fixed(row.seconds * 1000, 2), fixed(row.seconds / floor, 1)])
        }
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        let megabytes = Double(shape.reduce(1, *) * 4) / 1e6
        return """
            Layers between the convolutions on \(w)×\(h)×\(c) ×\(n) (\(fixed(megabytes, 1)) MB of Float), 1 thread, best of several runs
            floor: one vector pass that reads the tensor and writes a new one

            \(table.rendered())
            """
    }

    public var json: JSON {
        .object([("layers", .array(rows.map { row in
            .object([("layer", .string(row.layer)), ("pass", .string(row.pass)), ("ms", .number(rounded(row.seconds * 1000))),
                     ("floor_ratio", .number(rounded(row.seconds / floor)))])
        }))])
    }
}
