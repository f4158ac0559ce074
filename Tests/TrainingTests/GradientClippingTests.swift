import ConvCore
import Foundation
import SeededRandom
import Testing
import Training
import _TestSupport

struct GradientClippingTests {
    @Test("the global norm is the norm of all gradients as one vector")
    func globalNormIsOneVector() throws {
        #expect(globalNorm([try Tensor(shape: [2], scalars: [3, 4]), try Tensor(shape: [1, 1], scalars: [12])]) == 13)
        #expect(globalNorm([]) == 0)
        var random = SeededGenerator(seed: 11)
        let gradients = [try random.tensor([3, 5]), try random.tensor([7]), try random.tensor([2, 2, 3, 3])]
        let naive = gradients.flatMap(\.scalars).reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        #expect(abs(Double(globalNorm(gradients)) - naive) < 1e-6 * naive)
    }

    @Test("a norm above maxNorm scales everything by maxNorm / (norm + 1e-6); the norm before is returned")
    func clipsAboveMaxNorm() throws {
        var gradients = [try Tensor(shape: [2], scalars: [3, 4]), try Tensor(shape: [1], scalars: [-12])]
        let norm = try clipGradientNorm(&gradients, maxNorm: 6.5)
        #expect(norm == 13)
        let coefficient: Float = 6.5 / (13 + 1e-6)
        #expect(gradients[0].scalars == [3 * coefficient, 4 * coefficient])
        #expect(gradients[1].scalars == [-12 * coefficient])
        #expect(abs(globalNorm(gradients) - 6.5) < 1e-5)
    }

    @Test("a norm below maxNorm leaves the gradients untouched; a norm equal to it is scaled by maxNorm / (norm + 1e-6), as in PyTorch")
    func keepsSmallGradients() throws {
        let original = [try Tensor(shape: [2], scalars: [0.3, -0.4])]
        var gradients = original
        #expect(try clipGradientNorm(&gradients, maxNorm: 1) == 0.5)
        #expect(gradients == original)
        #expect(try clipGradientNorm(&gradients, maxNorm: 0.5) == 0.5)
        let coefficient: Float = 0.5 / (0.5 + 1e-6)
        #expect(gradients[0].scalars == [0.3 * coefficient, -0.4 * coefficient])
        #expect(gradients != original)
    }

    @Test("an infinite or NaN norm is reported and not applied", arguments: [Float.infinity, -Float.infinity, .nan])
    func nonFiniteNorm(value: Float) throws {
        let original = [try Tensor(shape: [2], scalars: [1, value]), try Tensor(shape: [1], scalars: [2])]
        var gradients = original
        #expect(throws: NonFiniteGradientNorm.self) { try clipGradientNorm(&gradients, maxNorm: 1) }
        #expect(gradients[1] == original[1] && gradients[0].scalars[0] == 1)
    }

    @Test("finite gradients whose norm overflows float are reported too, as PyTorch's float32 norm would be inf")
    func overflowingNorm() throws {
        var gradients = [try Tensor(shape: [2], scalars: [3e38, 3e38])]
        let error = #expect(throws: NonFiniteGradientNorm.self) { try clipGradientNorm(&gradients, maxNorm: 1) }
        #expect(error?.norm == .infinity)
        #expect(gradients[0].scalars == [3e38, 3e38])
    }

    @Test("clipping by value clamps each element to [−limit, limit] and keeps NaN")
    func clipsValues() throws {
        var gradients = [try Tensor(shape: [5], scalars: [-3, -0.5, 0, 1, 2]), try Tensor(shape: [1], scalars: [.nan])]
        clipGradientValues(&gradients, limit: 1)
        #expect(gradients[0].scalars == [-1, -0.5, 0, 1, 1])
        #expect(gradients[1].scalars[0].isNaN)
    }

    @Test("a network clips the gradients of its last backward pass in place")
    func networkClipsItsGradients() throws {
        var network = Sequential([try Linear(weight: try Tensor(shape: [1, 2], scalars: [1, 1]), bias: try Tensor(shape: [1]))])
        _ = try network.forward(try Tensor(shape: [1, 2], scalars: [3, 4]), mode: .training)
        _ = try network.backward(try Tensor(shape: [1, 1], scalars: [2]))
        #expect(network.gradients.map(\.scalars) == [[6, 8], [2]])
        let norm = try network.clipGradients(maxNorm: 1)
        #expect(abs(norm - Float(104).squareRoot()) < 1e-5)
        #expect(abs(globalNorm(network.gradients) - 1) < 1e-5)
        network.clipGradients(limit: 0.1)
        #expect(network.gradients.allSatisfy { $0.scalars.allSatisfy { abs($0) <= 0.1 } })
    }

    struct ClipCase: Decodable {
        struct Gradient: Decodable {
            let shape: [Int], values: [Float]
        }
        let max_norm: Float
        let grads: [Gradient], total_norm: Float, grads_after: [Gradient]
    }

    /// `Fixtures/pytorch-clip.json` holds four `clip_grad_norm_` calls made with PyTorch 2.15
    /// (max_norm 1, two norms above it and two below), by the script that makes the
    /// ConvCoreTests fixtures (`Tests/ConvCoreTests/Fixtures/make-pytorch-fixtures.py`).
    @Test("clipGradientNorm returns PyTorch's total norm and leaves PyTorch's gradients")
    func clippingMatchesPyTorch() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/pytorch-clip.json")
        let cases = try JSONDecoder().decode([ClipCase].self, from: Data(contentsOf: url))
        #expect(cases.count == 4)
        #expect(cases.filter { $0.total_norm > $0.max_norm }.count == 2)
        for (index, c) in cases.enumerated() {
            var gradients = try c.grads.map { try Tensor(shape: $0.shape, scalars: $0.values) }
            let norm = try clipGradientNorm(&gradients, maxNorm: c.max_norm)
            #expect(abs(norm - c.total_norm) <= 1e-6 * c.total_norm, "case \(index): norm \(norm), PyTorch's \(c.total_norm)")
            for (actual, expected) in zip(gradients, c.grads_after) {
                expectClose(actual, try Tensor(shape: expected.shape, scalars: expected.values), tolerance: expected.values.map { 1e-6 * max(1, abs($0)) }, "case \(index)")
            }
        }
    }
}
