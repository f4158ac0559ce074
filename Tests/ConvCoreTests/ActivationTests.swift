import Foundation
import SeededRandom
import Testing
import _TestSupport

@testable import ConvCore

struct ActivationTests {
    @Test("values worked by hand")
    func values() {
        #expect(Activation.relu(-2) == 0)
        #expect(Activation.relu(3) == 3)
        #expect(Activation.leakyReLU(-2) == -0.02)
        #expect(Activation.sigmoid(0) == 0.5)
        #expect(Activation.tanh(0) == 0)
        #expect(Activation.identity(-7) == -7)
        #expect(Activation.relu6(-2) == 0)
        #expect(Activation.relu6(3.5) == 3.5)
        #expect(Activation.relu6(7) == 6)
        // x · relu6(x + 3) / 6: 0 up to −3, x from 3 on, between them x(x + 3)/6.
        #expect(Activation.hardSwish(-4) == 0)
        #expect(Activation.hardSwish(-1.5) == -0.375)
        #expect(Activation.hardSwish(1.5) == 1.125)
        #expect(Activation.hardSwish(4) == 4)
    }

    @Test("the identity is still written 'none' where users type it")
    func identityName() {
        #expect(Activation.identity.rawValue == "none")
        #expect(Activation(rawValue: "none") == .identity)
        #expect(Activation.allCases.map(\.rawValue) == ["none", "relu", "leakyrelu", "sigmoid", "tanh", "relu6", "hardswish"])
        #expect(Activation(rawValue: "hardswish") == .hardSwish)
    }

    @Test("extreme inputs give finite results: sigmoid(±1000) is 1 and 0")
    func extremes() throws {
        #expect(Activation.sigmoid(1000) == 1)
        #expect(Activation.sigmoid(-1000) == 0)
        #expect(Activation.tanh(-1000) == -1)
        let softmax = Softmax.forward(try Tensor(shape: [2, 3], scalars: [1000, 0, -1000, -1000, -1000, -1000]))
        #expect(softmax.scalars.allSatisfy { $0.isFinite })
        #expect(softmax.scalars[0] == 1)
        #expect(abs(softmax.scalars[3] - 1.0 / 3) < 1e-6)
        let log = Softmax.logForward(try Tensor(shape: [1, 3], scalars: [1000, 0, -1000]))
        #expect(log.scalars == [0, -1000, -2000])
    }

    @Test("derivatives agree with finite differences, away from the kinks (0 and 6; ±3)", arguments: Activation.allCases)
    func derivatives(activation: Activation) {
        for x: Float in [-3.5, -2.5, -0.7, -0.01, 0.02, 0.5, 2.5, 3.5, 5.5, 6.5] {
            let h: Float = 1e-3
            let numeric = (activation(x + h) - activation(x - h)) / (2 * h)
            #expect(abs(activation.derivative(at: x, output: activation(x)) - numeric) < 2e-3, "\(activation) at \(x)")
        }
    }

    @Test("at the kinks, and at a NaN, the derivatives are PyTorch's")
    func pyTorchKinks() throws {
        // torch 2.15: x = torch.tensor([-3., 0., 3., 6., nan], requires_grad=True), then
        // F.relu6(x).sum().backward() gives x.grad [0, 0, 1, 0, 1] (hardtanh's backward,
        // 0 at both bounds) and F.hardswish(x).sum().backward() [0, 0.5, 1, 1, 1] (0 at −3
        // and 1 at 3, not x/3 + ½); the forward passes give [0, 0, 3, 6, nan] and
        // [-0, 0, 3, 6, nan].
        let x = try Tensor(shape: [1, 5], scalars: [-3, 0, 3, 6, .nan])
        let ones = try Tensor(shape: [1, 5], repeating: 1)
        let cases: [(Activation, forward: [Float], gradient: [Float])] = [(.relu6, [0, 0, 3, 6, .nan], [0, 0, 1, 0, 1]),
                                                                          (.hardSwish, [-0, 0, 3, 6, .nan], [0, 0.5, 1, 1, 1])]
        for (activation, forward, gradient) in cases {
            let y = activation.forward(x)
            #expect(y.scalars.prefix(4) == forward.prefix(4) && y.scalars[4].isNaN, "\(activation) forward")
            #expect(try activation.backward(input: x, output: y, outputGradient: ones).scalars == gradient, "\(activation) backward")
            #expect(x.scalars.indices.map { activation.derivative(at: x.scalars[$0], output: y.scalars[$0]) } == gradient, "\(activation) derivative")
        }
    }

