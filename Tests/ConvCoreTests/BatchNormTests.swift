import Testing

@testable import ConvCore

struct BatchNormTests {
    /// Two channels of four values: channel 0 holds 1, 2, 3, 4 (mean 2.5, biased variance
    /// 1.25, unbiased 5/3); channel 1 holds 10, 20, 30, 60 (mean 30, variance 350, unbiased
    /// 1400/3). γ = [2, 1], β = [0.5, −1].
    private func handLayer() -> (BatchNorm, Tensor) {
        var layer = BatchNorm(channels: 2)
        layer.weight = Tensor(shape: [2], scalars: [2, 1])
        layer.bias = Tensor(shape: [2], scalars: [0.5, -1])
        return (layer, Tensor(shape: [4, 2], scalars: [1, 10, 2, 20, 3, 30, 4, 60]))
    }

    @Test("training mode worked by hand: batch mean, biased variance, running statistics with the unbiased one")
    func trainingByHand() throws {
        var (layer, input) = handLayer()
        let trace = try layer.forward(input, mode: .training)
        // x̂ = (x − μ) / √(σ² + 1e-5); 1/√1.25001 = 0.8944236, 1/√350.00001 = 0.05345225.
        let expected: [Float] = [2 * -1.3416354 + 0.5, -1.0690450 - 1, 2 * -0.4472118 + 0.5, -0.5345225 - 1,
                                 2 * 0.4472118 + 0.5, 0 - 1, 2 * 1.3416354 + 0.5, 1.6035674 - 1]
        expectClose(trace.output, Tensor(shape: [4, 2], scalars: expected), tolerance: [Float](repeating: 2e-6, count: 8), "output")
        // running = 0.9 · (0, 1) + 0.1 · (mean, unbiased variance)
        #expect(abs(layer.runningMean.scalars[0] - 0.25) < 1e-7 && abs(layer.runningMean.scalars[1] - 3) < 1e-6)
        #expect(abs(layer.runningVariance.scalars[0] - (0.9 + 0.1 * 5.0 / 3)) < 1e-6)
        #expect(abs(layer.runningVariance.scalars[1] - (0.9 + 0.1 * 1400.0 / 3)) < 1e-4)

        // ∂L/∂y = 1 at the first row only: ∂L/∂β = 1, ∂L/∂γ = x̂₀,
        // ∂L/∂x = γ/√(σ² + ε) · (∂L/∂y − 1/4 − x̂ · x̂₀ / 4).
        let gradients = try layer.backward(trace, outputGradient: Tensor(shape: [4, 2], scalars: [1, 1, 0, 0, 0, 0, 0, 0]))
        expectClose(gradients.bias!, Tensor(shape: [2], scalars: [1, 1]), tolerance: [0, 0], "∂L/∂β")
        expectClose(gradients.weight, Tensor(shape: [2], scalars: [-1.3416354, -1.0690450]), tolerance: [1e-6, 1e-6], "∂L/∂γ")
        let expectedInput: [Float] = [0.53666061, 0.024817115, -0.71553674, -0.020999097, -0.17888687, -0.013363062, 0.35776301, 0.0095450436]
        expectClose(gradients.input, Tensor(shape: [4, 2], scalars: expectedInput), tolerance: [Float](repeating: 1e-6, count: 8), "∂L/∂x")
    }

    @Test("evaluation mode worked by hand: the running statistics, and no update")
    func evaluationByHand() throws {
        var (layer, input) = handLayer()
        layer.runningMean = Tensor(shape: [2], scalars: [1, 20])
        layer.runningVariance = Tensor(shape: [2], scalars: [4, 100])
        let before = (layer.runningMean, layer.runningVariance)
        let trace = try layer.forward(input, mode: .evaluation)
        let (a, b) = (1 / Float(4 + 1e-5).squareRoot(), 1 / Float(100 + 1e-5).squareRoot())
        let expected: [Float] = [0.5, -10 * b - 1, 2 * a + 0.5, -1, 4 * a + 0.5, 10 * b - 1, 6 * a + 0.5, 40 * b - 1]
        expectClose(trace.output, Tensor(shape: [4, 2], scalars: expected), tolerance: [Float](repeating: 1e-6, count: 8), "output")
        #expect(layer.runningMean == before.0 && layer.runningVariance == before.1)
        let gradients = try layer.backward(trace, outputGradient: Tensor(shape: [4, 2], repeating: 1))
        expectClose(gradients.input, Tensor(shape: [4, 2], scalars: [2 * a, b, 2 * a, b, 2 * a, b, 2 * a, b]), tolerance: [Float](repeating: 1e-7, count: 8), "∂L/∂x")
    }

