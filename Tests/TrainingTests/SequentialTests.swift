import ConvCore
import Foundation
import SeededRandom
import Testing
import Training
import _TestSupport

/// A convolutional network as one `Sequential`: conv → relu → maxpool → conv → relu →
/// maxpool → flatten → linear → relu → linear.
func convolutionalNetwork(
    channels: Int, side: Int, filters: (Int, Int), hidden: Int, classes: Int, using random: inout SeededGenerator
) throws -> Sequential {
    let afterPooling = side / 4
    return Sequential([
        try Conv2D(weight: try Initializer.kaimingUniform(.relu).tensor([filters.0, channels, 3, 3], using: &random),
                   bias: try random.tensor([filters.0]).map { $0 * 0.1 }, padding: .same),
        Activation.relu,
        try Pooling2D(.max),
        try Conv2D(weight: try Initializer.kaimingUniform(.relu).tensor([filters.1, filters.0, 3, 3], using: &random),
                   bias: try random.tensor([filters.1]).map { $0 * 0.1 }, padding: .same),
        Activation.relu,
        try Pooling2D(.max),
        Flatten(),
        try Linear(inFeatures: filters.1 * afterPooling * afterPooling, outFeatures: hidden, using: &random),
        Activation.relu,
        try Linear(inFeatures: hidden, outFeatures: classes, using: &random),
    ])
}

/// Images of a bar, `side` × `side`, one class per orientation (horizontal, vertical,
/// diagonal), at a random place, with noise: a pattern to be found wherever it is.
func bars(_ count: Int, side: Int, using random: inout SeededGenerator) throws -> Dataset {
    var pixels: [Float] = []
    var labels: [Int] = []
    for index in 0..<count {
        let label = index % 3
        var image = (0..<side * side).map { _ in random.nextFloat(in: 0..<0.3) }
        let (row, column) = (random.int(1...(side - 2)), random.int(1...(side - 2)))
        for t in -3...3 {
            let (y, x) = label == 0 ? (row, column + t) : label == 1 ? (row + t, column) : (row + t, column + t)
            if (0..<side).contains(y) && (0..<side).contains(x) { image[y * side + x] = 1 }
        }
        pixels += image
        labels.append(label)
    }
    return try Dataset(inputs: try Tensor(shape: [count, 1, side, side], scalars: pixels), labels: labels)
}

struct SequentialTests {
    @Test("a CNN of conv, relu, maxpool, conv, relu, maxpool, flatten, linear, relu, linear learns to tell bars apart")
    func convolutionalNetworkTrains() throws {
        var random = SeededGenerator(seed: 41)
        var network = try convolutionalNetwork(channels: 1, side: 12, filters: (4, 8), hidden: 16, classes: 3, using: &random)
        let train = try bars(96, side: 12, using: &random), test = try bars(60, side: 12, using: &random)
        var optimizer = SGD(learningRate: 0.05, momentum: 0.9)
        var losses: [Float] = []
        for _ in 0..<20 {
            for rows in train.shuffledBatches(size: 16, using: &random) {
                let (inputs, labels) = try train.batch(rows)
                let report = try network.trainingStep(inputs, loss: { logits throws(ShapeError) in
                    try Loss.crossEntropy(logits: logits, labels: labels)
                }, optimizer: &optimizer, threads: 1)
                #expect(report.updated)
                losses.append(report.loss)
            }
        }
        let first = losses.prefix(6).reduce(0, +) / 6, last = losses.suffix(6).reduce(0, +) / 6
        #expect(abs(first - Float(log(3.0))) < 0.25, "starts near chance, ln 3: \(first)")
        #expect(last < 0.1, "the loss falls: \(first) → \(last)")
        let logits = try network.forward(test.inputs, mode: .evaluation, threads: 1)
        let correct = (0..<test.count).filter { row in
            let scores = logits.scalars[row * 3..<(row + 1) * 3]
            return scores.firstIndex(of: scores.max()!)! - row * 3 == test.labels[row]
        }.count
        #expect(correct >= 54, "\(correct) of 60 fresh images classified right")
    }

    @Test("the CNN's backward pass agrees with finite differences, for the input and every parameter")
    func convolutionalNetworkGradients() throws {
        var random = SeededGenerator(seed: 42)
        var network = try convolutionalNetwork(channels: 2, side: 8, filters: (3, 4), hidden: 5, classes: 3, using: &random)
        let input = try random.tensor([2, 2, 8, 8]), labels = [2, 0]
        func loss(_ network: Sequential, _ input: Tensor) throws -> Double {
            var network = network
            return Double(try Loss.crossEntropy(logits: try network.forward(input, mode: .training), labels: labels).value)
        }
        let output = try network.forward(input, mode: .training)
        let inputGradient = try network.backward(try Loss.crossEntropy(logits: output, labels: labels).gradient)
        try expectNumericGradient(inputGradient, of: input, loss: { try loss(network, $0) }, step: 1e-3, tolerance: 1e-2, samples: 40, random: &random, "∂L/∂input")
        #expect(network.parameters.count == 8)
        try expectParameterGradients(network.gradients, of: network, loss: { try loss($0, input) },
                                     step: 1e-3, tolerance: 1e-2, samples: 30, random: &random, "CNN")
    }

