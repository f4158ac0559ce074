import SeededRandom
import Testing
import _TestSupport

@testable import ConvCore

struct BatchNormTests {
    /// Two channels of four values: channel 0 holds 1, 2, 3, 4 (mean 2.5, biased variance
    /// 1.25, unbiased 5/3); channel 1 holds 10, 20, 30, 60 (mean 30, variance 350, unbiased
    /// 1400/3). γ = [2, 1], β = [0.5, −1].
    private func handLayer() throws -> (BatchNorm, Tensor) {
        let layer = try BatchNorm(channels: 2)
            .replacing(parameter: 0, with: try Tensor(shape: [2], scalars: [2, 1]))
            .replacing(parameter: 1, with: try Tensor(shape: [2], scalars: [0.5, -1]))
        return (layer, try Tensor(shape: [4, 2], scalars: [1, 10, 2, 20, 3, 30, 4, 60]))
    }

    @Test("training mode worked by hand: batch mean, biased variance, running statistics with the unbiased one")
    func trainingByHand() throws {
        var (layer, input) = try handLayer()
        let output = try layer.forward(input, mode: .training)
        // x̂ = (x − μ) / √(σ² + 1e-5); 1/√1.25001 = 0.8944236, 1/√350.00001 = 0.05345225.
        let expected: [Float] = [2 * -1.3416354 + 0.5, -1.0690450 - 1, 2 * -0.4472118 + 0.5, -0.5345225 - 1,
                                 2 * 0.4472118 + 0.5, 0 - 1, 2 * 1.3416354 + 0.5, 1.6035674 - 1]
        expectClose(output, try Tensor(shape: [4, 2], scalars: expected), tolerance: [Float](repeating: 2e-6, count: 8), "output")
        // running = 0.9 · (0, 1) + 0.1 · (mean, unbiased variance)
        #expect(abs(layer.runningMean.scalars[0] - 0.25) < 1e-7 && abs(layer.runningMean.scalars[1] - 3) < 1e-6)
        #expect(abs(layer.runningVariance.scalars[0] - (0.9 + 0.1 * 5.0 / 3)) < 1e-6)
        #expect(abs(layer.runningVariance.scalars[1] - (0.9 + 0.1 * 1400.0 / 3)) < 1e-4)

        // ∂L/∂y = 1 at the first row only: ∂L/∂β = 1, ∂L/∂γ = x̂₀,
        // ∂L/∂x = γ/√(σ² + ε) · (∂L/∂y − 1/4 − x̂ · x̂₀ / 4).
        let gradients = try layer.backward(input: input, outputGradient: try Tensor(shape: [4, 2], scalars: [1, 1, 0, 0, 0, 0, 0, 0]))
        expectClose(try #require(gradients.bias), try Tensor(shape: [2], scalars: [1, 1]), tolerance: [0, 0], "∂L/∂β")
        expectClose(gradients.weight, try Tensor(shape: [2], scalars: [-1.3416354, -1.0690450]), tolerance: [1e-6, 1e-6], "∂L/∂γ")
        let expectedInput: [Float] = [0.53666061, 0.024817115, -0.71553674, -0.020999097, -0.17888687, -0.013363062, 0.35776301, 0.0095450436]
        expectClose(gradients.input, try Tensor(shape: [4, 2], scalars: expectedInput), tolerance: [Float](repeating: 1e-6, count: 8), "∂L/∂x")
    }

    @Test("evaluation mode worked by hand: the running statistics, and no update")
    func evaluationByHand() throws {
        var (layer, input) = try handLayer()
        try layer.setRunningStatistics(mean: Tensor(shape: [2], scalars: [1, 20]), variance: Tensor(shape: [2], scalars: [4, 100]))
        #expect(layer.runningMean.scalars == [1, 20] && layer.runningVariance.scalars == [4, 100])
        let before = (layer.runningMean, layer.runningVariance)
        let output = try layer.forward(input, mode: .evaluation)
        let (a, b) = (1 / Float(4 + 1e-5).squareRoot(), 1 / Float(100 + 1e-5).squareRoot())
        let expected: [Float] = [0.5, -10 * b - 1, 2 * a + 0.5, -1, 4 * a + 0.5, 10 * b - 1, 6 * a + 0.5, 40 * b - 1]
        expectClose(output, try Tensor(shape: [4, 2], scalars: expected), tolerance: [Float](repeating: 1e-6, count: 8), "output")
        #expect(layer.runningMean == before.0 && layer.runningVariance == before.1)
        let gradients = try layer.backward(input: input, outputGradient: try Tensor(shape: [4, 2], repeating: 1))
        expectClose(gradients.input, try Tensor(shape: [4, 2], scalars: [2 * a, b, 2 * a, b, 2 * a, b, 2 * a, b]), tolerance: [Float](repeating: 1e-7, count: 8), "∂L/∂x")
    }

    @Test("[N, C, H, W]: statistics per channel over N·H·W, against loops over the definition")
    func convolutionalLayout() throws {
        var random = SeededGenerator(seed: 21)
        // Planes of 20, 3 and 1 values, and of 323 and 600: whole vectors, blocks of 256
        // and a partial vector at the end.
        for shape in [[2, 3, 4, 5], [1, 2, 3, 1], [5, 1, 1, 1], [3, 4], [2, 3, 17, 19], [1, 2, 1, 600]] {
            var layer = try BatchNorm(channels: shape[1])
                .replacing(parameter: 0, with: try random.tensor([shape[1]]))
                .replacing(parameter: 1, with: try random.tensor([shape[1]]))
            let input = try Tensor(shape: shape, scalars: random.floats(try Tensor.count(of: shape), in: -3..<5))
            let output = try layer.forward(input, mode: .training)
            let (batch, channels, plane) = (shape[0], shape[1], shape.dropFirst(2).reduce(1, *))
            var expected = [Float](repeating: .nan, count: input.count)
            for c in 0..<channels {
                var values: [Double] = []
                for n in 0..<batch { for p in 0..<plane { values.append(Double(input.scalars[(n * channels + c) * plane + p])) } }
                let mean = values.reduce(0, +) / Double(values.count)
                let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
                for n in 0..<batch {
                    for p in 0..<plane {
                        let i = (n * channels + c) * plane + p
                        expected[i] = Float((Double(input.scalars[i]) - mean) / (variance + 1e-5).squareRoot()) * layer.weight.scalars[c] + layer.bias.scalars[c]
                    }
                }
            }
            expectClose(output, try Tensor(shape: shape, scalars: expected), tolerance: [Float](repeating: 1e-5, count: expected.count), "\(shape)")
        }
    }

    @Test("backward on planes of whole vectors and a partial one equals its formula computed in Double", arguments: [Mode.training, .evaluation])
    func backwardFormula(mode: Mode) throws {
        var random = SeededGenerator(seed: 23)
        let shape = [2, 3, 9, 37]
        var layer = try BatchNorm(channels: 3).replacing(parameter: 0, with: try random.tensor([3])).replacing(parameter: 1, with: try random.tensor([3]))
        try layer.setRunningStatistics(mean: try random.tensor([3]), variance: Tensor(shape: [3], scalars: [0.5, 1, 2]))
        let input = try Tensor(shape: shape, scalars: random.floats(try Tensor.count(of: shape), in: -3..<5))
        let upstream = try random.tensor(shape)
        let (runningMean, runningVariance) = (layer.runningMean.scalars, layer.runningVariance.scalars)
        _ = try layer.forward(input, mode: mode)
        let gradients = try layer.backward(input: input, outputGradient: upstream)
        let plane = 9 * 37
        var (expected, weight, bias) = ([Double](repeating: .nan, count: input.count), [Double](repeating: 0, count: 3), [Double](repeating: 0, count: 3))
        for c in 0..<3 {
            let indices: [Int] = Array((c * plane)..<((c + 1) * plane)) + Array(((3 + c) * plane)..<((4 + c) * plane))
            let x: [Double] = indices.map { Double(input.scalars[$0]) }
            let dy: [Double] = indices.map { Double(upstream.scalars[$0]) }
            let m = Double(x.count)
            var (mean, variance) = (Double(runningMean[c]), Double(runningVariance[c]))
            if mode == .training {
                mean = x.reduce(0, +) / m
                variance = x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / m
            }
            let inverse: Double = 1 / (variance + 1e-5).squareRoot()
            let normalized: [Double] = x.map { ($0 - mean) * inverse }
            bias[c] = dy.reduce(0, +)
            weight[c] = zip(dy, normalized).map { $0 * $1 }.reduce(0, +)
            let scale: Double = Double(layer.weight.scalars[c]) * inverse
            for (k, i) in indices.enumerated() {
                let centered: Double = mode == .training ? dy[k] - bias[c] / m - normalized[k] * weight[c] / m : dy[k]
                expected[i] = scale * centered
            }
        }
        let largest = expected.map(abs).max() ?? 1
        expectClose(gradients.input, try Tensor(shape: shape, scalars: expected.map { Float($0) }), tolerance: [Float](repeating: Float(1e-5 * largest), count: expected.count), "\(mode) ∂L/∂x")
        expectClose(gradients.weight, try Tensor(shape: [3], scalars: weight.map { Float($0) }), tolerance: weight.map { Float(1e-5 * max(1, abs($0))) }, "\(mode) ∂L/∂γ")
        expectClose(try #require(gradients.bias), try Tensor(shape: [3], scalars: bias.map { Float($0) }), tolerance: bias.map { Float(1e-5 * max(1, abs($0))) }, "\(mode) ∂L/∂β")
    }

    @Test("backward agrees with finite differences in both modes, for x, γ and β", arguments: [Mode.training, .evaluation])
    func gradients(mode: Mode) throws {
        var random = SeededGenerator(seed: 22)
        for shape in [[4, 3], [2, 2, 3, 2], [3, 1, 1, 1]] {
            let channels = shape[1]
            var layer = try BatchNorm(channels: channels)
                .replacing(parameter: 0, with: try Tensor(shape: [channels], scalars: random.floats(channels, in: 0.5..<2)))
                .replacing(parameter: 1, with: try random.tensor([channels]))
            try layer.setRunningStatistics(mean: random.tensor([channels]), variance: Tensor(shape: [channels], scalars: random.floats(channels, in: 0.5..<2)))
            let input = try random.tensor(shape)
            let upstream = try random.tensor(shape)
            var trained = layer
            _ = try trained.forward(input, mode: mode)
            let gradients = try trained.backward(input: input, outputGradient: upstream)
            // Every loss is taken from the layer as it was before that forward pass.
            func loss(_ changed: BatchNorm, _ x: Tensor) throws -> Double {
                var fresh = changed
                return dot(try fresh.forward(x, mode: mode), upstream)
            }
            try expectNumericGradient(gradients.input, of: input, loss: { try loss(layer, $0) }, "\(mode) \(shape) ∂L/∂x")
            try expectNumericGradient(gradients.weight, of: layer.weight, loss: { try loss(layer.replacing(parameter: 0, with: $0), input) }, "\(mode) \(shape) ∂L/∂γ")
            try expectNumericGradient(try #require(gradients.bias), of: layer.bias, loss: { try loss(layer.replacing(parameter: 1, with: $0), input) }, "\(mode) \(shape) ∂L/∂β")
        }
    }

    @Test("training output has mean 0 and variance 1 per channel before γ and β; its gradient sums to 0")
    func normalizes() throws {
        var random = SeededGenerator(seed: 23)
        var layer = try BatchNorm(channels: 3)
        let input = try Tensor(shape: [64, 3], scalars: random.floats(192, in: -100..<300))
        let output = try layer.forward(input, mode: .training)
        for c in 0..<3 {
            let column = (0..<64).map { Double(output.scalars[$0 * 3 + c]) }
            let mean = column.reduce(0, +) / 64
            #expect(abs(mean) < 1e-5)
            #expect(abs(column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 64 - 1) < 1e-4)
        }
        let gradient = try layer.backward(input: input, outputGradient: try random.tensor([64, 3])).input
        for c in 0..<3 { #expect(abs((0..<64).reduce(0.0) { $0 + Double(gradient.scalars[$1 * 3 + c]) }) < 1e-5) }
    }

    @Test("shapes that do not fit, and a training batch with one value per channel, are errors")
    func errors() throws {
        #expect(throws: ShapeError("batch normalization needs at least 1 channel; got 0")) { try BatchNorm(channels: 0) }
        var layer = try BatchNorm(channels: 2)
        #expect(throws: ShapeError("a batch norm input is [N, 2, …] for this layer (2 channels); got [4, 3]")) { try layer.forward(Tensor(shape: [4, 3]), mode: .training) }
        #expect(throws: ShapeError("a batch norm input is [N, 2, …] for this layer (2 channels); got [2]")) { try layer.forward(Tensor(shape: [2]), mode: .evaluation) }
        #expect(throws: ShapeError("batch normalization in training mode needs more than one value per channel; got input [1, 2]")) {
            try layer.forward(Tensor(shape: [1, 2]), mode: .training)
        }
        #expect(throws: ShapeError("batch normalization in training mode needs more than one value per channel; got input [1, 2, 1, 1]")) {
            try layer.forward(Tensor(shape: [1, 2, 1, 1]), mode: .training)
        }
        #expect(throws: ShapeError("running statistics of 2 channels are [2] each; got [3] and [2]")) {
            try layer.setRunningStatistics(mean: Tensor(shape: [3]), variance: Tensor(shape: [2], repeating: 1))
        }
        #expect(throws: ShapeError("running statistics of 2 channels are [2] each; got [2] and [1, 2]")) {
            try layer.setRunningStatistics(mean: Tensor(shape: [2]), variance: Tensor(shape: [1, 2], repeating: 1))
        }
        #expect(layer.runningMean.scalars == [0, 0] && layer.runningVariance.scalars == [1, 1])
        #expect(throws: ShapeError("batch normalization in training mode needs more than one value per channel; got input [0, 2]")) {
            try layer.forward(Tensor(shape: [0, 2]), mode: .training)
        }
        #expect(try layer.forward(Tensor(shape: [0, 2]), mode: .evaluation).shape == [0, 2])  // an empty batch: an empty output
        #expect(throws: ShapeError("a batch norm input is [N, 2, …] for this layer (2 channels); got [3, 2, 0]")) { try layer.forward(Tensor(shape: [3, 2, 0]), mode: .evaluation) }
        let single = try layer.forward(Tensor(shape: [1, 2], scalars: [3, 4]), mode: .evaluation)
        #expect(single.scalars.allSatisfy { $0.isFinite })
    }

    @Test("backward needs the forward pass of this very input, with the parameters unchanged since, and an output gradient of its shape")
    func backwardErrors() throws {
        var layer = try BatchNorm(channels: 2)
        let input = try Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 7])
        #expect(throws: ShapeError("batch normalization's backward pass needs the forward pass of this input [3, 2] first")) {
            try layer.backward(input: input, outputGradient: Tensor(shape: [3, 2]))
        }
        _ = try layer.forward(input, mode: .training)
        #expect(throws: ShapeError("batch normalization's backward pass needs the forward pass of this input [4, 2] first")) {
            try layer.backward(input: Tensor(shape: [4, 2]), outputGradient: Tensor(shape: [4, 2]))
        }
        // Another input of the same shape, or the same input after a forward pass of another:
        // the statistics kept are not its own.
        let other = try Tensor(shape: [3, 2], scalars: [0, 1, 0, 1, 0, 1])
        #expect(throws: ShapeError("batch normalization's backward pass needs the forward pass of this input [3, 2] first")) {
            try layer.backward(input: other, outputGradient: Tensor(shape: [3, 2]))
        }
        var interleaved = layer
        _ = try interleaved.forward(other, mode: .evaluation)
        #expect(throws: ShapeError("batch normalization's backward pass needs the forward pass of this input [3, 2] first")) {
            try interleaved.backward(input: input, outputGradient: Tensor(shape: [3, 2]))
        }
        // An equal copy of the input is the same input.
        let copy = try Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 7])
        #expect(try layer.backward(input: copy, outputGradient: Tensor(shape: [3, 2], repeating: 1)) .input.shape == [3, 2])
        var updated = layer
        updated.updateParameters { _, parameter in parameter = parameter.map { $0 * 2 } }
        #expect(throws: ShapeError("batch normalization's backward pass needs the forward pass of this input [3, 2] first")) {
            try updated.backward(input: input, outputGradient: Tensor(shape: [3, 2]))
        }
        #expect(throws: ShapeError("the output gradient has shape [2, 3]; this batch norm's output is [3, 2]")) {
            try layer.backward(input: input, outputGradient: Tensor(shape: [2, 3]))
        }
        #expect(try layer.backward(input: input, outputGradient: Tensor(shape: [3, 2])).input.shape == [3, 2])
    }
}