    @Test("[N, C, H, W]: statistics per channel over N·H·W, against loops over the definition")
    func convolutionalLayout() throws {
        var random = SeededGenerator(seed: 21)
        for shape in [[2, 3, 4, 5], [1, 2, 3, 1], [5, 1, 1, 1], [3, 4]] {
            var layer = BatchNorm(channels: shape[1])
            layer.weight = random.tensor([shape[1]])
            layer.bias = random.tensor([shape[1]])
            let input = Tensor(shape: shape, scalars: random.floats(shape.reduce(1, *), in: -3..<5))
            let output = try layer.forward(input, mode: .training).output
            let (batch, channels, plane) = (shape[0], shape[1], shape.dropFirst(2).reduce(1, *))
            var expected = input
            for c in 0..<channels {
                var values: [Double] = []
                for n in 0..<batch { for p in 0..<plane { values.append(Double(input.scalars[(n * channels + c) * plane + p])) } }
                let mean = values.reduce(0, +) / Double(values.count)
                let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
                for n in 0..<batch {
                    for p in 0..<plane {
                        let i = (n * channels + c) * plane + p
                        expected.scalars[i] = Float((Double(input.scalars[i]) - mean) / (variance + 1e-5).squareRoot()) * layer.weight.scalars[c] + layer.bias.scalars[c]
                    }
                }
            }
            expectClose(output, expected, tolerance: [Float](repeating: 1e-5, count: expected.scalars.count), "\(shape)")
        }
    }

    @Test("backward agrees with finite differences in both modes, for x, γ and β", arguments: [BatchNorm.Mode.training, .evaluation])
    func gradients(mode: BatchNorm.Mode) throws {
        var random = SeededGenerator(seed: 22)
        for shape in [[4, 3], [2, 2, 3, 2], [3, 1, 1, 1]] {
            var layer = BatchNorm(channels: shape[1])
            layer.weight = Tensor(shape: [shape[1]], scalars: random.floats(shape[1], in: 0.5..<2))
            layer.bias = random.tensor([shape[1]])
            layer.runningMean = random.tensor([shape[1]])
            layer.runningVariance = Tensor(shape: [shape[1]], scalars: random.floats(shape[1], in: 0.5..<2))
            let input = random.tensor(shape)
            let upstream = random.tensor(shape)
            var updated = layer
            let gradients = try layer.backward(updated.forward(input, mode: mode), outputGradient: upstream)
            func loss(_ changed: BatchNorm, _ x: Tensor) -> Double {
                var fresh = changed
                return dot(try! fresh.forward(x, mode: mode).output, upstream)
            }
            expectNumericGradient(gradients.input, of: input, loss: { loss(layer, $0) }, "\(mode) \(shape) ∂L/∂x")
            expectNumericGradient(gradients.weight, of: layer.weight, loss: { var l = layer; l.weight = $0; return loss(l, input) }, "\(mode) \(shape) ∂L/∂γ")
            expectNumericGradient(gradients.bias!, of: layer.bias, loss: { var l = layer; l.bias = $0; return loss(l, input) }, "\(mode) \(shape) ∂L/∂β")
        }
    }

    @Test("training output has mean 0 and variance 1 per channel before γ and β; its gradient sums to 0")
    func normalizes() throws {
        var random = SeededGenerator(seed: 23)
        var layer = BatchNorm(channels: 3)
        let input = Tensor(shape: [64, 3], scalars: random.floats(192, in: -100..<300))
        let trace = try layer.forward(input, mode: .training)
        for c in 0..<3 {
            let column = (0..<64).map { Double(trace.output.scalars[$0 * 3 + c]) }
            let mean = column.reduce(0, +) / 64
            #expect(abs(mean) < 1e-5)
            #expect(abs(column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 64 - 1) < 1e-4)
        }
        let gradient = try layer.backward(trace, outputGradient: random.tensor([64, 3])).input
        for c in 0..<3 { #expect(abs((0..<64).reduce(0.0) { $0 + Double(gradient.scalars[$1 * 3 + c]) }) < 1e-5) }
    }

    @Test("shapes that do not fit, and a training batch with one value per channel, are errors")
    func errors() throws {
        var layer = BatchNorm(channels: 2)
        #expect(throws: ShapeError("a batch norm input is [N, 2, …] for this layer (2 channels); got [4, 3]")) { try layer.forward(Tensor(shape: [4, 3]), mode: .training) }
        #expect(throws: ShapeError("a batch norm input is [N, 2, …] for this layer (2 channels); got [2]")) { try layer.forward(Tensor(shape: [2]), mode: .evaluation) }
        #expect(throws: ShapeError("batch normalization in training mode needs more than one value per channel; got input [1, 2]")) {
            try layer.forward(Tensor(shape: [1, 2]), mode: .training)
        }
        #expect(throws: ShapeError("batch normalization in training mode needs more than one value per channel; got input [1, 2, 1, 1]")) {
            try layer.forward(Tensor(shape: [1, 2, 1, 1]), mode: .training)
        }
        let single = try layer.forward(Tensor(shape: [1, 2], scalars: [3, 4]), mode: .evaluation)
        #expect(single.output.scalars.allSatisfy { $0.isFinite })
    }
}
