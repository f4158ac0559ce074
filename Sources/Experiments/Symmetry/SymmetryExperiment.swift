import ConvCore
import Foundation
import Reporting
import SeededRandom
import Training

/// `symmetry`'s experiment: a small network (2 inputs → hidden tanh units → 1 logit)
/// learns to tell two concentric rings apart, by full-batch gradient descent on the
/// binary cross-entropy, once from constant weights and once from random ones.
///
/// With constant weights every hidden unit computes the same value, so every one gets
/// the same gradient and takes the same step: they stay identical forever (to the last
/// bit) and the network is no better than one unit, which cannot draw a ring. Random
/// weights break the tie.
public struct SymmetryExperiment: Sendable {
    public var hidden = 8
    public var steps = 300
    public var learningRate: Float = 0.5
    public var points = 200
    public var seed: UInt64 = 1
    public var constant: Float = 0.5
    /// The text shows every `every`-th step.
    public var every = 30
    /// Where the command writes the plot, which the text names; nil for none.
    public var plotFile: String?
    /// The most the runs may keep in memory, in bytes.
    public var memoryLimit = defaultMemoryLimit

    public init() {}

    /// Bytes a run keeps: per point, the hidden layer's activations and gradients (about
    /// six values per hidden unit), and the loss history of both runs.
    public var bytesKept: Double {
        Double(points) * Double(hidden) * 6 * 4 + Double(steps) * 4 * 8
    }

    /// - Throws: a usage error when the settings would need more than `memoryLimit`.
    public func validate() throws(UserError) {
        try checkMemory(bytesKept, limit: memoryLimit, for: "--points \(points) and --hidden \(hidden)")
    }

    public struct Run: Sendable {
        public var initializer: String
        public var loss: [Double]
        /// The largest spread (max − min) across hidden units of any of their parameters.
        public var maxUnitDifference: [Double]
        public var accuracy: Double
    }

    /// Points on two rings, radius about 0.5 (label 0) and 1 (label 1), with some noise.
    func data() throws(ShapeError) -> (inputs: Tensor, labels: Tensor) {
        var random = SeededGenerator(seed: seed &+ 1000)
        var inputs: [Float] = [], labels: [Float] = []
        for index in 0..<points {
            let label = Float(index % 2)
            let angle = random.nextFloat(in: 0..<(2 * .pi))
            let radius = 0.5 + 0.5 * label + random.nextFloat(in: -0.1..<0.1)
            inputs += [radius * angle.cosine, radius * angle.sine]
            labels.append(label)
        }
        return (try Tensor(shape: [points, 2], scalars: inputs), try Tensor(shape: [points, 1], scalars: labels))
    }

    /// Both runs: every weight `constant` and every bias 0, then PyTorch's default.
    public func run(progress: (String) -> Void) throws(ShapeError) -> SymmetryResult {
        SymmetryResult(experiment: self, runs: [
            try run(weights: .constant(constant), biases: .zeros, named: "constant(\(decimal(constant)))", progress: progress),
            try run(weights: .frameworkDefault, biases: .frameworkDefault, named: "default", progress: progress),
        ])
    }

    /// One run: full-batch gradient descent from weights drawn by `weights` and biases by `biases`.
    public func run(weights: Initializer, biases: Initializer, named name: String, progress: (String) -> Void) throws(ShapeError) -> Run {
        var random = SeededGenerator(seed: seed)
        var network = Sequential([
            try Linear(inFeatures: 2, outFeatures: hidden, weights: weights, biases: biases, using: &random),
            Activation.tanh,
            try Linear(inFeatures: hidden, outFeatures: 1, weights: weights, biases: biases, using: &random),
        ])
        var optimizer = SGD(learningRate: learningRate)
        let (inputs, labels) = try data()
        var run = Run(initializer: name, loss: [], maxUnitDifference: [], accuracy: 0)
        for step in 1...steps {
            progress("\(name): step \(step)/\(steps)")
            let report = try network.trainingStep(inputs, loss: { output throws(ShapeError) in
                try Loss.binaryCrossEntropyWithLogits(logits: output, targets: labels)
            }, optimizer: &optimizer, threads: 1)
            run.loss.append(Double(report.loss))
            run.maxUnitDifference.append(unitSpread(network.parameters))
        }
        let output = try network.forward(inputs, mode: .evaluation, threads: 1)
        run.accuracy = Double(zip(output.scalars, labels.scalars).filter { ($0 > 0) == ($1 > 0.5) }.count) / Double(points)
        return run
    }

    /// For each parameter of a hidden unit (its incoming weights, its bias, its outgoing
    /// weight), the spread max − min across the units; the largest of those. The
    /// parameters are the first layer's weight [hidden, 2] and bias, then the second's
    /// weight [1, hidden].
    private func unitSpread(_ parameters: [Tensor]) -> Double {
        let (incoming, bias, outgoing) = (parameters[0], parameters[1], parameters[2])
        let inputs = incoming.shape[1]
        var positions: [[Float]] = (0..<inputs).map { k in (0..<hidden).map { incoming.scalars[$0 * inputs + k] } }
        positions.append(bias.scalars)
        positions.append(outgoing.scalars)  // One outgoing weight per unit.
        return positions.map { Double(($0.max() ?? 0) - ($0.min() ?? 0)) }.max() ?? 0
    }
}

private extension Float {
    var cosine: Float { Float(Foundation.cos(Double(self))) }
    var sine: Float { Float(Foundation.sin(Double(self))) }
}
