/// Max or average pooling: each output pixel summarizes a window of input pixels of
/// one channel, which shrinks the feature maps and has no parameters at all.
///
/// PyTorch's `nn.MaxPool2d(k, s, padding=p)` / `nn.AvgPool2d(k, s, padding=p)` with their
/// defaults (no dilation, rounding down): per axis ⌊(n + 2p − k) / s⌋ + 1 outputs, the
/// same `AxisGeometry` as a convolution. The stride defaults to the kernel size, so 2×2
/// pooling halves each side.
///
/// Padding adds p pixels before and after each axis that take part in no maximum (max
/// pooling treats them as −∞: a window's winner is always a real pixel) and count as
/// zeros in a mean, which still divides by kh·kw (PyTorch's `count_include_pad=True`).
/// As in PyTorch, p is at most ⌊k/2⌋ per axis, so that every window covers a real pixel.
/// Without padding the windows run over the input directly, eight maxima at a time (and
/// 2×2 windows of stride 2, the common case, eight windows at a time from contiguous
/// loads); with padding each window is clipped to the pixels it really covers.
/// - input [N, C, H, W] → output [N, C, Hout, Wout]
public struct Pooling2D: Sendable {
    /// What a window is reduced to.
    public enum Kind: Sendable {
        /// The largest pixel of the window (a NaN in the window wins, as in PyTorch).
        case max
        /// The mean of the window's pixels.
        case average
    }

    public let kind: Kind
    public let kernelSize: Size2D
    public let stride: Size2D
    /// Pixels added above and below (`height`) and left and right (`width`).
    public let padding: Size2D

    /// - Throws: `ShapeError` when a kernel size or stride is below 1, or the padding is
    ///   negative or more than half the kernel on an axis.
    public init(_ kind: Kind, kernelSize: Size2D = Size2D(2), stride: Size2D? = nil, padding: Size2D = Size2D(0)) throws(ShapeError) {
        let stride = stride ?? kernelSize
        guard kernelSize.height >= 1, kernelSize.width >= 1 else {
            throw ShapeError("pooling kernel \(kernelSize) must be at least 1×1")
        }
        guard stride.height >= 1, stride.width >= 1 else {
            throw ShapeError("pooling stride \(stride) must be at least 1×1: it is the step from one window to the next")
        }
        guard padding.height >= 0, padding.width >= 0 else {
            throw ShapeError("pooling padding \(padding) must not be negative")
        }
        let largest = Size2D(height: kernelSize.height / 2, width: kernelSize.width / 2)
        guard padding.height <= largest.height, padding.width <= largest.width else {
            throw ShapeError("pooling padding \(padding) is more than half the kernel \(kernelSize): PyTorch allows at most ⌊k/2⌋ per axis, here \(largest)")
        }
        self.kind = kind
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
    }

    public func geometry(for input: Size2D) throws(ShapeError) -> ConvGeometry {
        try ConvGeometry(input: input, kernel: kernelSize, stride: stride, padding: .explicit(padding))
    }

    public func callAsFunction(_ input: Tensor) throws(ShapeError) -> Tensor {
        let geometry = try check(input)
        guard padding == Size2D(0) else { return try paddedForward(input, geometry) }
        let windows = Windows(geometry, planes: input.shape[0] * input.shape[1])
        return try Tensor(shape: [input.shape[0], input.shape[1], geometry.height.output, geometry.width.output], unsafeUninitialized: { output in
            input.withUnsafeBufferPointer { x in
                if isTwoByTwo { return twoByTwoForward(x, into: output, geometry) }
                switch kind {
                case .max:
                    windows.forEachGroup { first, count, origin in
                        let largest = windows.largest(x, origin, count)
                        for lane in 0..<count { output[first + lane] = largest[lane] }
                    }
                case .average:
                    windows.forEach { window, origin in output[window] = windows.sum(x, origin) / windows.area }
                }
            }
        })
    }

    /// ∂L/∂input from ∂L/∂output: max pooling routes each output's gradient to the pixel
    /// that won its window (the first, on a tie); average pooling spreads it evenly.
    public func backward(input: Tensor, outputGradient: Tensor) throws(ShapeError) -> Tensor {
        let geometry = try check(input)
        let outputShape = [input.shape[0], input.shape[1], geometry.height.output, geometry.width.output]
        guard outputGradient.shape == outputShape else {
            throw ShapeError("the output gradient has shape \(outputGradient.shape); this layer's output is \(outputShape)")
        }
        guard padding == Size2D(0) else { return try paddedBackward(input, outputGradient, geometry) }
        if isTwoByTwo {
            return try Tensor(shape: input.shape, unsafeUninitialized: { gradient in
                input.withUnsafeBufferPointer { x in
                    outputGradient.withUnsafeBufferPointer { upstream in twoByTwoBackward(x, upstream, into: gradient, geometry) }
                }
            })
        }
        let windows = Windows(geometry, planes: input.shape[0] * input.shape[1])
        var gradient = try Tensor(shape: input.shape)
        gradient.withUnsafeMutableBufferPointer { gradient in
            input.withUnsafeBufferPointer { x in
                outputGradient.withUnsafeBufferPointer { upstream in
                    windows.forEach { window, origin in
                        switch kind {
                        case .max: gradient[windows.winner(x, origin)] += upstream[window]
                        case .average: windows.spread(upstream[window] / windows.area, origin, into: gradient)
                        }
                    }
                }
            }
        }
        return gradient
    }

