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
    }

    @Test("the identity is still written 'none' where users type it")
    func identityName() {
        #expect(Activation.identity.rawValue == "none")
        #expect(Activation(rawValue: "none") == .identity)
        #expect(Activation.allCases.map(\.rawValue) == ["none", "relu", "leakyrelu", "sigmoid", "tanh"])
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

    @Test("derivatives agree with finite differences, away from ReLU's kink", arguments: Activation.allCases)
    func derivatives(activation: Activation) {
        for x: Float in [-3, -0.7, -0.01, 0.02, 0.5, 2.5] {
            let h: Float = 1e-3
            let numeric = (activation(x + h) - activation(x - h)) / (2 * h)
            #expect(abs(activation.derivative(at: x, output: activation(x)) - numeric) < 2e-3, "\(activation) at \(x)")
        }
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
