import ConvCore
import Foundation
import Reporting
import SeededRandom
import Training

/// `weight-decay`'s experiment: an over-parameterised network (1 → width → width → 1,
/// tanh, thousands of weights) fits twenty noisy samples of a sine, by full-batch
/// gradient descent with momentum, once for each penalty λ. With λ = 0 it can bend through
/// every noisy point (low training loss, high test loss); the penalty λ‖w‖² keeps the
/// weights small and the curve smooth.
///
/// λ is the penalty of the loss is L + λ‖w‖², so the optimizer's weight decay (as
/// PyTorch defines it, added to the gradient) is 2λ. Biases are not decayed.
public struct WeightDecayExperiment: Sendable {
    public var lambdas: [Float] = [0, 3e-4, 3e-3]
    public var width = 64
    public var epochs = 1500
    public var learningRate: Float = 0.05
    public var momentum: Float = 0.9
    public var trainingPoints = 20
    public var testPoints = 200
    public var noise: Float = 0.3
    public var seed: UInt64 = 1
    /// The text shows every `every`-th epoch.
    public var every = 150
    /// Where the command writes the plot, which the text names; nil for none.
    public var plotFile: String?
    /// The most the runs may keep in memory, in bytes.
    public var memoryLimit = defaultMemoryLimit

    public init() {}

    /// Bytes a run keeps: per point of both sets, the two hidden layers' activations and
    /// gradients (about eight values per unit), the weights with their gradients and
    /// velocities, and three histories of every epoch for every λ.
    public var bytesKept: Double {
        Double(trainingPoints + testPoints) * Double(width) * 8 * 4 + Double(width) * Double(width) * 3 * 4
            + Double(epochs) * Double(lambdas.count) * 3 * 8
    }

    /// - Throws: a usage error when the settings would need more than `memoryLimit`.
    public func validate() throws(UserError) {
        try checkMemory(bytesKept, limit: memoryLimit, for: "--train \(trainingPoints), --test \(testPoints), --width \(width) and --epochs \(epochs)")
    }

    public struct Run: Sendable {
        public var lambda: Float
        public var trainLoss: [Double]
        public var testLoss: [Double]
        /// ‖w‖: the L2 norm of all weights (biases excluded), after each epoch's step.
        public var weightNorm: [Double]
    }

    /// Noisy samples of sin(2πx) for x uniform in [0, 1]: a training set and a test set.
    func data() throws(ShapeError) -> (train: (Tensor, Tensor), test: (Tensor, Tensor)) {
        var random = SeededGenerator(seed: seed &+ 2000)
        func samples(_ count: Int) throws(ShapeError) -> (Tensor, Tensor) {
            let x = (0..<count).map { _ in random.nextUnitFloat() }
            let y = x.map { Float(Foundation.sin(2 * Double.pi * Double($0))) + random.nextNormal(standardDeviation: noise) }
            return (try Tensor(shape: [count, 1], scalars: x), try Tensor(shape: [count, 1], scalars: y))
        }
        return (try samples(trainingPoints), try samples(testPoints))
    }

    /// Every λ in turn.
    public func run(progress: (String) -> Void) throws(ShapeError) -> WeightDecayResult {
        var runs: [Run] = []
        for lambda in lambdas { runs.append(try run(lambda: lambda, progress: progress)) }
        return WeightDecayResult(experiment: self, runs: runs)
    }

    public func run(lambda: Float, progress: (String) -> Void) throws(ShapeError) -> Run {
        var random = SeededGenerator(seed: seed)
        var network = Sequential([
            try Linear(inFeatures: 1, outFeatures: width, using: &random), Activation.tanh,
            try Linear(inFeatures: width, outFeatures: width, using: &random), Activation.tanh,
            try Linear(inFeatures: width, outFeatures: 1, using: &random),
        ])
        var optimizer = SGD(learningRate: learningRate, momentum: momentum, weightDecay: 2 * lambda, decaysBiases: false)
        let ((trainX, trainY), (testX, testY)) = try data()
        var run = Run(lambda: lambda, trainLoss: [], testLoss: [], weightNorm: [])
        for epoch in 1...epochs {
            if epoch % 100 == 0 { progress("λ = \(decimal(lambda)): epoch \(epoch)/\(epochs)") }
            // Both losses are measured before the epoch's step, on the same weights.
            run.testLoss.append(Double(try Loss.meanSquaredError(try network.forward(testX, mode: .evaluation, threads: 1), testY).value))
            let report = try network.trainingStep(trainX, loss: { output throws(ShapeError) in
                try Loss.meanSquaredError(output, trainY)
            }, optimizer: &optimizer, threads: 1)
            run.trainLoss.append(Double(report.loss))
            let weights = network.parameters.filter { $0.shape.count > 1 }
            run.weightNorm.append(weights.reduce(0.0) { $0 + $1.scalars.reduce(0.0) { $0 + Double($1) * Double($1) } }.squareRoot())
        }
        return run
    }
}
