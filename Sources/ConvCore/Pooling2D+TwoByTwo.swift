/// The pooling that nearly every network does, 2×2 windows two pixels apart without
/// padding, eight windows at a time: the 16 pixels of a row under eight windows are two
/// vector loads, split into the windows' left and right pixels, and a window's four pixels
/// are four lanes of four vectors. The same values as the general path, which takes every
/// other kernel, stride and padding: the same NaN and tie rules, the same order of sums.
extension Pooling2D {
    /// Whether the windows are 2×2, two pixels apart, without padding.
    var isTwoByTwo: Bool { kernelSize == Size2D(2) && stride == Size2D(2) && padding == Size2D(0) }

    /// The output of `planes` planes of `geometry.height.input × geometry.width.input`.
    func twoByTwoForward(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>, _ geometry: ConvGeometry) {
        TwoByTwoRows(geometry, planes: input.count / (geometry.height.input * geometry.width.input)).forEach { top, bottom, window, count in
            let (a, b) = TwoByTwoRows.split(input, top, count)
            let (c, d) = TwoByTwoRows.split(input, bottom, count)
            let result = switch kind {
            case .max: Self.largest(Self.largest(Self.largest(a, b), c), d)
            case .average: (SIMD8<Float>() + a + b + c + d) / 4
            }
            VectorWriter(output, window..<window + count).store(result, at: 0)
        }
    }

    /// ∂L/∂input, every value of `gradient` written once: each window's gradient goes to
    /// its winner (max) or a quarter to each pixel (average), and the last row and column of
    /// an odd size, which no window covers, get zeros.
    func twoByTwoBackward(_ input: UnsafeBufferPointer<Float>, _ outputGradient: UnsafeBufferPointer<Float>,
                          into gradient: UnsafeMutableBufferPointer<Float>, _ geometry: ConvGeometry) {
        let rows = TwoByTwoRows(geometry, planes: input.count / (geometry.height.input * geometry.width.input))
        rows.forEachUncovered { pixels in gradient[pixels].initialize(repeating: 0) }
        rows.forEach { top, bottom, window, count in
            let upstream = VectorReader(outputGradient, window..<window + count)[0]
            let shares: (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>)
            switch kind {
            case .max:
                let (a, b) = TwoByTwoRows.split(input, top, count)
                let (c, d) = TwoByTwoRows.split(input, bottom, count)
                // The winner is the first pixel whose bits are the largest's: `largest` keeps
                // the first of equals and the first NaN, so its result is that pixel's value.
                let best = bits(Self.largest(Self.largest(Self.largest(a, b), c), d))
                // The gradient still to place, handed from pixel to pixel until one wins.
                let zero = SIMD8<Float>()
                let (winsA, winsB, winsC, winsD) = (bits(a) .== best, bits(b) .== best, bits(c) .== best, bits(d) .== best)
                let afterA = upstream.replacing(with: 0, where: winsA)
                let afterB = afterA.replacing(with: 0, where: winsB)
                let afterC = afterB.replacing(with: 0, where: winsC)
                shares = (zero.replacing(with: upstream, where: winsA), zero.replacing(with: afterA, where: winsB),
                          zero.replacing(with: afterB, where: winsC), zero.replacing(with: afterC, where: winsD))
            case .average:
                let quarter = upstream / 4
                shares = (quarter, quarter, quarter, quarter)
            }
            TwoByTwoRows.interleave(shares.0, shares.1, into: gradient, top, count)
            TwoByTwoRows.interleave(shares.2, shares.3, into: gradient, bottom, count)
        }
    }

    @inline(__always)
    private func bits(_ values: SIMD8<Float>) -> SIMD8<UInt32> { unsafeBitCast(values, to: SIMD8<UInt32>.self) }
}

/// The windows of 2×2, stride-2 pooling over planes of an [N, C, H, W] buffer, eight at a
/// time along each output row.
private struct TwoByTwoRows {
    let (inputHeight, inputWidth, outputHeight, outputWidth, planes): (Int, Int, Int, Int, Int)

    init(_ geometry: ConvGeometry, planes: Int) {
        (inputHeight, inputWidth) = (geometry.height.input, geometry.width.input)
        (outputHeight, outputWidth) = (geometry.height.output, geometry.width.output)
        self.planes = planes
    }

    /// Every group of up to eight windows of a row: where its pixels start in the top and
    /// bottom input rows, its first window's index in the output, and how many it has. A
    /// group's pixels, 2 · count per row, lie inside its rows: 2 · outputWidth ≤ inputWidth.
    /// A row of eight windows or more is all whole groups: the last one moves back to end
    /// at the row's end, overlapping the one before, whose windows it then computes and
    /// writes again, to the same values (no two windows share a pixel).
    @inline(__always)
    func forEach(_ body: (_ top: Int, _ bottom: Int, _ window: Int, _ count: Int) -> Void) {
        for plane in 0..<planes {
            for y in 0..<outputHeight {
                let top = (plane * inputHeight + 2 * y) * inputWidth
                let window = (plane * outputHeight + y) * outputWidth
                for x in Swift.stride(from: 0, to: outputWidth, by: 8) {
                    let x = outputWidth >= 8 ? min(x, outputWidth - 8) : x
                    body(top + 2 * x, top + inputWidth + 2 * x, window + x, min(8, outputWidth - x))
                }
            }
        }
    }

    /// The pixels no window covers, as runs of indices: the last column of each covered row
    /// when the width is odd, the last row of each plane when the height is.
    func forEachUncovered(_ body: (_ pixels: Range<Int>) -> Void) {
        for plane in 0..<planes {
            let first = plane * inputHeight * inputWidth
            if inputWidth % 2 == 1 {
                for y in 0..<2 * outputHeight { body(first + (y + 1) * inputWidth - 1..<first + (y + 1) * inputWidth) }
            }
            if inputHeight % 2 == 1 { body(first + (inputHeight - 1) * inputWidth..<first + inputHeight * inputWidth) }
        }
    }

    /// The left and right pixels of `count` ≤ 8 windows whose pixels start at `start`
    /// (lanes past `count` are 0): for eight, the two vectors of 16 pixels split into even
    /// and odd lanes.
    @inline(__always)
    static func split(_ values: UnsafeBufferPointer<Float>, _ start: Int, _ count: Int) -> (left: SIMD8<Float>, right: SIMD8<Float>) {
        let run = VectorReader(values, start..<start + 2 * count)
        let (p, q) = (run[0], run[8])
        return (SIMD8(p[0], p[2], p[4], p[6], q[0], q[2], q[4], q[6]), SIMD8(p[1], p[3], p[5], p[7], q[1], q[3], q[5], q[7]))
    }

    /// The inverse of `split`: the first `count` lanes of `left` and `right` written
    /// alternately from `start`.
    @inline(__always)
    static func interleave(_ left: SIMD8<Float>, _ right: SIMD8<Float>, into values: UnsafeMutableBufferPointer<Float>, _ start: Int, _ count: Int) {
        let run = VectorWriter(values, start..<start + 2 * count)
        run.store(SIMD8(left[0], right[0], left[1], right[1], left[2], right[2], left[3], right[3]), at: 0)
        run.store(SIMD8(left[4], right[4], left[5], right[5], left[6], right[6], left[7], right[7]), at: 8)
    }
}
