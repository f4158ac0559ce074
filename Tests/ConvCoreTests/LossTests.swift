import Foundation
import Testing

@testable import ConvCore

struct LossTests {
    let p = Tensor(shape: [2, 2], scalars: [0.5, -1, 2, 3])
    let t = Tensor(shape: [2, 2], scalars: [1, -1, 0, 4])

    @Test("MAE and MSE worked by hand")
    func regressionLosses() {
        // |−0.5| + 0 + 2 + 1 = 3.5 over 4; 0.25 + 0 + 4 + 1 = 5.25 over 4
        #expect(Loss.meanAbsoluteError(p, t).value == 0.875)
        #expect(Loss.meanAbsoluteError(p, t).gradient.scalars == [-0.25, 0, 0.25, -0.25])
        #expect(Loss.meanSquaredError(p, t).value == 1.3125)
        #expect(Loss.meanSquaredError(p, t).gradient.scalars == [-0.25, 0, 1, -0.5])
    }

    @Test("cross-entropy of equal logits is log C; of ±1000 finite")
    func crossEntropyValues() {
        #expect(abs(Loss.crossEntropy(logits: Tensor(shape: [1, 2], scalars: [0, 0]), labels: [1]).value - Float(log(2.0))) < 1e-6)
        let extreme = Loss.crossEntropy(logits: Tensor(shape: [2, 3], scalars: [1000, -1000, 0, -1000, 1000, 0]), labels: [0, 0])
        #expect(extreme.value == 1000)  // (0 + 2000) / 2
        #expect(extreme.gradient.scalars.allSatisfy { $0.isFinite })
    }

    @Test("BCE: p = 0 or 1 give finite values (logs clamped at −100); with logits agrees and stays finite at ±1000")
    func binaryCrossEntropyValues() {
        let clamped = Loss.binaryCrossEntropy(probabilities: Tensor(shape: [2], scalars: [0, 1]), targets: Tensor(shape: [2], scalars: [1, 1]))
        #expect(clamped.value == 50)  // (100 + 0) / 2
        #expect(clamped.gradient.scalars.allSatisfy { $0.isFinite })
        let logits = Tensor(shape: [4], scalars: [-3, -0.5, 0.2, 4])
        let targets = Tensor(shape: [4], scalars: [0, 1, 1, 0])
        let direct = Loss.binaryCrossEntropy(probabilities: Activation.sigmoid.forward(logits), targets: targets)
        let fused = Loss.binaryCrossEntropyWithLogits(logits: logits, targets: targets)
        #expect(abs(direct.value - fused.value) < 1e-5)
        let extreme = Loss.binaryCrossEntropyWithLogits(logits: Tensor(shape: [2], scalars: [1000, -1000]), targets: Tensor(shape: [2], scalars: [0, 0]))
        #expect(extreme.value == 500)
        #expect(extreme.gradient.scalars == [0.5, 0])
    }

    @Test("every loss's gradient agrees with finite differences")
    func gradients() {
        var random = SeededGenerator(seed: 6)
        let prediction = Tensor(shape: [3, 4], scalars: random.floats(12, in: -2..<2))
        let target = Tensor(shape: [3, 4], scalars: random.floats(12, in: -2..<2))
        let probabilities = Tensor(shape: [3, 4], scalars: random.floats(12, in: 0.05..<0.95))
        let zeroOne = Tensor(shape: [3, 4], scalars: random.floats(12, in: 0..<1).map { $0 < 0.5 ? 0 : 1 })
        let losses: [(String, Tensor, (Tensor) -> LossValue)] = [
            ("MAE", prediction, { Loss.meanAbsoluteError($0, target) }),
            ("MSE", prediction, { Loss.meanSquaredError($0, target) }),
            ("cross-entropy", prediction, { Loss.crossEntropy(logits: $0, labels: [0, 3, 2]) }),
            ("BCE", probabilities, { Loss.binaryCrossEntropy(probabilities: $0, targets: zeroOne) }),
            ("BCE with logits", prediction, { Loss.binaryCrossEntropyWithLogits(logits: $0, targets: zeroOne) }),
        ]
        for (name, point, loss) in losses {
            let analytic = loss(point).gradient
            for i in 0..<12 {
                var plus = point, minus = point
                plus.scalars[i] += 1e-3
                minus.scalars[i] -= 1e-3
                let numeric = (Double(loss(plus).value) - Double(loss(minus).value)) / 2e-3
                #expect(abs(numeric - Double(analytic.scalars[i])) < 2e-3, "\(name) at \(i)")
            }
        }
    }
}

struct SGDTests {
    @Test("one step worked by hand: w ← w − α(∇L + λw)")
    func plainStep() {
        var parameters = [Tensor(shape: [1, 2], scalars: [1, -2])]
        var sgd = SGD(learningRate: 0.1, weightDecay: 0.5)
        sgd.step(&parameters, gradients: [Tensor(shape: [1, 2], scalars: [3, 4])])
        // g + λw = [3 + 0.5·1, 4 + 0.5·(−2)] = [3.5, 3]
        let step: [Float] = [0.1 * 3.5, 0.1 * 3]
        #expect(parameters[0].scalars == [1 - step[0], -2 - step[1]])
    }

    @Test("momentum: the first step uses the gradient, later ones μ·v + g")
    func momentum() {
        var parameters = [Tensor(shape: [1], scalars: [0])]
        var sgd = SGD(learningRate: 1, momentum: 0.9)
        let g = [Tensor(shape: [1], scalars: [1])]
        sgd.step(&parameters, gradients: g)
        #expect(parameters[0].scalars == [-1])
        sgd.step(&parameters, gradients: g)
        #expect(parameters[0].scalars == [Float(-2.9)])
        sgd.step(&parameters, gradients: g)
        #expect(abs(parameters[0].scalars[0] - (-2.9 - 2.71)) < 1e-6)
    }

    @Test("weight decay 2λ is the penalty λ‖w‖²: the two give the same weights")
    func decayIsPenalty() {
        var random = SeededGenerator(seed: 8)
        let lambda: Float = 0.03
        var decayed = [Tensor(shape: [4, 3], scalars: random.floats(12, in: -1..<1))]
        var penalized = decayed
        var withDecay = SGD(learningRate: 0.2, momentum: 0.5, weightDecay: 2 * lambda)
        var plain = SGD(learningRate: 0.2, momentum: 0.5)
        for _ in 0..<20 {
            let g = Tensor(shape: [4, 3], scalars: random.floats(12, in: -1..<1))
            withDecay.step(&decayed, gradients: [g])
            // ∇(L + λ‖w‖²) = ∇L + 2λw, given to an SGD without decay.
            plain.step(&penalized, gradients: [Tensor(shape: [4, 3], scalars: zip(g.scalars, penalized[0].scalars).map { $0 + 2 * lambda * $1 })])
        }
        #expect(zip(decayed[0].scalars, penalized[0].scalars).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    @Test("with decaysBiases false, 1-D parameters are not decayed")
    func biasesExcluded() {
        var parameters = [Tensor(shape: [1, 1], scalars: [1]), Tensor(shape: [1], scalars: [1])]
        var sgd = SGD(learningRate: 1, weightDecay: 0.5, decaysBiases: false)
        sgd.step(&parameters, gradients: [Tensor(shape: [1, 1], scalars: [0]), Tensor(shape: [1], scalars: [0])])
        #expect(parameters[0].scalars == [0.5])
        #expect(parameters[1].scalars == [1])
    }
}