    /// Per lane, `candidate` where it is larger than `best` or a NaN, unless `best` is a
    /// NaN already (`!(candidate <= best)` holds for both): the running maximum of a window,
    /// which keeps the first of equal pixels and the first NaN, as PyTorch's does.
    @inline(__always)
    static func largest(_ best: SIMD8<Float>, _ candidate: SIMD8<Float>) -> SIMD8<Float> {
        best.replacing(with: candidate, where: .!(candidate .<= best) .& (best .== best))
    }

    private func check(_ input: Tensor) throws(ShapeError) -> ConvGeometry {
        guard input.shape.count == 4 else {
            throw ShapeError("a pooling input is [N, C, H, W]; got \(input.shape)")
        }
        return try geometry(for: Size2D(height: input.shape[2], width: input.shape[3]))
    }

    /// The windows of one unpadded geometry over `planes` planes of an [N, C, H, W] buffer,
    /// in output order, each by the flat index of its top-left pixel, its pixels row by
    /// row. The geometry guarantees every window lies inside its plane.
    private struct Windows {
        let (kernelHeight, kernelWidth, strideHeight, strideWidth): (Int, Int, Int, Int)
        let (inputHeight, inputWidth, outputHeight, outputWidth): (Int, Int, Int, Int)
        let planes: Int
        let area: Float

        init(_ geometry: ConvGeometry, planes: Int) {
            let (h, w) = (geometry.height, geometry.width)
            (kernelHeight, kernelWidth, strideHeight, strideWidth) = (h.kernel, w.kernel, h.stride, w.stride)
            (inputHeight, inputWidth, outputHeight, outputWidth) = (h.input, w.input, h.output, w.output)
            self.planes = planes
            area = Float(h.kernel * w.kernel)
        }

        /// Every window in output order: its index and its top-left pixel.
        @inline(__always)
        func forEach(_ body: (_ window: Int, _ origin: Int) -> Void) {
            var window = 0
            for plane in 0..<planes {
                for y in 0..<outputHeight {
                    let row = (plane * inputHeight + y * strideHeight) * inputWidth
                    for x in 0..<outputWidth {
                        body(window, row + x * strideWidth)
                        window += 1
                    }
                }
            }
        }

        /// The windows of each output row, eight at a time: the first window's index, how
        /// many there are (eight, or fewer at the row's end) and the first one's top-left
        /// pixel; the next ones start `strideWidth` pixels apart.
        @inline(__always)
        func forEachGroup(_ body: (_ first: Int, _ count: Int, _ origin: Int) -> Void) {
            var window = 0
            for plane in 0..<planes {
                for y in 0..<outputHeight {
                    let row = (plane * inputHeight + y * strideHeight) * inputWidth
                    for x in Swift.stride(from: 0, to: outputWidth, by: 8) {
                        let count = min(8, outputWidth - x)
                        body(window, count, row + x * strideWidth)
                        window += count
                    }
                }
            }
        }

        /// The largest value of each of `count` ≤ 8 windows starting at `origin`, one per
        /// lane (a NaN if the window has one): the windows side by side in a vector, so
        /// that each pixel of the window costs one comparison for eight windows.
        @inline(__always)
        func largest(_ values: UnsafeBufferPointer<Float>, _ origin: Int, _ count: Int) -> SIMD8<Float> {
            var largest = lanes(values, origin, count)
            for i in 0..<kernelHeight {
                for j in 0..<kernelWidth where i > 0 || j > 0 {
                    largest = Pooling2D.largest(largest, lanes(values, origin + i * inputWidth + j, count))
                }
            }
            return largest
        }

        /// The pixel at `start` of each of `count` windows, one per lane; lanes past
        /// `count` repeat the last window's, so nothing outside the plane is read.
        @inline(__always)
        private func lanes(_ values: UnsafeBufferPointer<Float>, _ start: Int, _ count: Int) -> SIMD8<Float> {
            var result = SIMD8<Float>()
            for lane in 0..<8 { result[lane] = values[start + min(lane, count - 1) * strideWidth] }
            return result
        }

        /// The pixel of the window at `origin` with the largest value: the first on a tie,
        /// a NaN if there is one (as PyTorch's max pooling).
        @inline(__always)
        func winner(_ values: UnsafeBufferPointer<Float>, _ origin: Int) -> Int {
            var (best, largest) = (origin, values[origin])
            for i in 0..<kernelHeight {
                let row = origin + i * inputWidth
                for pixel in row..<row + kernelWidth {
                    // Larger, or a NaN where the best is not one: `!(v <= largest)` holds for both.
                    // Selects, not a branch: which pixel wins is a coin toss on real data.
                    let value = values[pixel]
                    let wins = !(value <= largest) && largest == largest
                    best = wins ? pixel : best
                    largest = wins ? value : largest
                }
            }
            return best
        }

        func sum(_ values: UnsafeBufferPointer<Float>, _ origin: Int) -> Float {
            var sum: Float = 0
            for i in 0..<kernelHeight {
                let row = origin + i * inputWidth
                for pixel in row..<row + kernelWidth { sum += values[pixel] }
            }
            return sum
        }

        func spread(_ value: Float, _ origin: Int, into values: UnsafeMutableBufferPointer<Float>) {
            for i in 0..<kernelHeight {
                let row = origin + i * inputWidth
                for pixel in row..<row + kernelWidth { values[pixel] += value }
            }
        }
    }
}
