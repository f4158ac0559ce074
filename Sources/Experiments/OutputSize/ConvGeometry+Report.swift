import ConvCore
import Reporting

/// output-size's report: the geometry with the formula's numbers filled in, and what the
/// stride leaves unused.
extension ConvGeometry: Report {
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
