import Testing

@testable import ConvCore

struct ResidualBlockTests {
    @Test("forward is x + second(activation(first(x))), for Linear and Conv2D branches")
    func forward() throws {
        var random = SeededGenerator(seed: 31)
        let first = try Linear(weight: random.tensor([5, 3]), bias: random.tensor([5]))
        let second = try Linear(weight: random.tensor([3, 5]), bias: random.tensor([3]))
        var block = ResidualBlock(first: first, activation: .relu, second: second)
        let x = random.tensor([4, 3])
        let branch = try second(Activation.relu.forward(try first(x)))
        #expect(try block.forward(x).output.scalars == zip(x.scalars, branch.scalars).map { $0 + $1 })

        let conv1 = try Conv2D(weight: random.tensor([4, 2, 3, 3]), bias: random.tensor([4]), padding: .same)
        let conv2 = try Conv2D(weight: random.tensor([2, 4, 1, 1]))
        var convBlock = ResidualBlock(first: conv1, activation: .tanh, second: conv2)
        let image = random.tensor([2, 2, 5, 4])
        let convBranch = try conv2(Activation.tanh.forward(try conv1(image)))
        #expect(try convBlock.forward(image).output.scalars == zip(image.scalars, convBranch.scalars).map { $0 + $1 })
    }

    @Test("with a zero second layer the block is the identity, and the gradient passes through unchanged")
    func identityPath() throws {
        var random = SeededGenerator(seed: 32)
        var block = ResidualBlock(first: try Linear(weight: random.tensor([6, 4])), normalization: BatchNorm(channels: 6),
                                  activation: .tanh, second: try Linear(weight: Tensor(shape: [4, 6])))
        let x = random.tensor([3, 4]), upstream = random.tensor([3, 4])
        let trace = try block.forward(x)
        #expect(trace.output == x)
        #expect(try block.backward(trace, outputGradient: upstream).input == upstream)
    }

    @Test("backward agrees with finite differences: input and every parameter, Linear and Conv2D, with and without batch norm",
          arguments: [false, true])
    func gradients(normalized: Bool) throws {
        var random = SeededGenerator(seed: normalized ? 34 : 33)
        func check<L: Layer>(_ block: ResidualBlock<L>, input: Tensor, _ name: String) throws {
            let upstream = random.tensor(input.shape)
            var updated = block
            let gradients = try block.backward(updated.forward(input), outputGradient: upstream)
            func loss(_ changed: ResidualBlock<L>, _ x: Tensor) -> Double {
                var fresh = changed
                return dot(try! fresh.forward(x).output, upstream)
            }
            expectNumericGradient(gradients.input, of: input, loss: { loss(block, $0) }, "\(name) ∂L/∂x")
            let parameters = block.parameters
            #expect(parameters.count == (normalized ? 6 : 4))
            #expect(gradients.parameters.map(\.shape) == parameters.map(\.shape))
            for index in parameters.indices {
                expectNumericGradient(gradients.parameters[index], of: parameters[index], loss: { value in
                    var changed = block
                    changed.parameters[index] = value
                    return loss(changed, input)
                }, "\(name) parameter \(index)")
            }
        }
        let linear = ResidualBlock(first: try Linear(weight: random.tensor([5, 3]), bias: random.tensor([5])),
                                   normalization: normalized ? BatchNorm(channels: 5) : nil, activation: .tanh,
                                   second: try Linear(weight: random.tensor([3, 5]), bias: random.tensor([3])))
        try check(linear, input: random.tensor([4, 3]), "Linear")
        let conv = ResidualBlock(first: try Conv2D(weight: random.tensor([3, 2, 3, 3]), bias: random.tensor([3]), padding: .same),
                                 normalization: normalized ? BatchNorm(channels: 3) : nil, activation: .sigmoid,
                                 second: try Conv2D(weight: random.tensor([2, 3, 3, 3]), bias: random.tensor([2]), padding: .same))
        try check(conv, input: random.tensor([2, 2, 4, 3]), "Conv2D")
    }

    @Test("a branch that changes the shape cannot be added to its input")
    func shapeMismatch() throws {
        var block = ResidualBlock(first: try Linear(weight: Tensor(shape: [5, 3])), activation: .relu, second: try Linear(weight: Tensor(shape: [4, 5])))
        #expect(throws: ShapeError("a residual block's branch maps [2, 3] to [2, 4]; it must keep the shape to be added to its input")) {
            try block.forward(Tensor(shape: [2, 3]))
        }
    }
}

struct MLPTests {
    @Test("backward agrees with finite differences for every weight and bias")
    func gradients() throws {
        var random = SeededGenerator(seed: 35)
        let network = try MLP(sizes: [3, 5, 4, 2], activation: .tanh, weights: .xavierUniform(gain: 1), biases: .frameworkDefault, using: &random)
        let input = random.tensor([4, 3]), upstream = random.tensor([4, 2])
        let gradients = try network.backward(try network.forward(input), outputGradient: upstream)
        #expect(gradients.map(\.shape) == network.parameters.map(\.shape))
        for index in network.parameters.indices {
            expectNumericGradient(gradients[index], of: network.parameters[index], loss: { value in
                var changed = network
                changed.parameters[index] = value
                return dot(try! changed.forward(input).output, upstream)
            }, "parameter \(index)")
        }
    }
}
