import ConvCore
import Foundation
import Reporting

/// `output-size --svg`: what the formula says, drawn in the manner of Dumoulin and Visin's
/// conv_arithmetic ("A guide to convolution arithmetic for deep learning", 2016): the
/// input grid inside its ring of padding, the kernel's window (its taps, with the gaps of a
/// dilation) at the first position, one stride to the right and one stride down, the output
/// grid with the three pixels those windows make, and the rows and columns that no window
/// covers; under them, the formula with this layer's numbers.
///
/// Large layers stay drawable: cells shrink to fit 560 pixels; an input of more than 48
/// padded pixels an axis is shown by its top-left corner (12 pixels, or as many as the
/// window, one stride and 3 more need), the output by its top-left 8; grid lines are left out
/// below 5 pixels a cell or beyond 120 cells an axis, and a window of more than 1,024 taps
/// is drawn as its outline, so the file's size does not grow with the layer's.
extension OutputSize {
    /// Colours: input, padding, unused, output; and the three windows with their pixels.
    private static let (inputFill, paddingFill, unusedFill, outputFill) = ("#c6dbef", "#ffffff", "#fcae91", "#ccece6")
    private static let windows = [("#08519c", "first window"), ("#d94801", "one stride right"), ("#238b45", "one stride down")]
    /// Inputs up to this many padded pixels an axis are drawn whole; larger ones by their
    /// top-left corner of `cornerSide` pixels (more if the window and a stride need them),
    /// the output by its top-left `outputCornerSide`.
    static let largestDrawn = 48
    static let (cornerSide, outputCornerSide) = (12, 8)

    public var svg: String {
        let (w, h) = (width, height)
        let (paddedWidth, paddedHeight) = (w.padBefore + w.input + w.padAfter, h.padBefore + h.input + h.padAfter)
        // A large layer is shown by its top-left corner, where the windows start.
        let cropped = max(paddedWidth, paddedHeight) > Self.largestDrawn
        let (shownWidth, shownHeight) = cropped
            ? (Self.corner(w, padded: paddedWidth), Self.corner(h, padded: paddedHeight))
            : (paddedWidth, paddedHeight)
        let (shownOutputWidth, shownOutputHeight) = cropped ? (min(w.output, Self.outputCornerSide), min(h.output, Self.outputCornerSide)) : (w.output, h.output)
        let cell = min(28, 560 / Double(max(shownWidth, shownHeight)))
        let outputCell = min(cell, 360 / Double(max(shownOutputWidth, shownOutputHeight)))
        let margin = 20.0, gap = 70.0, titleHeight = 56.0
        let inputOrigin = (x: margin, y: titleHeight)
        let outputOrigin = (x: margin + Double(shownWidth) * cell + gap, y: titleHeight)
        let drawingHeight = max(Double(shownHeight) * cell, Double(shownOutputHeight) * outputCell)
        let captionTop = titleHeight + drawingHeight + 30
        let totalWidth = max(outputOrigin.x + Double(shownOutputWidth) * outputCell + margin, 640)
        func f(_ value: Double) -> String { String(format: "%.1f", value) }
        func rect(_ x: Double, _ y: Double, _ width: Double, _ height: Double, _ attributes: String) -> String {
            "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(width))\" height=\"\(f(height))\" \(attributes)/>\n"
        }
        let (x0, y0) = inputOrigin
        let (u0, v0) = outputOrigin
        // Both grids are drawn whole and clipped to what is shown.
        var svg = "<clipPath id=\"input\">" + rect(x0 - 1, y0 - 1, Double(shownWidth) * cell + 2, Double(shownHeight) * cell + 2, "")
            + "</clipPath><clipPath id=\"output\">" + rect(u0 - 1, v0 - 1, Double(shownOutputWidth) * outputCell + 2, Double(shownOutputHeight) * outputCell + 2, "") + "</clipPath>\n"
        svg += "<g clip-path=\"url(#input)\">\n"
        // The padded input: padding white with a dashed edge, the image blue.
        svg += rect(x0, y0, Double(paddedWidth) * cell, Double(paddedHeight) * cell, "fill=\"\(Self.paddingFill)\" stroke=\"#666\" stroke-dasharray=\"4 3\"")
        svg += rect(x0 + Double(w.padBefore) * cell, y0 + Double(h.padBefore) * cell, Double(w.input) * cell, Double(h.input) * cell, "fill=\"\(Self.inputFill)\"")
        // The image's columns and rows that no window covers.
        if w.unusedImagePixels > 0 {
            svg += rect(x0 + Double(w.padBefore + w.input - w.unusedImagePixels) * cell, y0 + Double(h.padBefore) * cell,
                        Double(w.unusedImagePixels) * cell, Double(h.input) * cell, "fill=\"\(Self.unusedFill)\"")
        }
        if h.unusedImagePixels > 0 {
            svg += rect(x0 + Double(w.padBefore) * cell, y0 + Double(h.padBefore + h.input - h.unusedImagePixels) * cell,
                        Double(w.input) * cell, Double(h.unusedImagePixels) * cell, "fill=\"\(Self.unusedFill)\"")
        }
        if cell >= 5 && max(shownWidth, shownHeight) <= 120 {
            svg += Self.grid(x: x0, y: y0, columns: shownWidth, rows: shownHeight, cell: cell, color: "#9aa")
        }
        // The windows: the first, one stride right, one stride down (where the output has them).
        let positions = [(0, 0), (1, 0), (0, 1)].filter { $0.0 < w.output && $0.1 < h.output }
        // Taps, saturated: a kernel side may be near 2^62.
        let taps = w.kernel.multipliedReportingOverflow(by: h.kernel).overflow ? Int.max : w.kernel * h.kernel
        for (index, (ox, oy)) in positions.enumerated().reversed() {
            let (color, _) = Self.windows[index]
            let (left, top) = (x0 + Double(ox * w.stride) * cell, y0 + Double(oy * h.stride) * cell)
            svg += rect(left + 1, top + 1, Double(w.span) * cell - 2, Double(h.span) * cell - 2,
                        "fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"" + (index == 0 ? "" : " stroke-dasharray=\"6 3\""))
            if taps <= 1024 {
                for ky in 0..<h.kernel {
                    for kx in 0..<w.kernel {
                        let inset = min(3, cell / 5)
                        svg += rect(left + Double(kx * w.dilation) * cell + inset, top + Double(ky * h.dilation) * cell + inset,
                                    cell - 2 * inset, cell - 2 * inset, "fill=\"\(color)\" fill-opacity=\"\(index == 0 ? "0.75" : "0.35")\"")
                    }
                }
            }
        }
        svg += "</g>\n<g clip-path=\"url(#output)\">\n"
        // The output grid, with the pixels the windows make.
        svg += rect(u0, v0, Double(w.output) * outputCell, Double(h.output) * outputCell, "fill=\"\(Self.outputFill)\" stroke=\"#666\"")
        for (index, (ox, oy)) in positions.enumerated() {
            svg += rect(u0 + Double(ox) * outputCell, v0 + Double(oy) * outputCell, outputCell, outputCell, "fill=\"\(Self.windows[index].0)\" fill-opacity=\"0.75\"")
        }
        if outputCell >= 5 && max(shownOutputWidth, shownOutputHeight) <= 120 {
            svg += Self.grid(x: u0, y: v0, columns: shownOutputWidth, rows: shownOutputHeight, cell: outputCell, color: "#7a9")
        }
        svg += "</g>\n"

