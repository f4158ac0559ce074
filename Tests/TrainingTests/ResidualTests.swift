import ConvCore
import SeededRandom
import Testing
import Training
import _TestSupport

struct ResidualTests {
    @Test("forward is x + F(x), for Linear and Conv2D branches")
    func forward() throws {
        var random = SeededGenerator(seed: 31)
        let first = try Linear(weight: try random.tensor([5, 3]), bias: try random.tensor([5]))
        let second = try Linear(weight: try random.tensor([3, 5]), bias: try random.tensor([3]))
        var block = Residual(Sequential([first, Activation.relu, second]))
        let x = try random.tensor([4, 3])
        let branch = try second(Activation.relu.forward(try first(x)))
        #expect(try block.forward(x, mode: .training, threads: nil).scalars == zip(x.scalars, branch.scalars).map { $0 + $1 })

        let conv1 = try Conv2D(weight: try random.tensor([4, 2, 3, 3]), bias: try random.tensor([4]), padding: .same)
        let conv2 = try Conv2D(weight: try random.tensor([2, 4, 1, 1]))
        var convBlock = Residual(Sequential([conv1, Activation.tanh, conv2]))
        let image = try random.tensor([2, 2, 5, 4])
        let convBranch = try conv2(Activation.tanh.forward(try conv1(image)))
        #expect(try convBlock.forward(image, mode: .training, threads: nil).scalars == zip(image.scalars, convBranch.scalars).map { $0 + $1 })
    }

    @Test("with a zero last layer the block is the identity, and the gradient passes through unchanged")
    func identityPath() throws {
        var random = SeededGenerator(seed: 32)
        var block = Residual(Sequential([try Linear(weight: try random.tensor([6, 4])), try BatchNorm(channels: 6), Activation.tanh,
                                         try Linear(weight: try Tensor(shape: [4, 6]))]))
        let x = try random.tensor([3, 4]), upstream = try random.tensor([3, 4])
        let output = try block.forward(x, mode: .training, threads: nil)
        #expect(output == x)
        #expect(try block.backward(input: x, output: output, outputGradient: upstream, threads: nil).input == upstream)
    }

    @Test("backward agrees with finite differences: input and every parameter, Linear and Conv2D, with and without batch norm",
          arguments: [false, true])
    func gradients(normalized: Bool) throws {
        var random = SeededGenerator(seed: normalized ? 34 : 33)
        func check(_ block: Residual, input: Tensor, _ name: String) throws {
            let upstream = try random.tensor(input.shape)
            var trained = block
            let output = try trained.forward(input, mode: .training, threads: nil)
            let gradients = try trained.backward(input: input, output: output, outputGradient: upstream, threads: nil)
            func loss(_ changed: Residual, _ x: Tensor) throws -> Double {
                var fresh = changed
                return dot(try fresh.forward(x, mode: .training, threads: nil), upstream)
            }
            try expectNumericGradient(gradients.input, of: input, loss: { try loss(block, $0) }, "\(name) ∂L/∂x")
            #expect(block.parameters.count == (normalized ? 6 : 4))
            try expectParameterGradients(gradients.parameters, of: block, loss: { try loss($0, input) }, random: &random, name)
        }
        func normalization(_ channels: Int) throws -> [any Module] { normalized ? [try BatchNorm(channels: channels)] : [] }
        let linear = Residual(Sequential([try Linear(weight: try random.tensor([5, 3]), bias: try random.tensor([5]))] + (try normalization(5))
                                         + [Activation.tanh, try Linear(weight: try random.tensor([3, 5]), bias: try random.tensor([3]))]))
        try check(linear, input: try random.tensor([4, 3]), "Linear")
        let conv = Residual(Sequential([try Conv2D(weight: try random.tensor([3, 2, 3, 3]), bias: try random.tensor([3]), padding: .same)]
                                       + (try normalization(3)) + [Activation.sigmoid,
                                          try Conv2D(weight: try random.tensor([2, 3, 3, 3]), bias: try random.tensor([2]), padding: .same)]))
        try check(conv, input: try random.tensor([2, 2, 4, 3]), "Conv2D")
    }

    @Test("a branch that changes the shape cannot be added to its input")
    func shapeMismatch() throws {
        var block = Residual(Sequential([try Linear(weight: try Tensor(shape: [5, 3])), Activation.relu, try Linear(weight: try Tensor(shape: [4, 5]))]))
        #expect(throws: ShapeError("a residual block's branch maps [2, 3] to [2, 4], its shortcut to [2, 3]; they must agree to be added")) {
            try block.forward(try Tensor(shape: [2, 3]), mode: .training, threads: nil)
        }
    }
}
