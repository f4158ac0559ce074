import ConvCore
import Foundation

/// `weight-decay`'s experiment: an over-parameterised network (1 → width → width → 1,
/// tanh, thousands of weights) fits twenty noisy samples of a sine, by full-batch
/// gradient descent with momentum, once for each penalty λ. With λ = 0 it can bend through
/// every noisy point (low training loss, high test loss); the penalty λ‖w‖² keeps the
/// weights small and the curve smooth.
///
/// λ is the seed material's: the loss is L + λ‖w‖², so the optimizer's weight decay (as
/// PyTorch defines it, added to the gradient) is 2λ. Biases are not decayed.
struct WeightDecayExperiment {
    var lambdas: [Float] = [0, 3e-4, 3e-3]
    var width = 64
    var epochs = 1500
    var learningRate: Float = 0.05
    var momentum: Float = 0.9
    var trainingPoints = 20
    var testPoints = 200
    var noise: Float = 0.3
    var seed: UInt64 = 1

    struct Run {
        var lambda: Float
        var trainLoss: [Double]
        var testLoss: [Double]
        /// ‖w‖: the L2 norm of all weights (biases excluded), after each epoch's step.
        var weightNorm: [Double]
    }

    /// Noisy samples of sin(2πx) for x uniform in [0, 1]: a training set and a test set.
    func data() -> (train: (Tensor, Tensor), test: (Tensor, Tensor)) {
        var random = SeededGenerator(seed: seed &+ 2000)
        func samples(_ count: Int) -> (Tensor, Tensor) {
            let x = (0..<count).map { _ in random.nextUnitFloat() }
            let y = x.map { Float(Foundation.sin(2 * Double.pi * Double($0))) + random.nextNormal(standardDeviation: noise) }
            return (Tensor(shape: [count, 1], scalars: x), Tensor(shape: [count, 1], scalars: y))
        }
        return (samples(trainingPoints), samples(testPoints))
    }

    func run(lambda: Float, progress: (String) -> Void) throws -> Run {
        var random = SeededGenerator(seed: seed)
        var network = try MLP(sizes: [1, width, width, 1], activation: .tanh, weights: .frameworkDefault, biases: .frameworkDefault, using: &random)
        var optimizer = SGD(learningRate: learningRate, momentum: momentum, weightDecay: 2 * lambda, decaysBiases: false)
        let ((trainX, trainY), (testX, testY)) = data()
        var run = Run(lambda: lambda, trainLoss: [], testLoss: [], weightNorm: [])
        for epoch in 1...epochs {
            if epoch % 100 == 0 { progress("λ = \(decimal(lambda)): epoch \(epoch)/\(epochs)") }
            // Both losses are measured before the epoch's step, on the same weights.
            let trace = try network.forward(trainX, threads: 1)
            let loss = Loss.meanSquaredError(trace.output, trainY)
            run.trainLoss.append(Double(loss.value))
            run.testLoss.append(Double(Loss.meanSquaredError(try network.forward(testX, threads: 1).output, testY).value))
            var parameters = network.parameters
            optimizer.step(&parameters, gradients: try network.backward(trace, outputGradient: loss.gradient, threads: 1))
            network.parameters = parameters
            run.weightNorm.append(network.layers.reduce(0.0) { $0 + $1.weight.scalars.reduce(0.0) { $0 + Double($1) * Double($1) } }.squareRoot())
        }
        return run
    }
}
