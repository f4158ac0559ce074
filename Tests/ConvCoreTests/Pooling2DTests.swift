import Foundation
import SeededRandom
import Testing
import _TestSupport

@testable import ConvCore

struct Pooling2DTests {
    // [ 1  2  5  6]
    // [ 3  4  7  8]      2×2 max: [4 8]      2×2 average: [2.5  6.5]
    // [ 9 10 13 14]               [12 16]                 [10.5 14.5]
    // [11 12 15 16]
    let input: Tensor

    init() throws {
        input = try Tensor(shape: [1, 1, 4, 4], scalars: [1, 2, 5, 6, 3, 4, 7, 8, 9, 10, 13, 14, 11, 12, 15, 16])
    }

    @Test("2×2 max and average pooling worked by hand")
    func byHand() throws {
        #expect(try Pooling2D(.max)(input).scalars == [4, 8, 12, 16])
        #expect(try Pooling2D(.average)(input).scalars == [2.5, 6.5, 10.5, 14.5])
        // 3×3 windows with stride 2 on a 5×5 input (AlexNet's pooling): ⌊(5 − 3)/2⌋ + 1 = 2.
        let five = try Tensor(shape: [1, 1, 5, 5], scalars: (0..<25).map(Float.init))
        #expect(try Pooling2D(.max, kernelSize: Size2D(3), stride: Size2D(2))(five).scalars == [12, 14, 22, 24])
    }

