/// A pair of per-axis values (a kernel size, a stride, a dilation, a padding), named
/// so that no one has to remember an order. PyTorch writes these `(height, width)`; the
/// command line types them width × height, like a screen resolution.
public struct Size2D: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var height: Int
    public var width: Int

    public init(height: Int, width: Int) {
        self.height = height
        self.width = width
    }

    /// The same value on both axes.
    public init(_ both: Int) { self.init(height: both, width: both) }

    /// `width×height`, as the command line types sizes.
    public var description: String { "\(width)×\(height)" }
}

/// How the input is padded with zeros before the kernel slides over it.
public enum Padding: Equatable, Sendable, CustomStringConvertible {
    /// `height` rows above and below, `width` columns left and right.
    case explicit(Size2D)
    /// As much as keeps the output the size of the input (stride 1 only): d·(k−1) per
    /// axis, half before and half after, the odd pixel at the bottom/right, as PyTorch's
    /// `padding="same"`.
    case same
    /// None: PyTorch's `padding="valid"`, the same as `.explicit(Size2D(0))`.
    case valid

    /// As the command line takes it: `same`, `valid`, `2` or `2×1` (width × height).
    public var description: String {
        switch self {
        case .explicit(let size): "\(size)"
        case .same: "same"
        case .valid: "valid"
        }
    }
}

/// How a kernel slides along one axis: the output size, and what a stride leaves unused.
///
///     out = ⌊(n + p_before + p_after − d·(k − 1) − 1) / s⌋ + 1
///
/// which, with symmetric padding p, is the ⌊(n + 2p − d(k−1) − 1)/s⌋ + 1 of PyTorch's
/// documentation, and with p = 0 and d = 1 the (n − k)/s + 1 of the textbooks. When the
/// numerator is not a multiple of s, its remainder is the number of pixels at the end of
/// the padded axis (bottom or right) that no window covers.
public struct AxisGeometry: Equatable, Sendable {
    public let input: Int
    public let kernel: Int
    public let stride: Int
    public let dilation: Int
    public let padBefore: Int
    public let padAfter: Int
    public let output: Int
    /// Pixels at the end of the padded axis that no window covers: the remainder of
    /// (n + p_before + p_after − d·(k − 1) − 1) / s. Padding comes first among them.
    public let unused: Int

    /// Extent of the kernel on the input: d·(k − 1) + 1 pixels.
    public var span: Int { dilation * (kernel - 1) + 1 }

    /// The unused pixels that are part of the image, not of the padding.
    public var unusedImagePixels: Int { max(0, unused - padAfter) }

    /// - Parameter axis: "height" or "width", for error messages.
    /// - Throws: `ShapeError` naming the number that is wrong and why.
    public init(_ axis: String, input n: Int, kernel k: Int, stride s: Int, dilation d: Int, padBefore: Int, padAfter: Int) throws(ShapeError) {
        guard n >= 1 else { throw ShapeError("input \(axis) \(n) must be at least 1") }
        guard k >= 1 else { throw ShapeError("kernel \(axis) \(k) must be at least 1") }
        guard s >= 1 else { throw ShapeError("stride \(s) (\(axis)) must be at least 1: it is the step from one window to the next") }
        guard d >= 1 else { throw ShapeError("dilation \(d) (\(axis)) must be at least 1: 1 means the kernel's taps are adjacent") }
        guard padBefore >= 0, padAfter >= 0 else { throw ShapeError("padding \(min(padBefore, padAfter)) (\(axis)) must not be negative") }
        guard let span = checkedSum(checkedProduct(d, k - 1), 1), let padded = checkedSum(checkedSum(n, padBefore), padAfter) else {
            throw ShapeError("\(axis): input \(n), kernel \(k), dilation \(d) or padding \(padBefore)+\(padAfter) too large to compute with")
        }
        guard span <= padded else {
            let kernelText = d == 1 ? "kernel \(axis) \(k)" : "kernel \(axis) \(k) at dilation \(d) spans \(span) pixels and"
            let inputText = padBefore + padAfter == 0 ? "the input \(axis) \(n)" : "the padded input \(axis) \(padded) (\(n) + \(padBefore) + \(padAfter))"
            throw ShapeError("\(kernelText) is larger than \(inputText)")
        }
        input = n
        kernel = k
        stride = s
        dilation = d
        self.padBefore = padBefore
        self.padAfter = padAfter
        output = (padded - span) / s + 1
        unused = (padded - span) % s
    }
}

