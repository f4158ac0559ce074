import ConvCore
import SeededRandom
import Testing
import Training
import _TestSupport

struct SequentialSpecTests {
    @Test("a spec becomes PyTorch's nn.Sequential: one module per line after input, parameters as counted")
    func modules() throws {
        let spec = try NetworkSpec(parsing: "input 28x28x1; conv 6 k=5 p=2; batchnorm; relu; maxpool 2; dropout 0.25; flatten; fc 10")
        let network = try Sequential(spec, seed: 1)
        #expect(network.modules.count == 7)
        #expect(network.modules[0] is Conv2D && network.modules[1] is BatchNorm && network.modules[4] is Dropout && network.modules[6] is Linear)
        let counted = try NetworkSummary(spec).totalParameters
        #expect(network.parameters.reduce(0) { $0 + $1.count } == counted)
        #expect(network.parameters.map(\.shape) == [[6, 1, 5, 5], [6], [6], [6], [10, 1176], [10]])
    }

    @Test("PyTorch's default initialization: weights and biases within ±1/√fan_in; the same seed, the same network")
    func initialization() throws {
        let spec = try NetworkSpec(parsing: "input 8x8x3; conv 4 k=3; relu; flatten; fc 5")
        let (a, b) = (try Sequential(spec, seed: 5), try Sequential(spec, seed: 5))
        #expect(a.parameters == b.parameters)
        #expect(a.parameters != (try Sequential(spec, seed: 6)).parameters)
        let bounds: [Float] = [1 / Float(27).squareRoot(), 1 / Float(27).squareRoot(), 1 / Float(144).squareRoot(), 1 / Float(144).squareRoot()]
        for (parameter, bound) in zip(a.parameters, bounds) {
            #expect(parameter.scalars.allSatisfy { abs($0) <= bound })
        }
    }

    @Test("softmax is refused for training, with why; the output is the logits")
    func softmax() throws {
        let spec = try NetworkSpec(parsing: "input 4x4; flatten; fc 3\nsoftmax")
        #expect(throws: SpecError(line: 2, column: 1, message: "softmax cannot be trained here: the network's output is its logits, and the loss applies log-softmax itself (remove the line)")) {
            try Sequential(spec, seed: 1)
        }
    }

    @Test("the whole network's gradient agrees with finite differences, through batch norm and pooling")
    func gradient() throws {
        var random = SeededGenerator(seed: 11)
        let spec = try NetworkSpec(parsing: "input 6x6x2; conv 3 k=3 p=1; batchnorm; tanh; avgpool 2; flatten; fc 4; batchnorm; fc 3")
        var network = try Sequential(spec, seed: 2)
        let input = try random.tensor([5, 2, 6, 6])
        let labels = [0, 2, 1, 1, 0]
        let loss = try Loss.crossEntropy(logits: try network.forward(input, mode: .training), labels: labels)
        let gradient = try network.backward(loss.gradient)
        try expectNumericGradient(gradient, of: input, loss: { x in
            var copy = network
            return Double(try Loss.crossEntropy(logits: try copy.forward(x, mode: .training), labels: labels).value)
        }, step: 1e-2, tolerance: 5e-3, samples: 40, random: &random, "∂L/∂input")
    }
}

struct TrainingDeterminismTests {
    @Test("reshape gives an fc layer's output back its maps: the fc form of a conv trains through pooling, finite differences agree")
    func reshape() throws {
        var random = SeededGenerator(seed: 12)
        let spec = try NetworkSpec(parsing: "input 6x6x1; flatten; fc 72; reshape 6x6x2; relu; maxpool 2; flatten; fc 3")
        var network = try Sequential(spec, seed: 3)
        #expect(network.modules[2] is Reshape)
        let input = try random.tensor([4, 1, 6, 6])
        let labels = [0, 2, 1, 1]
        _ = try network.forward(input, mode: .training)
        #expect(network.activations[3].shape == [4, 2, 6, 6])
        let loss = try Loss.crossEntropy(logits: network.activations.last!, labels: labels)
        let gradient = try network.backward(loss.gradient)
        #expect(gradient.shape == [4, 1, 6, 6])
        try expectNumericGradient(gradient, of: input, loss: { x in
            var copy = network
            return Double(try Loss.crossEntropy(logits: try copy.forward(x, mode: .training), labels: labels).value)
        }, step: 1e-2, tolerance: 5e-3, samples: 40, random: &random, "∂L/∂input")
        #expect(throws: ShapeError("reshape to 6×6×2 needs an input [N, 72]; got [4, 70]")) { try Reshape(size: Size2D(6), channels: 2)(Tensor(shape: [4, 70])) }
    }

    @Test("the same seed and data give the same weights whatever the thread count")
    func threads() throws {
        let spec = try NetworkSpec(parsing: "input 12x12x1; conv 8 k=3 p=1; batchnorm; relu; maxpool 2; conv 16 k=3; relu; flatten; dropout 0.2; fc 10")
        var random = SeededGenerator(seed: 4)
        let inputs = try random.tensor([64, 1, 12, 12])
        let labels = (0..<64).map { $0 % 10 }
        func train(threads: Int) throws -> [Tensor] {
            var network = try Sequential(spec, seed: 7)
            var optimizer = SGD(learningRate: 0.05, momentum: 0.9, weightDecay: 1e-4, decaysBiases: false)
            for _ in 0..<3 {
                _ = try network.trainingStep(inputs, loss: { logits throws(ShapeError) in try Loss.crossEntropy(logits: logits, labels: labels) },
                                             optimizer: &optimizer, threads: threads)
            }
            return network.parameters
        }
        let one = try train(threads: 1)
        #expect(try train(threads: 2) == one)
        #expect(try train(threads: 7) == one)
    }
}

struct BackwardParametersTests {
    @Test("training's backward pass, without the input's gradient, leaves the same parameter gradients")
    func sameGradients() throws {
        var random = SeededGenerator(seed: 21)
        let spec = try NetworkSpec(parsing: "input 10x10x2; conv 4 k=3; relu; maxpool 2; flatten; fc 3")
        var network = try Sequential(spec, seed: 3)
        let input = try random.tensor([6, 2, 10, 10])
        let loss = try Loss.crossEntropy(logits: try network.forward(input, mode: .training), labels: [0, 1, 2, 0, 1, 2])
        _ = try network.backward(loss.gradient)
        let full = network.gradients
        try network.backwardParameters(loss.gradient)
        #expect(network.gradients == full)
    }
}