    @Test("a tensor's forward and backward are f and f′ element by element", arguments: Activation.allCases)
    func tensorPasses(activation: Activation) throws {
        var random = SeededGenerator(seed: 8)
        let x = try Tensor(shape: [3, 12], scalars: random.floats(24, in: -8..<8) + [-6, -3, -1e-3, 0, 1e-3, 3, 6, 7, -.infinity, .infinity, -0.0, 2.999])
        let upstream = try Tensor(shape: [3, 12], scalars: random.floats(36, in: -1..<1))
        let y = activation.forward(x)
        // Bit patterns, so that a NaN (hard swish of −∞ is −∞ · 0) equals itself.
        #expect(y.scalars.map(\.bitPattern) == x.scalars.map { activation($0).bitPattern })
        let gradient = try activation.backward(input: x, output: y, outputGradient: upstream)
        #expect(gradient.scalars.map(\.bitPattern) == x.scalars.indices.map { (upstream.scalars[$0] * activation.derivative(at: x.scalars[$0], output: y.scalars[$0])).bitPattern })
    }

    @Test("tensors of every length up to 41: the vector loops' last partial vector is f element by element too", arguments: [Activation.sigmoid, .tanh])
    func partialVectors(activation: Activation) throws {
        var random = SeededGenerator(seed: 9)
        for count in 0...41 {
            let x = try Tensor(shape: [count], scalars: random.floats(count, in: -9..<9))
            #expect(activation.forward(x).scalars == x.scalars.map { activation($0) }, "\(count) values")
            #expect(activation.forward(x).scalars.allSatisfy { abs($0) <= 1 }, "\(count) values")
        }
    }

    @Test("ReLU6 and hard swish initialize with ReLU's gain, √2 (PyTorch's calculate_gain has none for them)")
    func gains() {
        #expect(Activation.relu6.nonlinearity == .relu)
        #expect(Activation.hardSwish.nonlinearity == .relu)
        #expect(Activation.hardSwish.nonlinearity.gain == Float(2).squareRoot())
    }

    @Test("softmax rows sum to 1, log-softmax is its logarithm")
    func softmaxProperties() throws {
        var random = SeededGenerator(seed: 3)
        let logits = try Tensor(shape: [4, 5], scalars: random.floats(20, in: -5..<5))
        let y = Softmax.forward(logits), z = Softmax.logForward(logits)
        for row in 0..<4 {
            #expect(abs(y.scalars[row * 5..<row * 5 + 5].reduce(0, +) - 1) < 1e-6)
        }
        for i in 0..<20 { #expect(abs(z.scalars[i] - Float(Foundation.log(Double(y.scalars[i])))) < 1e-5) }
    }

    @Test("softmax and log-softmax backward agree with finite differences")
    func softmaxGradients() throws {
        var random = SeededGenerator(seed: 4)
        let logits = try Tensor(shape: [3, 4], scalars: random.floats(12, in: -3..<3))
        let upstream = try Tensor(shape: [3, 4], scalars: random.floats(12, in: -1..<1))
        let analytic = try Softmax.backward(output: Softmax.forward(logits), outputGradient: upstream)
        let analyticLog = try Softmax.logBackward(output: Softmax.logForward(logits), outputGradient: upstream)
        for i in 0..<12 {
            let (plus, minus) = (logits.adding(1e-2, at: i), logits.adding(-1e-2, at: i))
            let numeric = (dot(Softmax.forward(plus), upstream) - dot(Softmax.forward(minus), upstream)) / 2e-2
            let numericLog = (dot(Softmax.logForward(plus), upstream) - dot(Softmax.logForward(minus), upstream)) / 2e-2
            #expect(abs(Double(analytic.scalars[i]) - numeric) < 1e-3)
            #expect(abs(Double(analyticLog.scalars[i]) - numericLog) < 1e-3)
        }
    }

    @Test("an activation's backward pass is ∂L/∂y ⊙ f′(x), and three shapes that differ are an error")
    func backwardPass() throws {
        let input = try Tensor(shape: [1, 4], scalars: [-2, -0.5, 0.5, 3])
        let output = Activation.leakyReLU.forward(input)
        let gradient = try Activation.leakyReLU.backward(input: input, output: output, outputGradient: Tensor(shape: [1, 4], scalars: [1, 2, 3, 4]))
        #expect(gradient.scalars == [0.01, 0.02, 3, 4])
        #expect(throws: ShapeError("an activation's input [1, 4], output [1, 4] and output gradient [4, 1] must have one shape")) {
            try Activation.relu.backward(input: input, output: output, outputGradient: Tensor(shape: [4, 1]))
        }
        #expect(throws: ShapeError("the output gradient has shape [4, 1]; the softmax's output is [1, 4]")) {
            try Softmax.backward(output: Softmax.forward(input), outputGradient: Tensor(shape: [4, 1]))
        }
        #expect(throws: ShapeError("the output gradient has shape [2, 2]; the softmax's output is [1, 4]")) {
            try Softmax.logBackward(output: Softmax.logForward(input), outputGradient: Tensor(shape: [2, 2]))
        }
    }
}
