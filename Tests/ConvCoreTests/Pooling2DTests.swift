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
        let input = try random.tensor([n, c, h, w])
        let (ho, wo) = ((h - kh) / sh + 1, (w - kw) / sw + 1)
        let upstream = try random.tensor([n, c, ho, wo])
        for kind in [Pooling2D.Kind.max, .average] {
            let pool = try Pooling2D(kind, kernelSize: Size2D(height: kh, width: kw), stride: Size2D(height: sh, width: sw))
            var expected = [Float](), gradient = [Float](repeating: 0, count: input.count)
            for b in 0..<n { for ch in 0..<c { for y in 0..<ho { for x in 0..<wo {
                var pixels: [(index: Int, value: Float)] = []
                for i in 0..<kh { for j in 0..<kw {
                    let (row, column) = (y * sh + i, x * sw + j)
                    pixels.append((((b * c + ch) * h + row) * w + column, input[b, ch, row, column]))
                } }
                let g = upstream[b, ch, y, x]
                switch kind {
                case .max:
                    let best = pixels.indices.reduce(0) { pixels[$1].value > pixels[$0].value ? $1 : $0 }
                    expected.append(pixels[best].value)
                    gradient[pixels[best].index] += g
                case .average:
                    expected.append(pixels.reduce(0) { $0 + $1.value } / Float(pixels.count))
                    for pixel in pixels { gradient[pixel.index] += g / Float(pixels.count) }
                }
            } } } }
            let output = try pool(input)
            #expect(output.shape == [n, c, ho, wo])
            #expect(zip(output.scalars, expected).allSatisfy { abs($0 - $1) <= 1e-6 * max(1, abs($1)) }, "\(kind) forward")
            let backward = try pool.backward(input: input, outputGradient: upstream)
            #expect(zip(backward.scalars, gradient).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) }, "\(kind) backward")
        }
    }
}
