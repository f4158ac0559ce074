import Foundation
import Testing

@testable import ConvCore

struct ActivationTests {
    @Test("values worked by hand")
    func values() {
        #expect(Activation.relu(-2) == 0)
        #expect(Activation.relu(3) == 3)
        #expect(Activation.leakyReLU(-2) == -0.02)
        #expect(Activation.sigmoid(0) == 0.5)
        #expect(Activation.tanh(0) == 0)
        #expect(Activation.none(-7) == -7)
    }

    @Test("extreme inputs give finite results: sigmoid(±1000) is 1 and 0")
    func extremes() {
        #expect(Activation.sigmoid(1000) == 1)
        #expect(Activation.sigmoid(-1000) == 0)
        #expect(Activation.tanh(-1000) == -1)
        let softmax = Softmax.forward(Tensor(shape: [2, 3], scalars: [1000, 0, -1000, -1000, -1000, -1000]))
        #expect(softmax.scalars.allSatisfy { $0.isFinite })
        #expect(softmax.scalars[0] == 1)
        #expect(abs(softmax.scalars[3] - 1.0 / 3) < 1e-6)
        let log = Softmax.logForward(Tensor(shape: [1, 3], scalars: [1000, 0, -1000]))
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
    func softmaxProperties() {
        var random = SeededGenerator(seed: 3)
        let logits = Tensor(shape: [4, 5], scalars: random.floats(20, in: -5..<5))
        let y = Softmax.forward(logits), z = Softmax.logForward(logits)
        for row in 0..<4 {
            #expect(abs(y.scalars[row * 5..<row * 5 + 5].reduce(0, +) - 1) < 1e-6)
        }
        for i in 0..<20 { #expect(abs(z.scalars[i] - Float(Foundation.log(Double(y.scalars[i])))) < 1e-5) }
    }

    @Test("softmax and log-softmax backward agree with finite differences")
    func softmaxGradients() {
        var random = SeededGenerator(seed: 4)
        let logits = Tensor(shape: [3, 4], scalars: random.floats(12, in: -3..<3))
        let upstream = Tensor(shape: [3, 4], scalars: random.floats(12, in: -1..<1))
        let analytic = Softmax.backward(output: Softmax.forward(logits), outputGradient: upstream)
        let analyticLog = Softmax.logBackward(output: Softmax.logForward(logits), outputGradient: upstream)
        for i in 0..<12 {
            var plus = logits, minus = logits
            plus.scalars[i] += 1e-2
            minus.scalars[i] -= 1e-2
            let numeric = (dot(Softmax.forward(plus), upstream) - dot(Softmax.forward(minus), upstream)) / 2e-2
            let numericLog = (dot(Softmax.logForward(plus), upstream) - dot(Softmax.logForward(minus), upstream)) / 2e-2
            #expect(abs(Double(analytic.scalars[i]) - numeric) < 1e-3)
            #expect(abs(Double(analyticLog.scalars[i]) - numericLog) < 1e-3)
        }
    }
}