    @Test("batch normalization and residual blocks inside a network: finite differences in training mode")
    func normalizedResidualGradients() throws {
        var random = SeededGenerator(seed: 43)
        var network = Sequential([
            try Linear(weight: try random.tensor([6, 4]), bias: try random.tensor([6])), try BatchNorm(channels: 6), Activation.tanh,
            Residual(Sequential([try Linear(weight: try random.tensor([6, 6])), try BatchNorm(channels: 6), Activation.sigmoid,
                                 try Linear(weight: try random.tensor([6, 6]), bias: try random.tensor([6]))])),
            try Linear(weight: try random.tensor([2, 6])),
        ])
        let input = try random.tensor([5, 4]), upstream = try random.tensor([5, 2])
        func loss(_ network: Sequential, _ input: Tensor) throws -> Double {
            var network = network
            return dot(try network.forward(input, mode: .training), upstream)
        }
        _ = try network.forward(input, mode: .training)
        let inputGradient = try network.backward(upstream)
        try expectNumericGradient(inputGradient, of: input, loss: { try loss(network, $0) }, "∂L/∂input")
        #expect(network.parameters.count == 10)
        try expectParameterGradients(network.gradients, of: network, loss: { try loss($0, input) }, random: &random, "network")
    }

    @Test("the network keeps every module's input and its output, and the backward pass visits the modules from the last")
    func activationsAndObservation() throws {
        var random = SeededGenerator(seed: 44)
        let first = try Linear(weight: try random.tensor([3, 2]))
        var network = Sequential([first, Activation.relu, try Linear(weight: try random.tensor([1, 3]))])
        let input = try random.tensor([4, 2])
        let output = try network.forward(input, mode: .training)
        #expect(network.activations.count == 4)
        #expect(network.activations[0] == input)
        #expect(network.activations[1] == (try first(input)))
        #expect(network.activations[2] == Activation.relu.forward(network.activations[1]))
        #expect(network.activations[3] == output)

        let upstream = try random.tensor([4, 1])
        var seen: [(Int, [Int])] = []
        _ = try network.backward(upstream) { index, gradient in seen.append((index, gradient.shape)) }
        #expect(seen.map(\.0) == [2, 1, 0])
        #expect(seen.map(\.1) == [[4, 1], [4, 3], [4, 3]])
    }

    @Test("parameters are visited in order with their gradients, and only their values can change")
    func parameterVisitor() throws {
        var random = SeededGenerator(seed: 45)
        var network = Sequential([try Linear(weight: try random.tensor([3, 2]), bias: try random.tensor([3])), Activation.tanh,
                                  try BatchNorm(channels: 3), try Linear(weight: try random.tensor([1, 3]))])
        #expect(network.parameters.map(\.shape) == [[3, 2], [3], [3], [3], [1, 3]])
        #expect(network.gradients.isEmpty)
        _ = try network.forward(try random.tensor([4, 2]), mode: .training)
        _ = try network.backward(try random.tensor([4, 1]))
        var visited: [Int] = []
        let before = network.parameters
        network.updateParameters { index, parameter, gradient in
            visited.append(index)
            #expect(parameter.shape == gradient.shape)
            parameter.withUnsafeMutableBufferPointer { values in
                for i in values.indices { values[i] -= gradient.scalars[i] }
            }
        }
        #expect(visited == [0, 1, 2, 3, 4])
        for (index, (old, new)) in zip(before, network.parameters).enumerated() {
            #expect(new.scalars == zip(old.scalars, network.gradients[index].scalars).map { $0 - $1 }, "parameter \(index)")
        }
    }

    @Test("a visitor that changes a parameter's shape stops the program")
    func parameterShapeIsKept() async {
        await #expect(processExitsWith: .failure) {
            var network = Sequential([try Linear(weight: try Tensor(shape: [2, 2]))])
            network.updateParameters { _, parameter in parameter = try! Tensor(shape: [4]) }
        }
    }

    @Test("a backward pass without a forward pass, or with a gradient of the wrong shape, is a shape error")
    func backwardNeedsForward() throws {
        var network = Sequential([try Linear(weight: try Tensor(shape: [2, 3]))])
        #expect(throws: ShapeError("a network's backward pass needs its forward pass first")) {
            try network.backward(try Tensor(shape: [1, 2]))
        }
        _ = try network.forward(try Tensor(shape: [4, 3]), mode: .training)
        #expect(throws: ShapeError("the output gradient has shape [4, 3]; the network's output is [4, 2]")) {
            try network.backward(try Tensor(shape: [4, 3]))
        }
    }

    @Test("a training step gives the same weights, bit for bit, whatever the thread count")
    func threadCountInvariance() throws {
        var results: [[Tensor]] = []
        for threads in [1, 2, 3] {
            var random = SeededGenerator(seed: 46)
            var network = try convolutionalNetwork(channels: 1, side: 16, filters: (8, 16), hidden: 32, classes: 3, using: &random)
            let data = try bars(24, side: 16, using: &random)
            var optimizer = SGD(learningRate: 0.05, momentum: 0.9, weightDecay: 1e-3)
            for _ in 0..<3 {
                _ = try network.trainingStep(data.inputs, loss: { logits throws(ShapeError) in
                    try Loss.crossEntropy(logits: logits, labels: data.labels)
                }, optimizer: &optimizer, clipNorm: 5, threads: threads)
            }
            results.append(network.parameters)
        }
        #expect(results[1] == results[0])
        #expect(results[2] == results[0])
    }

    @Test("a step whose loss is not finite leaves the weights alone")
    func nonFiniteStepIsSkipped() throws {
        var network = Sequential([try Linear(weight: try Tensor(shape: [1, 2], scalars: [1, 1]))])
        let before = network.parameters
        var optimizer = SGD(learningRate: 0.1)
        let report = try network.trainingStep(try Tensor(shape: [1, 2], scalars: [.infinity, 1]), loss: { output throws(ShapeError) in
            try Loss.meanSquaredError(output, try Tensor(shape: [1, 1]))
        }, optimizer: &optimizer)
        #expect(!report.updated && !report.loss.isFinite)
        #expect(network.parameters == before)
    }
}
