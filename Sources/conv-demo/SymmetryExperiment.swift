import Foundation
import ConvCore

/// `symmetry`'s experiment: a small network (2 inputs → hidden tanh units → 1 logit)
/// learns to tell two concentric rings apart, by full-batch gradient descent on the
/// binary cross-entropy, once from constant weights and once from random ones.
///
/// With constant weights every hidden unit computes the same value, so every one gets
/// the same gradient and takes the same step: they stay identical forever (to the last
/// bit) and the network is no better than one unit, which cannot draw a ring. Random
/// weights break the tie.
struct SymmetryExperiment {
    var hidden = 8
    var steps = 300
    var learningRate: Float = 0.5
    var points = 200
    var seed: UInt64 = 1
    var constant: Float = 0.5

    struct Run {
        var initializer: String
        var loss: [Double]
        /// The largest spread (max − min) across hidden units of any of their parameters.
        var maxUnitDifference: [Double]
        var accuracy: Double
    }

    /// Points on two rings, radius about 0.5 (label 0) and 1 (label 1), with some noise.
    func data() -> (inputs: Tensor, labels: Tensor) {
        var random = SeededGenerator(seed: seed &+ 1000)
        var inputs: [Float] = [], labels: [Float] = []
        for index in 0..<points {
            let label = Float(index % 2)
            let angle = random.nextFloat(in: 0..<(2 * .pi))
            let radius = 0.5 + 0.5 * label + random.nextFloat(in: -0.1..<0.1)
            inputs += [radius * angle.cosine, radius * angle.sine]
            labels.append(label)
        }
        return (Tensor(shape: [points, 2], scalars: inputs), Tensor(shape: [points, 1], scalars: labels))
    }

    func run(weights: Initializer, biases: Initializer, named name: String, progress: (String) -> Void) throws -> Run {
        var random = SeededGenerator(seed: seed)
        var network = try MLP(sizes: [2, hidden, 1], activation: .tanh, weights: weights, biases: biases, using: &random)
        var optimizer = SGD(learningRate: learningRate)
        let (inputs, labels) = data()
        var run = Run(initializer: name, loss: [], maxUnitDifference: [], accuracy: 0)
        for step in 1...steps {
            progress("\(name): step \(step)/\(steps)")
            let trace = try network.forward(inputs, threads: 1)
            let loss = Loss.binaryCrossEntropyWithLogits(logits: trace.output, targets: labels)
            run.loss.append(Double(loss.value))
            let gradients = try network.backward(trace, outputGradient: loss.gradient, threads: 1)
            var parameters = network.parameters
            optimizer.step(&parameters, gradients: gradients)
            network.parameters = parameters
            run.maxUnitDifference.append(unitSpread(network))
        }
        let output = try network.forward(inputs, threads: 1).output
        run.accuracy = Double(zip(output.scalars, labels.scalars).filter { ($0 > 0) == ($1 > 0.5) }.count) / Double(points)
        return run
    }

    /// For each parameter of a hidden unit (its incoming weights, its bias, its outgoing
    /// weight), the spread max − min across the units; the largest of those.
    private func unitSpread(_ network: MLP) -> Double {
        let (first, second) = (network.layers[0], network.layers[1])
        let inputs = first.inFeatures
        var positions: [[Float]] = (0..<inputs).map { k in (0..<hidden).map { first.weight.scalars[$0 * inputs + k] } }
        positions.append(first.bias!.scalars)
        positions.append(second.weight.scalars)  // [1, hidden]: one outgoing weight per unit
        return positions.map { Double(($0.max() ?? 0) - ($0.min() ?? 0)) }.max() ?? 0
    }
}

private extension Float {
    var cosine: Float { Float(Foundation.cos(Double(self))) }
    var sine: Float { Float(Foundation.sin(Double(self))) }
}
