import Foundation
import SeededRandom
import Testing
import _TestSupport

@testable import ConvCore

struct AdaptiveAveragePooling2DTests {
    @Test("bins worked by hand: divisible, overlapping where the output does not divide the input, repeating where it is larger")
    func binsByHand() throws {
        #expect(try AdaptiveAveragePooling2D.bins(input: 6, output: 3) == [0..<2, 2..<4, 4..<6])
        // ⌊0·5/3⌋ = 0 ..< ⌈5/3⌉ = 2, ⌊5/3⌋ = 1 ..< ⌈10/3⌉ = 4, ⌊10/3⌋ = 3 ..< 5.
        #expect(try AdaptiveAveragePooling2D.bins(input: 5, output: 3) == [0..<2, 1..<4, 3..<5])
        #expect(try AdaptiveAveragePooling2D.bins(input: 7, output: 3) == [0..<3, 2..<5, 4..<7])
        #expect(try AdaptiveAveragePooling2D.bins(input: 2, output: 3) == [0..<1, 0..<2, 1..<2])
        #expect(try AdaptiveAveragePooling2D.bins(input: 9, output: 1) == [0..<9])
        #expect(try AdaptiveAveragePooling2D.bins(input: 1, output: 4) == [0..<1, 0..<1, 0..<1, 0..<1])
    }

