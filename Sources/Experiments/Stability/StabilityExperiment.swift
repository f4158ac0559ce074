import GEMM
import ConvCore
import Foundation
import Reporting
import SeededRandom
import Training

/// `stability`'s experiment: one deep ReLU MLP trained five ways on the same synthetic
/// classification task, at a learning rate high enough to break the plain network.
///
/// The task: points in R^`features` drawn around `classes · clustersPerClass` random
/// centres, N(0, spread²) each coordinate, with N(0, 1) noise; a centre's class is its
/// index mod `classes`. The classes are balanced, so chance is a loss of ln(classes) and
/// an accuracy of 1/classes. Every variant starts from the same seed and sees the same
/// mini-batches, so the only difference between two runs is the remedy.
///
/// The network: `depth` Linear layers, `features` → `width` → … → `width` → `classes`,
/// ReLU after all but the last, weights drawn by `initialization` (by default Kaiming
/// normal with the gain of the activation after the layer: what a ReLU network should
/// have), zero biases, and an output layer that starts at zero, so every variant starts
/// at the chance loss. Trained by plain SGD (no momentum) on cross-entropy.
public struct StabilityExperiment: Sendable {
    public var depth = 30
    public var width = 64
    public var learningRate: Float = 0.5
    public var steps = 400
    public var batch = 64
    public var maxNorm: Float = 1
    public var initialization = InitScheme.kaimingNormal
    public var seed: UInt64 = 1
    public var features = 16
    public var classes = 4
    public var clustersPerClass = 2
    /// Each coordinate is a centre's, N(0, spread²), plus noise N(0, noise²): variance 1.
    public var spread: Float = 0.832
    public var noise: Float = 0.555
    public var trainingPoints = 2048
    public var testPoints = 2048
    /// The variants to train, in order.
    public var variants = Variant.allCases
    /// Variants trained at once, each on one thread.
    /// At most this many threads (default: every core the process may run on).
    public var threads = availableCores
    /// The text shows every `every`-th step.
    public var every = 40
    /// Where the command writes the plot, which the text names; nil for none.
    public var plotFile: String?
    /// The most the variants training at once may keep in memory, in bytes.
    public var memoryLimit = defaultMemoryLimit

    public init() {}

    public enum Variant: String, CaseIterable, Sendable {
        case plain
        /// Plain, with the gradients clipped to a global norm of `maxNorm`.
        case clip
        /// Batch normalization between every hidden layer and its ReLU.
        case batchNorm = "batchnorm"
        /// The hidden layers in residual blocks of two, the second layer of each scaled by
        /// 1/√blocks at initialization.
        case residual
        /// Residual blocks with batch normalization, and clipping.
        case all

        public var clips: Bool { self == .clip || self == .all }
        public var normalizes: Bool { self == .batchNorm || self == .all }
        public var isResidual: Bool { self == .residual || self == .all }
    }

    public struct Run: Sendable {
        public var variant: Variant
        /// The mini-batch loss of every step, before its update; nil once the run diverged.
        public var loss: [Double?]
        /// The global gradient norm of every step, before clipping; nil where not finite.
        public var gradientNorm: [Double?]
        /// The first step whose loss or gradient norm is not finite, or whose update leaves a
        /// weight that is not: training stops there.
        public var divergedAt: Int?
        /// Cross-entropy over the whole training set after the last step (evaluation mode);
        /// nil after a divergence, or when an output is not finite.
        public var finalLoss: Double?
        /// Share of the test set classified right after the last step (evaluation mode); nil
        /// after a divergence, or when an output is not finite.
        public var accuracy: Double?
    }

    /// Hidden layers that the residual variants pair into blocks: all but the first and last.
    public var hiddenLayers: Int { depth - 2 }

    /// Bytes the variants training at once keep: per layer about six batch × width tensors
    /// for the backward pass (input, pre-activation, batch norm's output, output, gradients)
    /// and four width × width ones (the weight, its gradient, the velocity, a spare).
    public var bytesKept: Double {
        (Double(batch) * 6 + Double(width) * 4) * Double(width) * Double(depth) * 4 * Double(min(threads, variants.count))
    }

    func data() throws(ShapeError) -> (train: Dataset, test: Dataset) {
        var random = SeededGenerator(seed: seed &+ 3000)
        let centers = (0..<classes * clustersPerClass).map { _ in (0..<features).map { _ in random.nextNormal(standardDeviation: spread) } }
        func samples(_ count: Int) throws(ShapeError) -> Dataset {
            var inputs: [Float] = []
            inputs.reserveCapacity(count * features)
            for index in 0..<count {
                inputs += centers[index % centers.count].map { $0 + random.nextNormal(standardDeviation: noise) }
            }
            return try Dataset(inputs: try Tensor(shape: [count, features], scalars: inputs), labels: (0..<count).map { $0 % centers.count % classes })
        }
        return (try samples(trainingPoints), try samples(testPoints))
    }

