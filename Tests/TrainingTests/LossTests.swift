import ConvCore
import Foundation
import SeededRandom
import Testing
import Training
import _TestSupport

struct LossTests {
    let p = try! Tensor(shape: [2, 2], scalars: [0.5, -1, 2, 3])
    let t = try! Tensor(shape: [2, 2], scalars: [1, -1, 0, 4])

    @Test("MAE and MSE worked by hand")
    func regressionLosses() throws {
        // |−0.5| + 0 + 2 + 1 = 3.5 over 4; 0.25 + 0 + 4 + 1 = 5.25 over 4
        #expect((try Loss.meanAbsoluteError(p, t)).value == 0.875)
        #expect((try Loss.meanAbsoluteError(p, t)).gradient.scalars == [-0.25, 0, 0.25, -0.25])
        #expect((try Loss.meanSquaredError(p, t)).value == 1.3125)
        #expect((try Loss.meanSquaredError(p, t)).gradient.scalars == [-0.25, 0, 1, -0.5])
    }

    @Test("cross-entropy of equal logits is log C; of ±1000 finite")
    func crossEntropyValues() throws {
        #expect(abs(try Loss.crossEntropy(logits: try Tensor(shape: [1, 2], scalars: [0, 0]), labels: [1]).value - Float(log(2.0))) < 1e-6)
        let extreme = try Loss.crossEntropy(logits: try Tensor(shape: [2, 3], scalars: [1000, -1000, 0, -1000, 1000, 0]), labels: [0, 0])
        #expect(extreme.value == 1000)  // (0 + 2000) / 2
        #expect(extreme.gradient.scalars.allSatisfy { $0.isFinite })
    }

    @Test("BCE: p = 0 or 1 give finite values (logs clamped at −100); with logits agrees and stays finite at ±1000")
    func binaryCrossEntropyValues() throws {
        let clamped = try Loss.binaryCrossEntropy(probabilities: try Tensor(shape: [2], scalars: [0, 1]), targets: try Tensor(shape: [2], scalars: [1, 1]))
        #expect(clamped.value == 50)  // (100 + 0) / 2
        #expect(clamped.gradient.scalars.allSatisfy { $0.isFinite })
        let logits = try Tensor(shape: [4], scalars: [-3, -0.5, 0.2, 4])
        let targets = try Tensor(shape: [4], scalars: [0, 1, 1, 0])
        let direct = try Loss.binaryCrossEntropy(probabilities: Activation.sigmoid.forward(logits), targets: targets)
        let fused = try Loss.binaryCrossEntropyWithLogits(logits: logits, targets: targets)
        #expect(abs(direct.value - fused.value) < 1e-5)
        let extreme = try Loss.binaryCrossEntropyWithLogits(logits: try Tensor(shape: [2], scalars: [1000, -1000]), targets: try Tensor(shape: [2], scalars: [0, 0]))
        #expect(extreme.value == 500)
        #expect(extreme.gradient.scalars == [0.5, 0])
    }

    @Test("every loss's gradient agrees with finite differences")
    func gradients() throws {
        var random = SeededGenerator(seed: 6)
        let prediction = try Tensor(shape: [3, 4], scalars: random.floats(12, in: -2..<2))
        let target = try Tensor(shape: [3, 4], scalars: random.floats(12, in: -2..<2))
        let probabilities = try Tensor(shape: [3, 4], scalars: random.floats(12, in: 0.05..<0.95))
        let zeroOne = try Tensor(shape: [3, 4], scalars: random.floats(12, in: 0..<1).map { $0 < 0.5 ? 0 : 1 })
        let losses: [(String, Tensor, (Tensor) throws -> LossValue)] = [
            ("MAE", prediction, { try Loss.meanAbsoluteError($0, target) }),
            ("MSE", prediction, { try Loss.meanSquaredError($0, target) }),
            ("cross-entropy", prediction, { try Loss.crossEntropy(logits: $0, labels: [0, 3, 2]) }),
            ("BCE", probabilities, { try Loss.binaryCrossEntropy(probabilities: $0, targets: zeroOne) }),
            ("BCE with logits", prediction, { try Loss.binaryCrossEntropyWithLogits(logits: $0, targets: zeroOne) }),
        ]
        for (name, point, loss) in losses {
            let analytic = try loss(point).gradient
            for i in 0..<12 {
                let (plus, minus) = (point.adding(1e-3, at: i), point.adding(-1e-3, at: i))
                let numeric = (Double(try loss(plus).value) - Double(try loss(minus).value)) / 2e-3
                #expect(abs(numeric - Double(analytic.scalars[i])) < 2e-3, "\(name) at \(i)")
            }
        }
    }

    @Test("shapes that differ and labels that are not classes are shape errors, not traps")
    func mistakes() throws {
        #expect(throws: ShapeError("the prediction [2, 2] and the target [4] must have one shape")) {
            try Loss.meanSquaredError(p, try Tensor(shape: [4]))
        }
        #expect(throws: ShapeError("label 3 is not one of the 3 classes 0…2")) {
            try Loss.crossEntropy(logits: try Tensor(shape: [2, 3]), labels: [0, 3])
        }
        #expect(throws: ShapeError("cross-entropy takes logits [N, C] and N labels; got logits [2, 3] and 1 labels")) {
            try Loss.crossEntropy(logits: try Tensor(shape: [2, 3]), labels: [0])
        }
    }
}
