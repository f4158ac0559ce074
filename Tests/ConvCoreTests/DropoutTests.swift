import ConvCore
import SeededRandom
import Testing
import _TestSupport

struct DropoutTests {
    @Test("training: each value zeroed with probability p, the rest scaled by 1/(1 − p); the mean is kept")
    func training() throws {
        var dropout = try Dropout(probability: 0.25, seed: 7)
        let input = try Tensor(shape: [100, 100], repeating: 1)
        let output = dropout.forward(input, mode: .training)
        let zeros = output.scalars.filter { $0 == 0 }.count
        #expect(output.scalars.allSatisfy { $0 == 0 || $0 == Float(1) / 0.75 })
        #expect(abs(Double(zeros) / 10_000 - 0.25) < 0.02, "\(zeros) zeros")
        // The gradient passes where the value was kept, scaled the same way.
        let gradient = try dropout.backward(outputGradient: try Tensor(shape: [100, 100], repeating: 2))
        #expect(gradient.scalars == output.scalars.map { $0 * 2 })
    }

    @Test("evaluation and p = 0 are the identity, forward and backward")
    func identity() throws {
        var random = SeededGenerator(seed: 3)
        let input = try random.tensor([4, 5])
        var dropout = try Dropout(probability: 0.5, seed: 1)
        #expect(dropout.forward(input, mode: .evaluation) == input)
        #expect(try dropout.backward(outputGradient: input) == input)
        var none = try Dropout(probability: 0, seed: 1)
        #expect(none.forward(input, mode: .training) == input)
    }

    @Test("the same seed gives the same mask; p outside [0, 1) is refused")
    func seeded() throws {
        var (a, b) = (try Dropout(probability: 0.5, seed: 9), try Dropout(probability: 0.5, seed: 9))
        let input = try Tensor(shape: [64], repeating: 1)
        #expect(a.forward(input, mode: .training) == b.forward(input, mode: .training))
        #expect(throws: ShapeError.self) { try Dropout(probability: 1, seed: 1) }
        #expect(throws: ShapeError.self) { try Dropout(probability: -0.1, seed: 1) }
        #expect(throws: ShapeError.self) { try a.backward(outputGradient: try Tensor(shape: [3])) }
    }
}
