/// Max or average pooling: each output pixel summarizes a window of input pixels of
/// one channel, which shrinks the feature maps and has no parameters at all.
///
/// PyTorch's `nn.MaxPool2d` / `nn.AvgPool2d` without padding, rounding down: per axis
/// ⌊(n − k) / s⌋ + 1 outputs, the same `AxisGeometry` as a convolution. The stride
/// defaults to the kernel size, so 2×2 pooling halves each side.
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

    /// - Throws: `ShapeError` when a kernel size or stride is below 1.
    public init(_ kind: Kind, kernelSize: Size2D = Size2D(2), stride: Size2D? = nil) throws(ShapeError) {
        let stride = stride ?? kernelSize
        guard kernelSize.height >= 1, kernelSize.width >= 1 else {
            throw ShapeError("pooling kernel \(kernelSize) must be at least 1×1")
        }
        guard stride.height >= 1, stride.width >= 1 else {
            throw ShapeError("pooling stride \(stride) must be at least 1×1: it is the step from one window to the next")
        }
        self.kind = kind
        self.kernelSize = kernelSize
        self.stride = stride
    }

    public func geometry(for input: Size2D) throws(ShapeError) -> ConvGeometry {
        try ConvGeometry(input: input, kernel: kernelSize, stride: stride)
    }

    public func callAsFunction(_ input: Tensor) throws(ShapeError) -> Tensor {
        let geometry = try check(input)
        var output = [Float]()
        output.reserveCapacity(try Tensor.count(of: [input.shape[0], input.shape[1], geometry.positions]))
        forEachWindow(input.shape, geometry) { _, window in
            switch kind {
            case .max: output.append(input.scalars[window[maxIndex(input.scalars, window)]])
            case .average: output.append(window.reduce(0) { $0 + input.scalars[$1] } / Float(window.count))
            }
        }
        return try Tensor(shape: [input.shape[0], input.shape[1], geometry.height.output, geometry.width.output], scalars: output)
    }

    /// ∂L/∂input from ∂L/∂output: max pooling routes each output's gradient to the pixel
    /// that won its window (the first, on a tie); average pooling spreads it evenly.
    public func backward(input: Tensor, outputGradient: Tensor) throws(ShapeError) -> Tensor {
        let geometry = try check(input)
        let outputShape = [input.shape[0], input.shape[1], geometry.height.output, geometry.width.output]
        guard outputGradient.shape == outputShape else {
            throw ShapeError("the output gradient has shape \(outputGradient.shape); this layer's output is \(outputShape)")
        }
        var gradient = try Tensor(shape: input.shape)
        gradient.withUnsafeMutableBufferPointer { gradient in
            forEachWindow(input.shape, geometry) { output, window in
                let g = outputGradient.scalars[output]
                switch kind {
                case .max: gradient[window[maxIndex(input.scalars, window)]] += g
                case .average: for pixel in window { gradient[pixel] += g / Float(window.count) }
                }
            }
        }
        return gradient
    }

    private func check(_ input: Tensor) throws(ShapeError) -> ConvGeometry {
        guard input.shape.count == 4 else {
            throw ShapeError("a pooling input is [N, C, H, W]; got \(input.shape)")
        }
        return try geometry(for: Size2D(height: input.shape[2], width: input.shape[3]))
    }

    /// Calls `body` for each output pixel in order with its flat index and the flat
    /// indices of its window's input pixels, row by row.
    private func forEachWindow(_ shape: [Int], _ geometry: ConvGeometry, _ body: (_ output: Int, _ window: [Int]) -> Void) {
        let (h, w) = (geometry.height, geometry.width)
        var window = [Int](repeating: 0, count: h.kernel * w.kernel)
        var output = 0
        for plane in 0..<(shape[0] * shape[1]) {
            for y in 0..<h.output {
                for x in 0..<w.output {
                    for i in 0..<h.kernel {
                        for j in 0..<w.kernel {
                            window[i * w.kernel + j] = (plane * h.input + y * h.stride + i) * w.input + x * w.stride + j
                        }
                    }
                    body(output, window)
                    output += 1
                }
            }
        }
    }

    /// The position in `window` of its largest value: the first on a tie, a NaN if any.
    private func maxIndex(_ values: [Float], _ window: [Int]) -> Int {
        var best = 0
        for k in 1..<window.count where values[window[k]] > values[window[best]] || values[window[k]].isNaN && !values[window[best]].isNaN {
            best = k
        }
        return best
    }
}
