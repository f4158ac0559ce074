import ConvCore
import Foundation

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
struct StabilityExperiment {
    var depth = 30
    var width = 64
    var learningRate: Float = 0.5
    var steps = 400
    var batch = 64
    var maxNorm: Float = 1
    var initialization = InitScheme.kaimingNormal
    var seed: UInt64 = 1
    var features = 16
    var classes = 4
    var clustersPerClass = 2
    /// Each coordinate is a centre's, N(0, spread²), plus noise N(0, noise²): variance 1.
    var spread: Float = 0.832
    var noise: Float = 0.555
    var trainingPoints = 2048
    var testPoints = 2048

    enum Variant: String, CaseIterable {
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

        var clips: Bool { self == .clip || self == .all }
        var normalizes: Bool { self == .batchNorm || self == .all }
        var isResidual: Bool { self == .residual || self == .all }
    }

    struct Dataset {
        var inputs: Tensor
        var labels: [Int]

        /// The given rows, as a batch.
        func batch(_ rows: some Collection<Int>) -> (inputs: Tensor, labels: [Int]) {
            let features = inputs.shape[1]
            return (Tensor(shape: [rows.count, features], scalars: rows.flatMap { inputs.scalars[$0 * features..<($0 + 1) * features] }),
                    rows.map { labels[$0] })
        }
    }

    struct Run {
        var variant: Variant
        /// The mini-batch loss of every step, before its update; nil once the run diverged.
        var loss: [Double?]
        /// The global gradient norm of every step, before clipping; nil where not finite.
        var gradientNorm: [Double?]
        /// The first step whose loss or gradient norm is not finite, or whose update leaves a
        /// weight that is not: training stops there.
        var divergedAt: Int?
        /// Cross-entropy over the whole training set after the last step (evaluation mode);
        /// nil after a divergence, or when an output is not finite.
        var finalLoss: Double?
        /// Share of the test set classified right after the last step (evaluation mode); nil
        /// after a divergence, or when an output is not finite.
        var accuracy: Double?
    }

    /// Hidden layers that the residual variants pair into blocks: all but the first and last.
    var hiddenLayers: Int { depth - 2 }

    func data() -> (train: Dataset, test: Dataset) {
        var random = SeededGenerator(seed: seed &+ 3000)
        let centers = (0..<classes * clustersPerClass).map { _ in (0..<features).map { _ in random.nextNormal(standardDeviation: spread) } }
        func samples(_ count: Int) -> Dataset {
            var inputs: [Float] = []
            inputs.reserveCapacity(count * features)
            for index in 0..<count {
                inputs += centers[index % centers.count].map { $0 + random.nextNormal(standardDeviation: noise) }
            }
            return Dataset(inputs: Tensor(shape: [count, features], scalars: inputs), labels: (0..<count).map { $0 % centers.count % classes })
        }
        return (samples(trainingPoints), samples(testPoints))
    }

    func network(_ variant: Variant) throws -> LayerStack<Linear> {
        var random = SeededGenerator(seed: seed)
        /// A layer with zero biases, its weights drawn for the activation that follows.
        func linear(_ inputs: Int, _ outputs: Int, before activation: Activation = .relu, scaledBy scale: Float = 1) throws -> Linear {
            let weight = initialization.initializer(for: activation).tensor([outputs, inputs], using: &random)
            return try Linear(weight: Tensor(shape: weight.shape, scalars: weight.scalars.map { $0 * scale }), bias: Tensor(shape: [outputs]))
        }
        func normalization() -> BatchNorm? { variant.normalizes ? BatchNorm(channels: width) : nil }
        var units: [LayerStack<Linear>.Unit] = [.layer(ActivatedLayer(try linear(features, width), normalization: normalization(), activation: .relu))]
        if variant.isResidual {
            let blocks = hiddenLayers / 2
            for _ in 0..<blocks {
                units.append(.residual(ResidualBlock(first: try linear(width, width), normalization: normalization(), activation: .relu,
                                                     second: try linear(width, width, before: .none, scaledBy: 1 / Float(blocks).squareRoot()))))
            }
        } else {
            for _ in 0..<hiddenLayers {
                units.append(.layer(ActivatedLayer(try linear(width, width), normalization: normalization(), activation: .relu)))
            }
        }
        // The output layer starts at zero: every variant starts from the chance loss ln(classes).
        units.append(.layer(ActivatedLayer(try Linear(weight: Tensor(shape: [classes, width]), bias: Tensor(shape: [classes])), activation: .none)))
        return LayerStack(units: units)
    }

    func run(_ variant: Variant, on data: (train: Dataset, test: Dataset), progress: (String) -> Void) throws -> Run {
        var network = try network(variant)
        var optimizer = SGD(learningRate: learningRate)
        var batches = SeededGenerator(seed: seed &+ 4000)
        var run = Run(variant: variant, loss: [], gradientNorm: [])
        for step in 1...steps {
            if step % 50 == 0 { progress("\(variant.rawValue): step \(step)/\(steps)") }
            let (inputs, labels) = data.train.batch((0..<batch).map { _ in Int(batches.next() % UInt64(data.train.labels.count)) })
            let trace = try network.forward(inputs, mode: .training, threads: 1)
            let loss = Loss.crossEntropy(logits: trace.output, labels: labels)
            var gradients = try network.backward(trace, outputGradient: loss.gradient, threads: 1).parameters
            let norm = variant.clips ? clip(&gradients) : globalNorm(gradients)
            run.loss.append(loss.value.isFinite ? Double(loss.value) : nil)
            run.gradientNorm.append(norm.isFinite ? Double(norm) : nil)
            var parameters = network.parameters
            if loss.value.isFinite && norm.isFinite {
                optimizer.step(&parameters, gradients: gradients)
                network.parameters = parameters
            }
            guard loss.value.isFinite, norm.isFinite, parameters.allSatisfy({ $0.scalars.allSatisfy(\.isFinite) }) else {
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

    /// The global norm before clipping, clipping the gradients to `maxNorm` (an infinite or
    /// NaN norm is returned as it is, and the gradients are left alone).
    private func clip(_ gradients: inout [Tensor]) -> Float {
        do {
            return try clipGradientNorm(&gradients, maxNorm: maxNorm)
        } catch {
            return error.norm
        }
    }

    /// Mean cross-entropy and accuracy in evaluation mode, `batch` rows at a time so that the
    /// memory is that of a training step; nil when an output is not finite.
    private func evaluate(_ network: LayerStack<Linear>, on data: Dataset) throws -> (loss: Double, accuracy: Double)? {
        var network = network
        var (lossSum, correct) = (0.0, 0)
        for start in stride(from: 0, to: data.labels.count, by: batch) {
            let rows = min(batch, data.labels.count - start)
            let (inputs, labels) = data.batch(start..<start + rows)
            let logits = try network.forward(inputs, mode: .evaluation, threads: 1).output
            guard logits.scalars.allSatisfy(\.isFinite) else { return nil }
            lossSum += Double(Loss.crossEntropy(logits: logits, labels: labels).value) * Double(rows)
            correct += (0..<rows).filter { row in
                let scores = logits.scalars[row * classes..<(row + 1) * classes]
                return scores.firstIndex(of: scores.max()!)! - row * classes == labels[row]
            }.count
        }
        return (lossSum / Double(data.labels.count), Double(correct) / Double(data.labels.count))
    }
}
