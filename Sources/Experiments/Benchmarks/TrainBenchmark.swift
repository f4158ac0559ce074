import ConvCore
import GEMM
import Reporting
import SeededRandom
import Training

/// `bench train`: images per second of whole training steps — forward, cross-entropy,
/// backward, SGD with momentum, in place — on random inputs of the model's input size, as
/// the anchor `docs/anchors/torch-train-bench.py` times PyTorch.
public struct TrainBenchmark: Sendable {
    public var model: ModelSource
    public var batch = 64
    /// At most this many threads (default: every core the process may run on).
    public var threads = availableCores
    /// Timed rounds of `steps` steps each; the best round counts.
    public var steps = 20

    public init(model: ModelSource) {
        self.model = model
    }

    public func run(progress: (String) -> Void) throws(UserError) -> TrainBenchmarkResult {
        let spec: NetworkSpec, summary: NetworkSummary
        var network: Sequential
        do {
            spec = try NetworkSpec(parsing: model.text)
            summary = try NetworkSummary(spec)
            network = try Sequential(spec, seed: 1)
        } catch {
            throw model.error(error)
        }
        let classifier = try ClassifierShape(summary, of: model)
        let (size, channels, classes) = (classifier.size, classifier.channels, classifier.classes)
        var random = SeededGenerator(seed: 1)
        let input = try shape { () throws(ShapeError) in
            try Tensor(shape: [batch, channels, size.height, size.width], scalars: random.floats(batch * channels * size.width * size.height, in: 0..<1))
        }
        let labels = (0..<batch).map { _ in Int(random.next() % UInt64(classes)) }
        var optimizer = SGD(learningRate: 0.01, momentum: 0.9)
        var failure: ShapeError?
        let threadCounts = threads > 1 ? [1, threads] : [1]
        var rows: [TrainBenchmarkResult.Row] = []
        for count in threadCounts {
            progress("timing \(model.description), batch \(batch), on \(count) thread\(count > 1 ? "s" : "")…")
            let seconds = bestTime(minimumRuns: 3, budget: 1) {
                for _ in 0..<steps {
                    do throws(ShapeError) {
                        _ = try network.trainingStep(input, loss: { logits throws(ShapeError) in try Loss.crossEntropy(logits: logits, labels: labels) },
                                                     optimizer: &optimizer, threads: count)
                    } catch {
                        failure = error
                    }
                }
            }
            if let failure { throw UserError(.usage, failure.message) }
            rows.append(.init(threads: count, imagesPerSecond: Double(batch * steps) / seconds))
        }
        return TrainBenchmarkResult(model: model.description, batch: batch, parameters: summary.totalParameters, rows: rows)
    }
}

/// What `bench train` measured: images per second per thread count.
public struct TrainBenchmarkResult: Report, Sendable {
    public struct Row: Sendable {
        public var threads: Int
        public var imagesPerSecond: Double
    }

    public let model: String
    public let batch: Int
    public let parameters: Int
    public let rows: [Row]

    public var text: String {
        var table = TextTable([("model", .left), ("batch", .right), ("threads", .right), ("images/s", .right), ("ms per step", .right)])
        for row in rows {
            table.append([model, "\(batch)", "\(row.threads)", grouped(Int(row.imagesPerSecond.rounded())), fixed(1000 * Double(batch) / row.imagesPerSecond, 2)])
        }
        return """
            Training steps (forward, cross-entropy, backward, SGD with momentum) on random inputs, best of several rounds
            \(grouped(parameters)) parameters

            \(table.rendered())
            """
    }

    public var json: JSON {
        .object([("train", .array(rows.map { row in
            .object([("model", .string(model)), ("batch", .int(batch)), ("threads", .int(row.threads)), ("images_per_second", .number(rounded(row.imagesPerSecond)))])
        }))])
    }
}
