/// Adaptive average pooling: the mean of each of outH × outW bins that tile the input,
/// whatever its size, so that a network ends in the same number of features for any
/// image size. PyTorch's `nn.AdaptiveAvgPool2d((outH, outW))`; no parameters.
///
/// Along an axis of n pixels cut into `out` bins, bin i covers the pixels
///
///     ⌊i·n / out⌋ ..< ⌈(i + 1)·n / out⌉
///
/// and its mean divides by its own size. Where `out` divides n this is average pooling
/// with kernel = stride = n / out; where it does not, neighbouring bins share a pixel
/// (5 → 3: [0, 2), [1, 4), [3, 5)); and where out > n, as PyTorch allows, pixels repeat
/// (2 → 3: [0, 1), [0, 2), [1, 2)). `global`, 1×1, is global average pooling: the mean of
/// each channel's plane, as at the head of ResNet.
/// - input [N, C, H, W] → output [N, C, outH, outW]
public struct AdaptiveAveragePooling2D: Equatable, Sendable {
    public let outputSize: Size2D

    /// Global average pooling: one mean per channel, [N, C, H, W] → [N, C, 1, 1].
    public static let global = AdaptiveAveragePooling2D(checked: Size2D(1))

    /// - Throws: `ShapeError` when an output side is below 1.
    public init(outputSize: Size2D) throws(ShapeError) {
        guard outputSize.height >= 1, outputSize.width >= 1 else {
            throw ShapeError("adaptive pooling output \(outputSize) must be at least 1×1")
        }
        self.init(checked: outputSize)
    }

    private init(checked outputSize: Size2D) { self.outputSize = outputSize }

    /// The pixels of each of `output` bins along an axis of `input` pixels:
    /// ⌊i·n / out⌋ ..< ⌈(i + 1)·n / out⌉ for bin i, as PyTorch's `start_index` and `end_index`.
    /// - Throws: `ShapeError` when a size is below 1, or out · n does not fit in an `Int`.
    public static func bins(input n: Int, output out: Int) throws(ShapeError) -> [Range<Int>] {
        guard n >= 1, out >= 1 else { throw ShapeError("adaptive pooling of \(n) pixels into \(out) bins: both must be at least 1") }
        guard checkedSum(checkedProduct(out, n), out) != nil else {
            throw ShapeError("adaptive pooling of \(n) pixels into \(out) bins: too large to compute with")
        }
        return (0..<out).map { i in i * n / out..<((i + 1) * n + out - 1) / out }
    }

    public func callAsFunction(_ input: Tensor) throws(ShapeError) -> Tensor {
        let (planes, rows, columns) = try check(input)
        let (height, width) = (input.shape[2], input.shape[3])
        return try Tensor(shape: [input.shape[0], input.shape[1], outputSize.height, outputSize.width], unsafeUninitialized: { output in
            input.withUnsafeBufferPointer { x in
                var bin = 0
                for plane in 0..<planes {
                    let first = plane * height * width
                    for rowBin in rows {
                        for columnBin in columns {
                            var sum: Float = 0
                            for row in rowBin {
                                for pixel in first + row * width + columnBin.lowerBound..<first + row * width + columnBin.upperBound { sum += x[pixel] }
                            }
                            output[bin] = sum / Float(rowBin.count * columnBin.count)
                            bin += 1
                        }
                    }
                }
            }
        })
    }

    /// ∂L/∂input from ∂L/∂output: each bin's gradient spread evenly over its pixels, g / its
    /// size apiece; a pixel in several bins adds up their shares.
    public func backward(input: Tensor, outputGradient: Tensor) throws(ShapeError) -> Tensor {
        let (planes, rows, columns) = try check(input)
        let (height, width) = (input.shape[2], input.shape[3])
        let outputShape = [input.shape[0], input.shape[1], outputSize.height, outputSize.width]
        guard outputGradient.shape == outputShape else {
            throw ShapeError("the output gradient has shape \(outputGradient.shape); this layer's output is \(outputShape)")
        }
        var gradient = try Tensor(shape: input.shape)
        gradient.withUnsafeMutableBufferPointer { gradient in
            outputGradient.withUnsafeBufferPointer { upstream in
                var bin = 0
                for plane in 0..<planes {
                    let first = plane * height * width
                    for rowBin in rows {
                        for columnBin in columns {
                            let share = upstream[bin] / Float(rowBin.count * columnBin.count)
                            for row in rowBin {
                                for pixel in first + row * width + columnBin.lowerBound..<first + row * width + columnBin.upperBound { gradient[pixel] += share }
                            }
                            bin += 1
                        }
                    }
                }
            }
        }
        return gradient
    }

    /// The planes (N · C) and the bins of both axes, once the input is [N, C, H, W] with
    /// H, W ≥ 1.
    private func check(_ input: Tensor) throws(ShapeError) -> (planes: Int, rows: [Range<Int>], columns: [Range<Int>]) {
        guard input.shape.count == 4 else {
            throw ShapeError("an adaptive pooling input is [N, C, H, W]; got \(input.shape)")
        }
        guard input.shape[2] >= 1, input.shape[3] >= 1 else {
            throw ShapeError("an adaptive pooling input needs at least one pixel; got \(input.shape[3])×\(input.shape[2])")
        }
        return (input.shape[0] * input.shape[1], try Self.bins(input: input.shape[2], output: outputSize.height),
                try Self.bins(input: input.shape[3], output: outputSize.width))
    }
}