    @Test("max pooling routes each gradient to its window's winner, the first on a tie; average spreads it")
    func backward() throws {
        let gradient = try Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])
        let routed = try Pooling2D(.max).backward(input: input, outputGradient: gradient)
        #expect(routed.scalars == [0, 0, 0, 0, 0, 1, 0, 2, 0, 0, 0, 0, 0, 3, 0, 4])
        let tie = try Tensor(shape: [1, 1, 2, 2], repeating: 7)
        let tieGradient = try Pooling2D(.max).backward(input: tie, outputGradient: Tensor(shape: [1, 1, 1, 1], scalars: [5]))
        #expect(tieGradient.scalars == [5, 0, 0, 0])
        let spread = try Pooling2D(.average).backward(input: input, outputGradient: gradient)
        #expect(spread.scalars == [0.25, 0.25, 0.5, 0.5, 0.25, 0.25, 0.5, 0.5, 0.75, 0.75, 1, 1, 0.75, 0.75, 1, 1])
    }

    @Test("a NaN wins its window, wherever it stands in it, as in PyTorch; the gradient goes to it")
    func notANumber() throws {
        for position in 0..<4 {
            var scalars: [Float] = [1, 2, 3, 4]
            scalars[position] = .nan
            let window = try Tensor(shape: [1, 1, 2, 2], scalars: scalars)
            #expect(try Pooling2D(.max)(window).scalars[0].isNaN, "NaN at \(position)")
            let routed = try Pooling2D(.max).backward(input: window, outputGradient: Tensor(shape: [1, 1, 1, 1], scalars: [5]))
            #expect(routed.scalars == (0..<4).map { $0 == position ? 5 : 0 }, "NaN at \(position)")
        }
    }

    @Test("NaN, −∞ and ties in rows of whole vectors of windows: the same winners as one window alone")
    func notANumberInWideRows() throws {
        // Two rows of 34: 17 windows, two whole vectors of eight and one left over. Window w
        // holds (0, 2w), (0, 2w + 1), (1, 2w), (1, 2w + 1), at flat indices 2w, 2w + 1, 34 + 2w, 35 + 2w.
        var scalars = [Float](repeating: 1, count: 68)
        scalars[5] = .nan                               // window 2: its top right
        (scalars[6], scalars[41]) = (.nan, .nan)        // window 3: two NaNs, the first wins
        scalars[54] = .nan                              // window 10: its bottom left
        for i in [32, 33, 66, 67] { scalars[i] = -.infinity }  // window 16, the leftover: all −∞
        scalars[9] = 3; scalars[43] = 3                  // window 4: a tie, the top one wins
        (scalars[10], scalars[11], scalars[44], scalars[45]) = (-0.0, 0, -0.0, -0.0)  // window 5: zeros of both signs tie; the first wins
        (scalars[12], scalars[13], scalars[46], scalars[47]) = (-1, -0.0, 0, -2)      // window 6: the first zero wins
        let input = try Tensor(shape: [1, 1, 2, 34], scalars: scalars)
        let output = try Pooling2D(.max)(input).scalars
        #expect(output.indices.filter { output[$0].isNaN } == [2, 3, 10])
        #expect(output[4] == 3 && output[16] == -.infinity && output[0] == 1)
        #expect(output[5].bitPattern == Float(-0.0).bitPattern && output[6].bitPattern == Float(-0.0).bitPattern, "the first zero's sign")
        let upstream = try Tensor(shape: [1, 1, 1, 17], scalars: (1...17).map(Float.init))
        let routed = try Pooling2D(.max).backward(input: input, outputGradient: upstream).scalars
        var expected = [Float](repeating: 0, count: 68)
        for w in 0..<17 { expected[2 * w] = Float(w + 1) }   // all-equal windows: the first pixel
        (expected[4], expected[5]) = (0, 3)
        (expected[6], expected[41]) = (4, 0)
        (expected[20], expected[54]) = (0, 11)
        (expected[8], expected[9]) = (0, 5)
        (expected[12], expected[13]) = (0, 7)
        #expect(routed == expected)
    }

    @Test("2×2, stride 2 on rows of whole vectors of windows, odd sizes and many ties: the definition", arguments: 1...8)
    func twoByTwoWide(seed: UInt64) throws {
        var random = SeededGenerator(seed: 300 + seed)
        let (n, c, h, w) = (random.int(1...2), random.int(1...3), random.int(2...7), random.int(14...37))
        // Values in steps of ½, so that windows tie often.
        let input = try Tensor(shape: [n, c, h, w], scalars: random.floats(n * c * h * w, in: -2..<2).map { ($0 * 2).rounded() / 2 })
        try expectDefinition(kernel: Size2D(2), stride: Size2D(2), padding: Size2D(0), input: input, random: &random, "seed \(seed), \(w)×\(h)")
    }

    @Test("gradients agree with finite differences (random inputs have no ties)")
    func finiteDifferences() throws {
        var random = SeededGenerator(seed: 4)
        for kind in [Pooling2D.Kind.max, .average] {
            let pool = try Pooling2D(kind, kernelSize: Size2D(height: 2, width: 3), stride: Size2D(height: 2, width: 1))
            #expect(pool.kind == kind)
            let x = try random.tensor([2, 3, 6, 7])
            let outputGradient = try random.tensor(try pool(x).shape)
            let analytic = try pool.backward(input: x, outputGradient: outputGradient)
            // Max pooling is only piecewise linear: a small step keeps every winner in place.
            for index in stride(from: 0, to: x.count, by: 7) {
                let (plus, minus) = (x.adding(1e-3, at: index), x.adding(-1e-3, at: index))
                let numeric = (dot(try pool(plus), outputGradient) - dot(try pool(minus), outputGradient)) / 2e-3
                #expect(abs(numeric - Double(analytic.scalars[index])) < 1e-2, "\(kind) at \(index)")
            }
        }
    }

    @Test("a window larger than the input and a zero kernel are errors")
    func errors() throws {
        #expect(throws: ShapeError("kernel height 2 is larger than the input height 1")) { try Pooling2D(.max)(Tensor(shape: [1, 1, 1, 4])) }
        #expect(throws: ShapeError("pooling kernel 0×2 must be at least 1×1")) { try Pooling2D(.max, kernelSize: Size2D(height: 2, width: 0)) }
        #expect(throws: ShapeError("pooling stride 2×0 must be at least 1×1: it is the step from one window to the next")) {
            try Pooling2D(.average, stride: Size2D(height: 0, width: 2))
        }
        #expect(throws: ShapeError("a pooling input is [N, C, H, W]; got [4, 4]")) { try Pooling2D(.max)(Tensor(shape: [4, 4])) }
        #expect(throws: ShapeError("the output gradient has shape [1, 1, 2, 1]; this layer's output is [1, 1, 2, 2]")) {
            try Pooling2D(.max).backward(input: input, outputGradient: Tensor(shape: [1, 1, 2, 1]))
        }
    }

    @Test("forward and backward equal the definition on random shapes: overlapping, gapped and non-square windows", arguments: 1...12)
    func reference(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let (kh, kw, sh, sw) = (random.int(1...3), random.int(1...3), random.int(1...3), random.int(1...3))
        let (n, c, h, w) = (random.int(1...2), random.int(1...3), random.int(kh...9), random.int(kw...9))
        try expectDefinition(kernel: Size2D(height: kh, width: kw), stride: Size2D(height: sh, width: sw), padding: Size2D(0),
                             input: random.tensor([n, c, h, w]), random: &random, "seed \(seed)")
    }

    @Test("with padding too: windows that hang over every edge, kernel ≠ stride, rectangular", arguments: 1...16)
    func paddedReference(seed: UInt64) throws {
        var random = SeededGenerator(seed: 100 + seed)
        let (kh, kw, sh, sw) = (random.int(1...5), random.int(1...5), random.int(1...3), random.int(1...3))
        // Each axis padded by at most ⌊k/2⌋, and one at least by 1 unless the kernel is 1×1;
        // the input may be smaller than the kernel.
        var (ph, pw) = (random.int(0...kh / 2), random.int(0...kw / 2))
        if ph == 0 && pw == 0 { if kh >= 2 { ph = 1 } else { pw = kw / 2 } }
        let (n, c) = (random.int(1...2), random.int(1...3))
        let (h, w) = (random.int(max(1, kh - 2 * ph)...9), random.int(max(1, kw - 2 * pw)...9))
        try expectDefinition(kernel: Size2D(height: kh, width: kw), stride: Size2D(height: sh, width: sw), padding: Size2D(height: ph, width: pw),
                             input: random.tensor([n, c, h, w]), random: &random, "seed \(seed)")
    }

    /// Expects both kinds of pooling, forward and backward, to equal the definition on one
    /// input: each window's pixels listed one by one, those of the padding left out; the
    /// largest real pixel (the first of equals), or the sum over kh·kw (padding included).
    func expectDefinition(kernel: Size2D, stride: Size2D, padding: Size2D, input: Tensor, random: inout SeededGenerator,
                          _ comment: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (ho, wo) = ((h + 2 * padding.height - kernel.height) / stride.height + 1, (w + 2 * padding.width - kernel.width) / stride.width + 1)
        let upstream = try random.tensor([n, c, ho, wo])
        for kind in [Pooling2D.Kind.max, .average] {
            let pool = try Pooling2D(kind, kernelSize: kernel, stride: stride, padding: padding)
            var expected = [Float](), gradient = [Float](repeating: 0, count: input.count)
            for b in 0..<n { for ch in 0..<c { for y in 0..<ho { for x in 0..<wo {
                var pixels: [(index: Int, value: Float)] = []
                for i in 0..<kernel.height { for j in 0..<kernel.width {
                    let (row, column) = (y * stride.height - padding.height + i, x * stride.width - padding.width + j)
                    guard (0..<h).contains(row), (0..<w).contains(column) else { continue }
                    pixels.append((((b * c + ch) * h + row) * w + column, input[b, ch, row, column]))
                } }
                let g = upstream[b, ch, y, x]
                let area = Float(kernel.height * kernel.width)
                switch kind {
                case .max:
                    let best = pixels.indices.reduce(0) { pixels[$1].value > pixels[$0].value ? $1 : $0 }
                    expected.append(pixels[best].value)
                    gradient[pixels[best].index] += g
                case .average:
                    expected.append(pixels.reduce(0) { $0 + $1.value } / area)
                    for pixel in pixels { gradient[pixel.index] += g / area }
                }
            } } } }
            let output = try pool(input)
            #expect(output.shape == [n, c, ho, wo], "\(comment): \(kind) shape", sourceLocation: sourceLocation)
            #expect(zip(output.scalars, expected).allSatisfy { abs($0 - $1) <= 1e-6 * max(1, abs($1)) }, "\(comment): \(kind) forward", sourceLocation: sourceLocation)
            let backward = try pool.backward(input: input, outputGradient: upstream)
            #expect(zip(backward.scalars, gradient).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) }, "\(comment): \(kind) backward", sourceLocation: sourceLocation)
        }
    }

    // MARK: - Padding

    @Test("padded 2×2 pooling with stride 2 worked by hand: the border windows hold one or two real pixels")
    func paddedByHand() throws {
        // Padding 1 on the 4×4 input: rows and columns {−1, 0}, {1, 2}, {3, 4}, ⌊(4 + 2 − 2)/2⌋ + 1 = 3.
        let pool = try Pooling2D(.max, padding: Size2D(1))
        #expect(try pool.geometry(for: Size2D(4)).output == Size2D(3))
        #expect(try pool(input).scalars == [1, 5, 6, 9, 13, 14, 11, 15, 16])
        // Sums 1, 2+5, 6 / 3+9, 4+7+10+13, 8+14 / 11, 12+15, 16, each divided by 4, padding included.
        let average = try Pooling2D(.average, padding: Size2D(1))
        #expect(try average(input).scalars == [0.25, 1.75, 1.5, 3, 8.5, 5.5, 2.75, 6.75, 4])

        let upstream = try Tensor(shape: [1, 1, 3, 3], scalars: [1, 2, 3, 4, 5, 6, 7, 8, 9])
        #expect(try pool.backward(input: input, outputGradient: upstream).scalars == [1, 0, 2, 3, 0, 0, 0, 0, 4, 0, 5, 6, 7, 0, 8, 9])
        // Every real pixel lies in one window and gets a quarter of its gradient; the
        // padding's quarters (20 of the 36) go nowhere.
        let ones = try Tensor(shape: [1, 1, 3, 3], repeating: 1)
        #expect(try average.backward(input: input, outputGradient: ones).scalars == [Float](repeating: 0.25, count: 16))

        // 3×3 with stride 1 and padding 1 keeps the size; a corner averages 4 real pixels over 9.
        let same = try Pooling2D(.average, kernelSize: Size2D(3), stride: Size2D(1), padding: Size2D(1))(input)
        #expect(same.shape == [1, 1, 4, 4])
        #expect(same.scalars[0] == Float(1 + 2 + 3 + 4) / 9)
    }

    @Test("max pooling's padding never wins: negative inputs give a real pixel, and all −∞ routes the gradient to a real pixel as PyTorch does")
    func paddingNeverWins() throws {
        let negative = try Tensor(shape: [1, 1, 3, 3], repeating: -5)
        #expect(try Pooling2D(.max, kernelSize: Size2D(3), stride: Size2D(1), padding: Size2D(1))(negative).scalars == [Float](repeating: -5, count: 9))
        // torch.nn.functional.max_pool2d(torch.full((1, 1, 2, 2), -inf), 2, 1, padding=1),
        // backward with ones: each of the 9 windows gives its gradient to its first real pixel.
        let infinite = try Tensor(shape: [1, 1, 2, 2], repeating: -.infinity)
        let pool = try Pooling2D(.max, kernelSize: Size2D(2), stride: Size2D(1), padding: Size2D(1))
        #expect(try pool(infinite).scalars == [Float](repeating: -.infinity, count: 9))
        #expect(try pool.backward(input: infinite, outputGradient: Tensor(shape: [1, 1, 3, 3], repeating: 1)).scalars == [4, 2, 2, 1])
        // A NaN still wins, as without padding.
        let nan = try Tensor(shape: [1, 1, 2, 2], scalars: [1, .nan, 3, 4])
        #expect(try pool(nan).scalars.map(\.isNaN) == [false, true, true, false, true, true, false, false, false])
    }

    @Test("padding more than half the kernel, or negative, is an error, as in PyTorch")
    func paddingErrors() throws {
        #expect(throws: ShapeError("pooling padding 2×2 is more than half the kernel 3×3: PyTorch allows at most ⌊k/2⌋ per axis, here 1×1")) {
            try Pooling2D(.max, kernelSize: Size2D(3), padding: Size2D(2))
        }
        #expect(throws: ShapeError("pooling padding 1×0 is more than half the kernel 1×4: PyTorch allows at most ⌊k/2⌋ per axis, here 0×2")) {
            try Pooling2D(.average, kernelSize: Size2D(height: 4, width: 1), padding: Size2D(height: 0, width: 1))
        }
        #expect(throws: ShapeError("pooling padding 0×-1 must not be negative")) { try Pooling2D(.max, padding: Size2D(height: -1, width: 0)) }
        #expect(try Pooling2D(.max, kernelSize: Size2D(height: 4, width: 5), padding: Size2D(2)).padding == Size2D(2))
        // The padded input must still hold one window: 1 + 2·1 < 4.
        #expect(throws: ShapeError("kernel height 4 is larger than the padded input height 3 (1 + 1 + 1)")) {
            try Pooling2D(.max, kernelSize: Size2D(4), padding: Size2D(1))(Tensor(shape: [1, 1, 1, 4]))
        }
    }

    @Test("padded gradients agree with finite differences")
    func paddedFiniteDifferences() throws {
        var random = SeededGenerator(seed: 5)
        for kind in [Pooling2D.Kind.max, .average] {
            let pool = try Pooling2D(kind, kernelSize: Size2D(height: 3, width: 4), stride: Size2D(height: 2, width: 1), padding: Size2D(height: 1, width: 2))
            let x = try random.tensor([2, 2, 5, 6])
            let outputGradient = try random.tensor(try pool(x).shape)
            // Max pooling is only piecewise linear: a small step keeps every winner in place.
            try expectNumericGradient(try pool.backward(input: x, outputGradient: outputGradient), of: x, loss: { x in dot(try pool(x), outputGradient) },
                                      step: 1e-3, tolerance: 1e-2, "\(kind)")
        }
    }

    struct PaddedCase: Decodable {
        let kind: String, kernel: [Int], stride: [Int], padding: [Int]
        let x_shape: [Int], x: [Float], y_shape: [Int], y: [Float], dy: [Float], dx: [Float]
    }

    struct Fixture: Decodable {
        let padded: [PaddedCase]
    }

    @Test("padded max and average pooling equal PyTorch's on 6 layers (Fixtures/pytorch-pooling.json)")
    func paddedMatchesPyTorch() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/pytorch-pooling.json")
        let cases = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url)).padded
        #expect(cases.count == 6)
        for (index, c) in cases.enumerated() {
            func size(_ pair: [Int]) -> Size2D { Size2D(height: pair[0], width: pair[1]) }
            let pool = try Pooling2D(c.kind == "max" ? .max : .average, kernelSize: size(c.kernel), stride: size(c.stride), padding: size(c.padding))
            let input = try Tensor(shape: c.x_shape, scalars: c.x)
            let output = try pool(input)
            #expect(output.shape == c.y_shape, "case \(index): output shape")
            guard output.shape == c.y_shape else { continue }
            // A maximum is one of the inputs, exactly; a mean sums at most 20 terms of order 1.
            expectClose(output, try Tensor(shape: c.y_shape, scalars: c.y), tolerance: c.y.map { 1e-6 * max(1, abs($0)) }, "case \(index): output")
            let gradient = try pool.backward(input: input, outputGradient: Tensor(shape: c.y_shape, scalars: c.dy))
            expectClose(gradient, try Tensor(shape: c.x_shape, scalars: c.dx), tolerance: c.dx.map { 1e-6 * max(1, abs($0)) }, "case \(index): input gradient")
        }
    }
}