        // Labels and the caption: the formula per axis, the unused pixels, the legend.
        func text(_ x: Double, _ y: Double, _ content: String, _ attributes: String = "") -> String {
            "<text x=\"\(f(x))\" y=\"\(f(y))\"\(attributes.isEmpty ? "" : " " + attributes)>\(escapeHTML(content))</text>\n"
        }
        let padding = w.padBefore == w.padAfter && h.padBefore == h.padAfter
            ? "padding \(w.padBefore)×\(h.padBefore)"
            : "padding left \(w.padBefore), right \(w.padAfter), top \(h.padBefore), bottom \(h.padAfter)"
        svg += text(totalWidth / 2, 22, "kernel \(kernel), stride \(w.stride)×\(h.stride), \(padding), dilation \(w.dilation)×\(h.dilation)",
                    "text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\"")
        let paddedText = paddedWidth != w.input || paddedHeight != h.input ? " (padded \(paddedWidth)×\(paddedHeight))" : ""
        svg += text(x0, y0 - 10, cropped ? "input \(input)\(paddedText): its top-left \(shownWidth)×\(shownHeight)" : "input \(input)\(paddedText)")
        svg += text(u0, v0 - 10, cropped ? "output \(output): its top-left \(shownOutputWidth)×\(shownOutputHeight)" : "output \(output)")
        var lines = [
            "width:  \(w.formula)",
            "height: \(h.formula)",
            w.unusedSentence(line: "column", end: "right"),
            h.unusedSentence(line: "row", end: "bottom"),
        ]
        if taps > 1024 { lines.append("(the window's \(grouped(taps)) taps are drawn as its outline)") }
        for (index, line) in lines.enumerated() {
            svg += text(margin, captionTop + Double(index) * 18, line, "font-family=\"monospace\" font-size=\"12\"")
        }
        let legendTop = captionTop + Double(lines.count) * 18 + 8
        var legend: [(String, String)] = positions.indices.map { (Self.windows[$0].0, Self.windows[$0].1) }
        legend += [(Self.inputFill, "input"), (Self.paddingFill, "padding (zeros)"), (Self.outputFill, "output")]
        if w.unusedImagePixels + h.unusedImagePixels > 0 { legend.append((Self.unusedFill, "no window covers it")) }
        var legendX = margin
        for (color, label) in legend {
            svg += rect(legendX, legendTop, 12, 12, "fill=\"\(color)\" stroke=\"#666\"")
            svg += text(legendX + 17, legendTop + 10, label, "font-size=\"12\"")
            legendX += 17 + Double(label.count) * 6.6 + 16
        }
        let totalHeight = legendTop + 26
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(max(totalWidth, legendX + margin)))" height="\(Int(totalHeight))" viewBox="0 0 \(Int(max(totalWidth, legendX + margin))) \(Int(totalHeight))" font-family="sans-serif" font-size="13">
            <rect width="100%" height="100%" fill="white"/>
            \(svg)</svg>

            """
    }

    /// The pixels of a cropped axis shown: `cornerSide`, or the window, one stride and 3
    /// more if that is larger, at most the padded axis (in Double: sides may be near 2^63).
    private static func corner(_ axis: AxisGeometry, padded: Int) -> Int {
        Int(min(Double(padded), max(Double(cornerSide), Double(axis.stride) + Double(axis.span) + 3)))
    }

    /// Lines between the cells of a `columns`×`rows` grid.
    private static func grid(x: Double, y: Double, columns: Int, rows: Int, cell: Double, color: String) -> String {
        func f(_ value: Double) -> String { String(format: "%.1f", value) }
        let vertical = (0...columns).map { "M\(f(x + Double($0) * cell)),\(f(y))v\(f(Double(rows) * cell))" }
        let horizontal = (0...rows).map { "M\(f(x)),\(f(y + Double($0) * cell))h\(f(Double(columns) * cell))" }
        return "<path d=\"\((vertical + horizontal).joined())\" stroke=\"\(color)\" stroke-width=\"0.6\" fill=\"none\"/>\n"
    }
}
