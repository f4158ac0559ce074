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
}