    @Test("forward and backward worked by hand: 5 → 3 along a row, 2×2 → 3×3")
    func byHand() throws {
        let pool = try AdaptiveAveragePooling2D(outputSize: Size2D(height: 1, width: 3))
        let row = try Tensor(shape: [1, 1, 1, 5], scalars: [1, 2, 3, 4, 5])
        #expect(try pool(row).scalars == [1.5, 3, 4.5])
        // Pixels 1 and 3 lie in two bins each: ½ + ⅓.
        let spread = try pool.backward(input: row, outputGradient: Tensor(shape: [1, 1, 1, 3], repeating: 1))
        expectClose(spread, try Tensor(shape: [1, 1, 1, 5], scalars: [0.5, 0.5 + 1.0 / 3, 1.0 / 3, 1.0 / 3 + 0.5, 0.5]), tolerance: [Float](repeating: 1e-7, count: 5), "5 → 3")

        // Bins [0, 1), [0, 2), [1, 2) on both axes: corners are pixels, edges pairs, the centre all four.
        let square = try Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])
        let grown = try AdaptiveAveragePooling2D(outputSize: Size2D(3))(square)
        #expect(grown.shape == [1, 1, 3, 3])
        #expect(grown.scalars == [1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4])
        // With ones upstream each pixel gets 1 (its corner) + ½ + ½ (its two edges) + ¼ (the centre).
        let back = try AdaptiveAveragePooling2D(outputSize: Size2D(3)).backward(input: square, outputGradient: Tensor(shape: [1, 1, 3, 3], repeating: 1))
        #expect(back.scalars == [2.25, 2.25, 2.25, 2.25])
    }

    @Test("global average pooling is one mean per channel; a divisible size is average pooling with kernel = stride = n / out")
    func specialCases() throws {
        var random = SeededGenerator(seed: 21)
        let x = try random.tensor([2, 3, 6, 4])
        let global = try AdaptiveAveragePooling2D.global(x)
        #expect(AdaptiveAveragePooling2D.global.outputSize == Size2D(1))
        #expect(global.shape == [2, 3, 1, 1])
        for plane in 0..<6 {
            let mean = x.scalars[plane * 24..<plane * 24 + 24].reduce(0, +) / 24
            #expect(abs(global.scalars[plane] - mean) <= 1e-6, "plane \(plane)")
        }
        let adaptive = try AdaptiveAveragePooling2D(outputSize: Size2D(height: 3, width: 2))
        let fixed = try Pooling2D(.average, kernelSize: Size2D(height: 2, width: 2))
        let upstream = try random.tensor([2, 3, 3, 2])
        expectClose(try adaptive(x), try fixed(x), tolerance: [Float](repeating: 1e-6, count: 36), "forward")
        expectClose(try adaptive.backward(input: x, outputGradient: upstream), try fixed.backward(input: x, outputGradient: upstream),
                    tolerance: [Float](repeating: 1e-6, count: x.count), "backward")
    }

    @Test("forward and backward equal the definition on random sizes, larger and smaller than the input", arguments: 1...12)
    func reference(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let (n, c, h, w) = (random.int(1...2), random.int(1...3), random.int(1...9), random.int(1...9))
        let (oh, ow) = (random.int(1...11), random.int(1...11))
        let input = try random.tensor([n, c, h, w]), upstream = try random.tensor([n, c, oh, ow])
        var expected = [Float](), gradient = [Float](repeating: 0, count: input.count)
        for b in 0..<n { for ch in 0..<c { for i in 0..<oh { for j in 0..<ow {
            // The bin by its definition, with real division and rounding.
            let rows = Int((Double(i * h) / Double(oh)).rounded(.down))..<Int((Double((i + 1) * h) / Double(oh)).rounded(.up))
            let columns = Int((Double(j * w) / Double(ow)).rounded(.down))..<Int((Double((j + 1) * w) / Double(ow)).rounded(.up))
            let size = Float(rows.count * columns.count)
            var sum: Float = 0
            for row in rows { for column in columns {
                sum += input[b, ch, row, column]
                gradient[((b * c + ch) * h + row) * w + column] += upstream[b, ch, i, j] / size
            } }
            expected.append(sum / size)
        } } } }
        let pool = try AdaptiveAveragePooling2D(outputSize: Size2D(height: oh, width: ow))
        let output = try pool(input)
        #expect(output.shape == [n, c, oh, ow])
        #expect(zip(output.scalars, expected).allSatisfy { abs($0 - $1) <= 1e-6 * max(1, abs($1)) }, "forward")
        let backward = try pool.backward(input: input, outputGradient: upstream)
        #expect(zip(backward.scalars, gradient).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) }, "backward")
    }

    @Test("the gradient agrees with finite differences")
    func finiteDifferences() throws {
        var random = SeededGenerator(seed: 22)
        for size in [Size2D(height: 3, width: 4), Size2D(height: 7, width: 2)] {
            let pool = try AdaptiveAveragePooling2D(outputSize: size)
            let x = try random.tensor([2, 2, 5, 6])
            let outputGradient = try random.tensor(try pool(x).shape)
            try expectNumericGradient(try pool.backward(input: x, outputGradient: outputGradient), of: x, loss: { x in dot(try pool(x), outputGradient) }, "\(size)")
        }
    }

    @Test("an empty output, an input that is not [N, C, H, W] or has no pixels, and a wrong output gradient are errors")
    func errors() throws {
        #expect(throws: ShapeError("adaptive pooling output 3×0 must be at least 1×1")) { try AdaptiveAveragePooling2D(outputSize: Size2D(height: 0, width: 3)) }
        let pool = try AdaptiveAveragePooling2D(outputSize: Size2D(2))
        #expect(throws: ShapeError("an adaptive pooling input is [N, C, H, W]; got [4, 4]")) { try pool(Tensor(shape: [4, 4])) }
        #expect(throws: ShapeError("an adaptive pooling input needs at least one pixel; got 3×0")) { try pool(Tensor(shape: [1, 1, 0, 3])) }
        #expect(throws: ShapeError("the output gradient has shape [1, 1, 2, 1]; this layer's output is [1, 1, 2, 2]")) {
            try pool.backward(input: Tensor(shape: [1, 1, 5, 5]), outputGradient: Tensor(shape: [1, 1, 2, 1]))
        }
        #expect(throws: ShapeError("adaptive pooling of 0 pixels into 3 bins: both must be at least 1")) { try AdaptiveAveragePooling2D.bins(input: 0, output: 3) }
        #expect(throws: ShapeError("adaptive pooling of \(Int.max / 2) pixels into 3 bins: too large to compute with")) {
            try AdaptiveAveragePooling2D.bins(input: Int.max / 2, output: 3)
        }
    }

    struct Case: Decodable {
        let output_size: [Int]
        let x_shape: [Int], x: [Float], y_shape: [Int], y: [Float], dy: [Float], dx: [Float]
    }

    struct Fixture: Decodable {
        let adaptive: [Case]
    }

    @Test("equals PyTorch's nn.AdaptiveAvgPool2d on 7×7 → 3×3, 10×6 → 4×5, 2×2 → 3×3, 5×9 → 2×4 and 6×4 → 1×1 (Fixtures/pytorch-pooling.json)")
    func matchesPyTorch() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/pytorch-pooling.json")
        let cases = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url)).adaptive
        #expect(cases.map { [$0.x_shape[2], $0.x_shape[3]] + $0.output_size } == [[7, 7, 3, 3], [10, 6, 4, 5], [2, 2, 3, 3], [5, 9, 2, 4], [6, 4, 1, 1]])
        for (index, c) in cases.enumerated() {
            let pool = try AdaptiveAveragePooling2D(outputSize: Size2D(height: c.output_size[0], width: c.output_size[1]))
            let input = try Tensor(shape: c.x_shape, scalars: c.x)
            let output = try pool(input)
            #expect(output.shape == c.y_shape, "case \(index): output shape")
            guard output.shape == c.y_shape else { continue }
            // Means of at most 24 terms of order 1, summed in another order than PyTorch's.
            expectClose(output, try Tensor(shape: c.y_shape, scalars: c.y), tolerance: c.y.map { 1e-6 * max(1, abs($0)) }, "case \(index): output")
            let gradient = try pool.backward(input: input, outputGradient: Tensor(shape: c.y_shape, scalars: c.dy))
            expectClose(gradient, try Tensor(shape: c.x_shape, scalars: c.dx), tolerance: c.dx.map { 1e-6 * max(1, abs($0)) }, "case \(index): input gradient")
        }
    }
}