    func network(_ variant: Variant) throws(ShapeError) -> Sequential {
        var random = SeededGenerator(seed: seed)
        /// A layer with zero biases, its weights drawn for the activation that follows.
        func linear(_ inputs: Int, _ outputs: Int, before activation: Activation = .relu, scaledBy scale: Float = 1) throws(ShapeError) -> Linear {
            let weight = try initialization.initializer(gain: activation.nonlinearity.gain).tensor([outputs, inputs], using: &random)
            return try Linear(weight: weight.map { $0 * scale }, bias: try Tensor(shape: [outputs]))
        }
        /// A layer, its batch norm (in the variants that have one) and its ReLU.
        func unit(_ layer: Linear) throws(ShapeError) -> [any Module] {
            [layer] + (variant.normalizes ? [try BatchNorm(channels: width)] : []) + [Activation.relu]
        }
        var modules = try unit(try linear(features, width))
        if variant.isResidual {
            let blocks = hiddenLayers / 2
            for _ in 0..<blocks {
                let first = try unit(try linear(width, width))
                modules.append(Residual(Sequential(first + [try linear(width, width, before: .identity, scaledBy: 1 / Float(blocks).squareRoot())])))
            }
        } else {
            for _ in 0..<hiddenLayers { modules += try unit(try linear(width, width)) }
        }
        // The output layer starts at zero: every variant starts from the chance loss ln(classes).
        modules.append(try Linear(weight: try Tensor(shape: [classes, width]), bias: try Tensor(shape: [classes])))
        return Sequential(modules)
    }

    /// Checks the settings before any work.
    /// - Throws: `UserError` (usage), naming the option to change.
    public func validate() throws(UserError) {
        if let repeated = variants.first(where: { variant in variants.filter { $0 == variant }.count > 1 }) {
            throw UserError(.usage, "--variants: '\(repeated.rawValue)' is given twice")
        }
        guard depth >= 3, !variants.contains(where: \.isResidual) || hiddenLayers % 2 == 0 else {
            throw UserError(.usage, "--depth \(depth): the residual variants pair the \(hiddenLayers) hidden layers into blocks, so --depth must be even")
        }
        try checkMemory(bytesKept, limit: memoryLimit, for: "--depth \(depth), --batch \(batch) and --width \(width)")
    }

    /// Every variant, `threads` at a time; `progress` hears how far each has come.
    /// - Throws: `UserError` for settings that do not fit (see `validate`).
    public func run(progress: @Sendable (String) -> Void) throws(UserError) -> StabilityResult {
        try validate()
        do {
            let data = try data()
            let experiment = self
            let runs = try parallelMap(variants, threads: threads) { variant throws(ShapeError) in
                try experiment.run(variant, on: data, progress: progress)
            }
            return StabilityResult(experiment: self, runs: runs)
        } catch {
            throw UserError(.usage, error.message)
        }
    }

    func run(_ variant: Variant, on data: (train: Dataset, test: Dataset), progress: (String) -> Void) throws(ShapeError) -> Run {
        var network = try network(variant)
        var optimizer = SGD(learningRate: learningRate)
        var batches = SeededGenerator(seed: seed &+ 4000)
        var run = Run(variant: variant, loss: [], gradientNorm: [])
        for step in 1...steps {
            if step % 50 == 0 { progress("\(variant.rawValue): step \(step)/\(steps)") }
            let (inputs, labels) = try data.train.batch(data.train.randomRows(batch, using: &batches))
            let report = try network.trainingStep(inputs, loss: { logits throws(ShapeError) in
                try Loss.crossEntropy(logits: logits, labels: labels)
            }, optimizer: &optimizer, clipNorm: variant.clips ? maxNorm : nil, threads: 1)
            run.loss.append(report.loss.isFinite ? Double(report.loss) : nil)
            run.gradientNorm.append(report.gradientNorm.isFinite ? Double(report.gradientNorm) : nil)
            guard report.updated, network.parameters.allSatisfy({ $0.scalars.allSatisfy(\.isFinite) }) else {
                run.divergedAt = step
                run.loss += [Double?](repeating: nil, count: steps - step)
                run.gradientNorm += [Double?](repeating: nil, count: steps - step)
                return run
            }
        }
        run.finalLoss = try evaluate(network, on: data.train).flatMap { $0.loss.isFinite ? $0.loss : nil }
        run.accuracy = try evaluate(network, on: data.test)?.accuracy
        return run
    }

    /// Mean cross-entropy and accuracy in evaluation mode, `batch` rows at a time so that the
    /// memory is that of a training step; nil when an output is not finite.
    private func evaluate(_ network: Sequential, on data: Dataset) throws(ShapeError) -> (loss: Double, accuracy: Double)? {
        var network = network
        var (lossSum, correct) = (0.0, 0)
        for start in stride(from: 0, to: data.count, by: batch) {
            let rows = min(batch, data.count - start)
            let (inputs, labels) = try data.batch(start..<start + rows)
            let logits = try network.forward(inputs, mode: .evaluation, threads: 1)
            guard logits.scalars.allSatisfy(\.isFinite) else { return nil }
            lossSum += Double(try Loss.crossEntropy(logits: logits, labels: labels).value) * Double(rows)
            correct += (0..<rows).filter { row in
                let scores = logits.scalars[row * classes..<(row + 1) * classes]
                return scores.firstIndex(of: scores.max()!)! - row * classes == labels[row]
            }.count
        }
        return (lossSum / Double(data.count), Double(correct) / Double(data.count))
    }
}
