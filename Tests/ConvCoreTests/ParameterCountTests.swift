import Testing

@testable import ConvCore

struct ParameterCountTests {
    @Test("a 3×3 kernel on 1920×1080: 9 weights; a 1000-neuron FC layer: 2,073,600,000")
    func theHeadlineFigures() throws {
        let positions = 1918 * 1078  // (1920 − 3)/1 + 1 by (1080 − 3)/1 + 1
        let convolution = try ParameterCount.convolution(inChannels: 1, outChannels: 1, kernel: Size2D(3), groups: 1, bias: true, outputPositions: positions)
        #expect((convolution.weights, convolution.biases, convolution.parameters) == (9, 1, 10))
        #expect(convolution.macs == 18_608_436)
        let local = try ParameterCount.locallyConnected(inChannels: 1, outChannels: 1, kernel: Size2D(3), groups: 1, bias: true, outputPositions: positions)
        #expect((local.weights, local.biases, local.parameters, local.macs) == (18_608_436, 2_067_604, 20_676_040, 18_608_436))
        let fc = try ParameterCount.fullyConnected(inFeatures: 1920 * 1080, outFeatures: 1000, bias: true)
        #expect((fc.weights, fc.biases, fc.parameters, fc.macs) == (2_073_600_000, 1000, 2_073_601_000, 2_073_600_000))
        #expect(try fc.bytes == 8_294_404_000)  // 8.29 GB in float32
    }

    @Test("RGB input, 64 filters, stride 2, groups and no bias, counted by hand")
    func variations() throws {
        // 3 channels → 64 filters of 3×3: 64·3·9 = 1,728 weights, 64 biases.
        let rgb = try ParameterCount.convolution(inChannels: 3, outChannels: 64, kernel: Size2D(3), groups: 1, bias: true, outputPositions: 1918 * 1078)
        #expect((rgb.weights, rgb.biases) == (1_728, 64))
        #expect(rgb.macs == 1_728 * 2_067_604)
        // Stride 2 on 1920×1080: ⌊1917/2⌋ + 1 = 959 by ⌊1077/2⌋ + 1 = 539 positions.
        let geometry = try ConvGeometry(input: Size2D(height: 1080, width: 1920), kernel: Size2D(3), stride: Size2D(2))
        #expect(geometry.positions == 959 * 539)
        let strided = try ParameterCount.convolution(inChannels: 1, outChannels: 1, kernel: Size2D(3), groups: 1, bias: true, outputPositions: geometry.positions)
        #expect(strided.macs == 4_652_109)
        // 8 → 16 channels in 4 groups: each filter sees 2 channels: 16·2·3·5 weights.
        let grouped = try ParameterCount.convolution(inChannels: 8, outChannels: 16, kernel: Size2D(height: 3, width: 5), groups: 4, bias: false, outputPositions: 10)
        #expect((grouped.weights, grouped.biases, grouped.macs) == (480, 0, 4_800))
        let noBias = try ParameterCount.fullyConnected(inFeatures: 400, outFeatures: 120, bias: false)
        #expect((noBias.parameters, noBias.biases) == (48_000, 0))
    }

    @Test("a count beyond 64 bits is an error that says which, never a wrapped number")
    func overflow() {
        #expect(throws: ShapeError("the fully-connected layer's weights, 30000000000 × 100000000000, exceed the largest 64-bit integer (9223372036854775807)")) {
            try ParameterCount.fullyConnected(inFeatures: 100_000 * 100_000 * 3, outFeatures: 100_000_000_000, bias: true)
        }
        #expect(throws: ShapeError.self) { try exactSum("", Int.max, 1) }
        #expect(throws: ShapeError.self) {
            try ParameterCount.locallyConnected(inChannels: 1 << 20, outChannels: 1 << 20, kernel: Size2D(1 << 10), groups: 1, bias: true, outputPositions: 1 << 10)
        }
        #expect(throws: ShapeError.self) { try ParameterCount(weights: Int.max, biases: 1, macs: 0) }
    }

    @Test("activations, pooling and flatten count zero of everything")
    func zero() throws {
        let zero = ParameterCount.zero
        #expect((zero.weights, zero.biases, zero.parameters, zero.macs) == (0, 0, 0, 0))
        #expect(try zero.bytes == 0)
        #expect(zero == (try ParameterCount(weights: 0, biases: 0, macs: 0)))
    }
}

struct LocalInSpecTests {
    @Test("LeNet-5 with locally connected layers in place of its convolutions: 423,038 parameters")
    func lenetLocal() throws {
        let spec = try NetworkSpec(parsing: "input 28x28; local 6 k=5 p=2; relu; maxpool 2; local 16 k=5; relu; maxpool 2; flatten; fc 120; relu; fc 84; relu; fc 10")
        let summary = try NetworkSummary(spec)
        #expect(summary.totalParameters == 423_038)
        #expect(summary.rows[0].count.parameters == 784 * 6 * 25 + 784 * 6)
        #expect(summary.rows[0].fullyConnectedEquivalent == nil)
    }
}
