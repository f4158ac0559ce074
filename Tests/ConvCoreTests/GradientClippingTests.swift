import Testing

@testable import ConvCore

struct GradientClippingTests {
    @Test("the global norm is the norm of all gradients as one vector")
    func globalNormIsOneVector() {
        #expect(globalNorm([Tensor(shape: [2], scalars: [3, 4]), Tensor(shape: [1, 1], scalars: [12])]) == 13)
        #expect(globalNorm([]) == 0)
        var random = SeededGenerator(seed: 11)
        let gradients = [random.tensor([3, 5]), random.tensor([7]), random.tensor([2, 2, 3, 3])]
        let naive = gradients.flatMap(\.scalars).reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        #expect(abs(Double(globalNorm(gradients)) - naive) < 1e-6 * naive)
    }

    @Test("a norm above maxNorm scales everything by maxNorm / (norm + 1e-6); the norm before is returned")
    func clipsAboveMaxNorm() throws {
        var gradients = [Tensor(shape: [2], scalars: [3, 4]), Tensor(shape: [1], scalars: [-12])]
        let norm = try clipGradientNorm(&gradients, maxNorm: 6.5)
        #expect(norm == 13)
        let coefficient: Float = 6.5 / (13 + 1e-6)
        #expect(gradients[0].scalars == [3 * coefficient, 4 * coefficient])
        #expect(gradients[1].scalars == [-12 * coefficient])
        #expect(abs(globalNorm(gradients) - 6.5) < 1e-5)
    }

    @Test("a norm below maxNorm leaves the gradients untouched; a norm equal to it is scaled by maxNorm / (norm + 1e-6), as in PyTorch")
    func keepsSmallGradients() throws {
        let original = [Tensor(shape: [2], scalars: [0.3, -0.4])]
        var gradients = original
        #expect(try clipGradientNorm(&gradients, maxNorm: 1) == 0.5)
        #expect(gradients == original)
        #expect(try clipGradientNorm(&gradients, maxNorm: 0.5) == 0.5)
        let coefficient: Float = 0.5 / (0.5 + 1e-6)
        #expect(gradients[0].scalars == [0.3 * coefficient, -0.4 * coefficient])
        #expect(gradients != original)
    }

    @Test("an infinite or NaN norm is reported and not applied", arguments: [Float.infinity, -Float.infinity, .nan])
    func nonFiniteNorm(value: Float) {
        let original = [Tensor(shape: [2], scalars: [1, value]), Tensor(shape: [1], scalars: [2])]
        var gradients = original
        #expect(throws: NonFiniteGradientNorm.self) { try clipGradientNorm(&gradients, maxNorm: 1) }
        #expect(gradients[1] == original[1] && gradients[0].scalars[0] == 1)
    }

    @Test("finite gradients whose norm overflows float are reported too, as PyTorch's float32 norm would be inf")
    func overflowingNorm() {
        var gradients = [Tensor(shape: [2], scalars: [3e38, 3e38])]
        #expect(throws: NonFiniteGradientNorm(norm: .infinity)) { try clipGradientNorm(&gradients, maxNorm: 1) }
        #expect(gradients[0].scalars == [3e38, 3e38])
    }

    @Test("clipping by value clamps each element to [−limit, limit] and keeps NaN")
    func clipsValues() {
        var gradients = [Tensor(shape: [5], scalars: [-3, -0.5, 0, 1, 2]), Tensor(shape: [1], scalars: [.nan])]
        clipGradientValues(&gradients, limit: 1)
        #expect(gradients[0].scalars == [-1, -0.5, 0, 1, 1])
        #expect(gradients[1].scalars[0].isNaN)
    }
}
