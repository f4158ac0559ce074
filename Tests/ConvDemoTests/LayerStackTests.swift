import ConvCore
import Testing

@testable import conv_demo

struct LayerStackTests {
    /// A stack of every kind of unit: a layer with bias and batch norm, a residual block with
    /// batch norm, a bias-free residual block, a bias-free layer without batch norm.
    func stack(_ random: inout SeededGenerator) throws -> LayerStack<Linear> {
        func tensor(_ shape: [Int]) -> Tensor { Tensor(shape: shape, scalars: random.floats(shape.reduce(1, *), in: -1..<1)) }
        return LayerStack(units: [
            .layer(ActivatedLayer(try Linear(weight: tensor([5, 3]), bias: tensor([5])), normalization: BatchNorm(channels: 5), activation: .tanh)),
            .residual(ResidualBlock(first: try Linear(weight: tensor([4, 5]), bias: tensor([4])), normalization: BatchNorm(channels: 4),
                                    activation: .sigmoid, second: try Linear(weight: tensor([5, 4]), bias: tensor([5])))),
            .residual(ResidualBlock(first: try Linear(weight: tensor([5, 5])), activation: .tanh, second: try Linear(weight: tensor([5, 5])))),
            .layer(ActivatedLayer(try Linear(weight: tensor([2, 5])), activation: .none)),
        ])
    }

    @Test("parameters come back in the order they were read, and the gradients in the same order and shapes")
    func parameterOrder() throws {
        var random = SeededGenerator(seed: 41)
        var network = try stack(&random)
        let parameters = network.parameters
        #expect(parameters.count == 4 + 6 + 2 + 1)
        let marked = parameters.enumerated().map { index, tensor in Tensor(shape: tensor.shape, repeating: Float(index)) }
        network.parameters = marked
        #expect(network.parameters == marked)
        let input = Tensor(shape: [4, 3], scalars: random.floats(12, in: -1..<1))
        let trace = try network.forward(input, mode: .training, threads: 1)
        let backward = try network.backward(trace, outputGradient: Tensor(shape: [4, 2], repeating: 1), threads: 1)
        #expect(backward.parameters.map(\.shape) == parameters.map(\.shape))
        #expect(backward.outputs.map(\.shape) == trace.outputs.dropFirst().map(\.shape))
    }

    /// Batch norm over four values is strongly curved: the tolerance allows for the step of 10⁻².
    @Test("the backward pass agrees with finite differences for every parameter and every unit's output")
    func gradients() throws {
        var random = SeededGenerator(seed: 42)
        let network = try stack(&random)
        let input = Tensor(shape: [4, 3], scalars: random.floats(12, in: -1..<1))
        let upstream = Tensor(shape: [4, 2], scalars: random.floats(8, in: -1..<1))
        var forward = network
        let trace = try forward.forward(input, mode: .training, threads: 1)
        let backward = try network.backward(trace, outputGradient: upstream, threads: 1)
        func loss(_ changed: LayerStack<Linear>) -> Double {
            var fresh = changed
            let output = try! fresh.forward(input, mode: .training, threads: 1).output
            return zip(output.scalars, upstream.scalars).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        let parameters = network.parameters
        for (index, parameter) in parameters.enumerated() {
            for element in parameter.scalars.indices {
                var plus = network, minus = network
                plus.parameters[index].scalars[element] += 1e-2
                minus.parameters[index].scalars[element] -= 1e-2
                let numeric = (loss(plus) - loss(minus)) / 2e-2
                let analytic = Double(backward.parameters[index].scalars[element])
                #expect(abs(numeric - analytic) <= 5e-3 * max(1, abs(numeric)), "parameter \(index)[\(element)]: analytic \(analytic), numeric \(numeric)")
            }
        }
        // ∂L/∂(output of unit 0): perturb it by running the rest of the stack from there.
        var rest = network
        rest.units.removeFirst()
        let hidden = trace.outputs[1]
        for element in hidden.scalars.indices {
            var plus = hidden, minus = hidden
            plus.scalars[element] += 1e-2
            minus.scalars[element] -= 1e-2
            func restLoss(_ x: Tensor) -> Double {
                var fresh = rest
                return zip(try! fresh.forward(x, mode: .training, threads: 1).output.scalars, upstream.scalars).reduce(0) { $0 + Double($1.0) * Double($1.1) }
            }
            let numeric = (restLoss(plus) - restLoss(minus)) / 2e-2
            #expect(abs(numeric - Double(backward.outputs[0].scalars[element])) <= 5e-3 * max(1, abs(numeric)))
        }
    }
}
