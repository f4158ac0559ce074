import ConvCore
import Reporting

/// `output-size`: a convolution's output size on each axis, with the formula's numbers
/// filled in, and what the stride leaves unused. Each axis is checked by itself; the
/// output's area is not needed, so a size whose area no integer holds is still answered.
public struct OutputSize: Report, Sendable {
    public let height: AxisGeometry
    public let width: AxisGeometry

    /// - Throws: `ShapeError` as `ConvGeometry.axes` does.
    public init(input: Size2D, kernel: Size2D, stride: Size2D = Size2D(1), padding: Padding = .valid, dilation: Size2D = Size2D(1)) throws(ShapeError) {
        (height, width) = try ConvGeometry.axes(input: input, kernel: kernel, stride: stride, padding: padding, dilation: dilation)
    }

    public var input: Size2D { Size2D(height: height.input, width: width.input) }
    public var kernel: Size2D { Size2D(height: height.kernel, width: width.kernel) }
    public var output: Size2D { Size2D(height: height.output, width: width.output) }

    public var text: String {
        let (h, w) = (height, width)
        func pair(_ width: Int, _ height: Int) -> String { "\(width)×\(height)" }
        let padding = h.padBefore == h.padAfter && w.padBefore == w.padAfter
            ? pair(w.padBefore, h.padBefore)
            : "left \(w.padBefore), right \(w.padAfter), top \(h.padBefore), bottom \(h.padAfter)"
        return """
            input   \(input) (width × height)
            kernel  \(kernel), stride \(pair(w.stride, h.stride)), padding \(padding), dilation \(pair(w.dilation, h.dilation))

            out = ⌊(n + 2p − d·(k − 1) − 1) / s⌋ + 1
              width:  \(w.formula)
              height: \(h.formula)

            output  \(output) (width × height)
            unused  \(w.unusedSentence(line: "column", end: "right"))
                    \(h.unusedSentence(line: "row", end: "bottom"))

            """
    }

    public var json: JSON {
        let (h, w) = (height, width)
        return .object([
            ("input", input.json),
            ("kernel", kernel.json),
            ("stride", Size2D(height: h.stride, width: w.stride).json),
            ("padding", .object([("left", .int(w.padBefore)), ("right", .int(w.padAfter)), ("top", .int(h.padBefore)), ("bottom", .int(h.padAfter))])),
            ("dilation", Size2D(height: h.dilation, width: w.dilation).json),
            ("output", output.json),
            ("unused", Size2D(height: h.unused, width: w.unused).json),
        ])
    }
}
