import SeededRandom
import Testing
import _TestSupport

@testable import ConvCore

struct LinearTests {
    @Test("a layer worked by hand: out = in · weightᵀ + bias")
    func byHand() throws {
        let layer = try Linear(weight: Tensor(shape: [2, 3], scalars: [1, 2, 3, -1, 0, 1]), bias: Tensor(shape: [2], scalars: [10, 20]))
        let output = try layer(try Tensor(shape: [2, 3], scalars: [1, 1, 1, 1, 2, 3]))
        #expect(output.shape == [2, 2])
        #expect(output.scalars == [16, 20, 24, 22])
    }

    @Test("the three gradients agree with finite differences")
    func gradients() throws {
        var random = SeededGenerator(seed: 8)
        for (batch, inFeatures, outFeatures) in [(1, 1, 1), (3, 7, 5), (16, 40, 13)] {
            let layer = try Linear(weight: random.tensor([outFeatures, inFeatures]), bias: random.tensor([outFeatures]))
            let input = try random.tensor([batch, inFeatures])
            let outputGradient = try random.tensor([batch, outFeatures])
            let gradients = try layer.backward(input: input, outputGradient: outputGradient)
            try expectNumericGradient(gradients.input, of: input, loss: { x in dot(try layer(x), outputGradient) }, step: 1, tolerance: 1e-3, samples: 20, random: &random, "input")
            try expectNumericGradient(gradients.weight, of: layer.weight, loss: { w in
                dot(try layer.replacing(parameter: 0, with: w)(input), outputGradient)
            }, step: 1, tolerance: 1e-3, samples: 20, random: &random, "weight")
            try expectNumericGradient(try #require(gradients.bias), of: try #require(layer.bias), loss: { b in
                dot(try layer.replacing(parameter: 1, with: b)(input), outputGradient)
            }, step: 1, tolerance: 1e-3, samples: 20, random: &random, "bias")
        }
    }

    @Test("shapes that do not fit are errors")
    func errors() throws {
        let layer = try Linear(weight: Tensor(shape: [2, 3]))
        #expect(throws: ShapeError("a linear input is [N, 3] for this layer; got [1, 4]")) { try layer(Tensor(shape: [1, 4])) }
        #expect(throws: ShapeError("a linear weight is [outFeatures, inFeatures], both at least 1; got [3]")) { try Linear(weight: Tensor(shape: [3])) }
        #expect(throws: ShapeError("bias has shape [3]; it needs one value per output: [2]")) { try Linear(weight: Tensor(shape: [2, 3]), bias: Tensor(shape: [3])) }
        #expect(throws: ShapeError("the output gradient has shape [1, 3]; this layer's output is [1, 2]")) {
            try layer.backward(input: Tensor(shape: [1, 3]), outputGradient: Tensor(shape: [1, 3]))
        }
    }
}