/// The geometry of a 2-D convolution (or pooling) on one input size: both axes.
public struct ConvGeometry: Equatable, Sendable {
    public let height: AxisGeometry
    public let width: AxisGeometry
    /// Output positions, Hout · Wout.
    public let positions: Int

    /// - Throws: `ShapeError` when a number is out of range, the kernel does not fit in
    ///   the padded input, `same` padding meets a stride other than 1, or the output
    ///   positions (Hout · Wout) do not fit in an `Int`.
    public init(input: Size2D, kernel: Size2D, stride: Size2D = Size2D(1), padding: Padding = .valid, dilation: Size2D = Size2D(1)) throws(ShapeError) {
        (height, width) = try Self.axes(input: input, kernel: kernel, stride: stride, padding: padding, dilation: dilation)
        positions = try exactProduct("the output positions", height.output, width.output)
    }

    /// The two axes alone, each checked as in `init`, without their product: what an
    /// output size is, whether or not a tensor of it could ever be counted.
    public static func axes(input: Size2D, kernel: Size2D, stride: Size2D = Size2D(1), padding: Padding = .valid,
                            dilation: Size2D = Size2D(1)) throws(ShapeError) -> (height: AxisGeometry, width: AxisGeometry) {
        func pads(_ axis: String, _ kernel: Int, _ stride: Int, _ dilation: Int, _ explicit: Int) throws(ShapeError) -> (Int, Int) {
            switch padding {
            case .explicit: return (explicit, explicit)
            case .valid: return (0, 0)
            case .same:
                guard stride == 1 else {
                    throw ShapeError("padding 'same' needs stride 1, but the stride is \(stride) (\(axis)): with a larger step the output cannot match the input")
                }
                // A kernel or dilation below 1, or too large, is reported by AxisGeometry.
                guard kernel >= 1, dilation >= 1, let total = checkedProduct(dilation, kernel - 1) else { return (0, 0) }
                return (total / 2, total - total / 2)
            }
        }
        let explicit: Size2D = if case .explicit(let p) = padding { p } else { Size2D(0) }
        let (top, bottom) = try pads("height", kernel.height, stride.height, dilation.height, explicit.height)
        let (left, right) = try pads("width", kernel.width, stride.width, dilation.width, explicit.width)
        return (try AxisGeometry("height", input: input.height, kernel: kernel.height, stride: stride.height, dilation: dilation.height, padBefore: top, padAfter: bottom),
                try AxisGeometry("width", input: input.width, kernel: kernel.width, stride: stride.width, dilation: dilation.width, padBefore: left, padAfter: right))
    }

    public var input: Size2D { Size2D(height: height.input, width: width.input) }
    public var kernel: Size2D { Size2D(height: height.kernel, width: width.kernel) }
    public var output: Size2D { Size2D(height: height.output, width: width.output) }
}

/// a + b, or nil where the result would not fit in an Int.
func checkedSum(_ a: Int?, _ b: Int) -> Int? {
    guard let a else { return nil }
    let (sum, overflow) = a.addingReportingOverflow(b)
    return overflow ? nil : sum
}

/// a · b, or nil where the result would not fit in an Int.
func checkedProduct(_ a: Int?, _ b: Int) -> Int? {
    guard let a else { return nil }
    let (product, overflow) = a.multipliedReportingOverflow(by: b)
    return overflow ? nil : product
}
