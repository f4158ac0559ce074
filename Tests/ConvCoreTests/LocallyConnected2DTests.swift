import ConvCore
import SeededRandom
import Testing
import _TestSupport

struct LocallyConnected2DTests {
    /// A layer of random weights on random shapes: padding, stride and dilation included.
    func layer(_ random: inout SeededGenerator, bias: Bool = true) throws -> (LocallyConnected2D, Tensor) {
        let (c, o, kh, kw) = (random.int(1...3), random.int(1...4), random.int(1...3), random.int(1...3))
        let (sh, sw, ph, pw, dh, dw) = (random.int(1...2), random.int(1...2), random.int(0...1), random.int(0...1), random.int(1...2), random.int(1...2))
        let size = Size2D(height: random.int((dh * (kh - 1) + 1)...7), width: random.int((dw * (kw - 1) + 1)...7))
        let geometry = try ConvGeometry(input: size, kernel: Size2D(height: kh, width: kw), stride: Size2D(height: sh, width: sw),
                                        padding: .explicit(Size2D(height: ph, width: pw)), dilation: Size2D(height: dh, width: dw))
        let layer = try LocallyConnected2D(
            weight: try random.tensor([geometry.positions, o, c * kh * kw]), bias: bias ? try random.tensor([geometry.positions, o]) : nil,
            inChannels: c, inputSize: size, kernelSize: Size2D(height: kh, width: kw), stride: Size2D(height: sh, width: sw),
            padding: .explicit(Size2D(height: ph, width: pw)), dilation: Size2D(height: dh, width: dw))
        return (layer, try random.tensor([random.int(1...3), c, size.height, size.width]))
    }

    /// The definition: out[n, o, y, x] = b[p, o] + Σ w[p, o, (c, i, j)] · in[n, c, y·s − p + i·d, x·s − p + j·d].
    func reference(_ layer: LocallyConnected2D, _ input: Tensor) -> [Float] {
        let g = layer.geometry
        let (n, c, o) = (input.shape[0], layer.inChannels, layer.outChannels)
        var result: [Float] = []
        for b in 0..<n { for oc in 0..<o { for y in 0..<g.height.output { for x in 0..<g.width.output {
            let p = y * g.width.output + x
            var sum = layer.bias.map { $0[p, oc] } ?? 0
            for ch in 0..<c { for i in 0..<g.height.kernel { for j in 0..<g.width.kernel {
                let row = y * g.height.stride - g.height.padBefore + i * g.height.dilation
                let column = x * g.width.stride - g.width.padBefore + j * g.width.dilation
                guard (0..<g.height.input).contains(row), (0..<g.width.input).contains(column) else { continue }
                sum += layer.weight[p, oc, (ch * g.height.kernel + i) * g.width.kernel + j] * input[b, ch, row, column]
            } } }
            result.append(sum)
        } } } }
        return result
    }

    @Test("forward equals the definition on random shapes, with and without bias", arguments: 1...10)
    func forward(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let (layer, input) = try layer(&random, bias: seed % 2 == 0)
        let output = try layer(input, threads: 1)
        #expect(output.shape == [input.shape[0], layer.outChannels, layer.geometry.height.output, layer.geometry.width.output])
        #expect(zip(output.scalars, reference(layer, input)).allSatisfy { abs($0 - $1) <= 1e-4 * max(1, abs($1)) })
        #expect(try layer(input, threads: 3) == output)
    }

    @Test("the same kernel at every position is a convolution")
    func sharedIsConvolution() throws {
        var random = SeededGenerator(seed: 5)
        let kernel = try random.tensor([4, 2, 3, 3])
        let conv = try Conv2D(weight: kernel, stride: Size2D(1), padding: .explicit(Size2D(1)))
        let positions = 6 * 5
        let local = try LocallyConnected2D(
            weight: try Tensor(shape: [positions, 4, 18], scalars: Array((0..<positions).map { _ in kernel.scalars }.joined())), bias: nil,
            inChannels: 2, inputSize: Size2D(height: 6, width: 5), kernelSize: Size2D(3), padding: .explicit(Size2D(1)))
        let input = try random.tensor([2, 2, 6, 5])
        #expect(zip(try local(input).scalars, try conv(input).scalars).allSatisfy { abs($0 - $1) <= 1e-5 })
    }

    @Test("every gradient agrees with finite differences", arguments: 1...4)
    func gradients(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed + 100)
        let (layer, input) = try layer(&random)
        let upstream = try random.tensor([input.shape[0], layer.outChannels, layer.geometry.height.output, layer.geometry.width.output])
        let gradients = try layer.backward(input: input, outputGradient: upstream, threads: 2)
        try expectNumericGradient(gradients.input, of: input, loss: { dot(try layer($0), upstream) }, random: &random, "∂L/∂input")
        try expectNumericGradient(gradients.weight, of: layer.weight, loss: { weight in
            dot(try LocallyConnected2D(weight: weight, bias: layer.bias, inChannels: layer.inChannels, inputSize: layer.inputSize, kernelSize: layer.kernelSize,
                                       stride: layer.stride, padding: layer.padding, dilation: layer.dilation)(input), upstream)
        }, samples: 60, random: &random, "∂L/∂weight")
        let bias = try #require(gradients.bias)
        try expectNumericGradient(bias, of: layer.bias!, loss: { bias in
            dot(try LocallyConnected2D(weight: layer.weight, bias: bias, inChannels: layer.inChannels, inputSize: layer.inputSize, kernelSize: layer.kernelSize,
                                       stride: layer.stride, padding: layer.padding, dilation: layer.dilation)(input), upstream)
        }, random: &random, "∂L/∂bias")
        #expect(try layer.backward(input: input, outputGradient: upstream, threads: 1).weight == gradients.weight)
    }

    @Test("shapes that do not fit are errors, never traps")
    func shapes() throws {
        #expect(throws: ShapeError.self) {
            try LocallyConnected2D(weight: try Tensor(shape: [3, 2, 9]), bias: nil, inChannels: 1, inputSize: Size2D(4), kernelSize: Size2D(3))
        }
        let layer = try LocallyConnected2D(weight: try Tensor(shape: [4, 2, 9]), bias: nil, inChannels: 1, inputSize: Size2D(4), kernelSize: Size2D(3))
        #expect(throws: ShapeError.self) { try layer(try Tensor(shape: [1, 1, 5, 4])) }
        #expect(throws: ShapeError.self) { try layer.backward(input: try Tensor(shape: [1, 1, 4, 4]), outputGradient: try Tensor(shape: [1, 2, 3, 2])) }
    }
}
