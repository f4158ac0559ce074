import ConvCore
import Experiments
import Foundation
import Testing

/// `output-size --svg`: the drawing holds what the formula says.
struct OutputSizeDrawingTests {
    /// The drawing's `<rect>` elements with this fill.
    private func rects(_ svg: String, fill: String) -> [String] {
        svg.split(separator: "\n").filter { $0.hasPrefix("<rect") && $0.contains("fill=\"\(fill)\"") }.map(String.init)
    }

    @Test("each of the three windows draws its k×k taps; the output has the three pixels they make", arguments: [
        (Size2D(5), Size2D(3), Size2D(1), Padding.valid, Size2D(1)),
        (Size2D(7), Size2D(3), Size2D(1), .valid, Size2D(2)),
        (Size2D(height: 5, width: 8), Size2D(height: 3, width: 2), Size2D(2), .explicit(Size2D(1)), Size2D(1)),
        (Size2D(5), Size2D(3), Size2D(1), .same, Size2D(1)),
    ])
    func windows(_ input: Size2D, _ kernel: Size2D, _ stride: Size2D, _ padding: Padding, _ dilation: Size2D) throws {
        let layer = try OutputSize(input: input, kernel: kernel, stride: stride, padding: padding, dilation: dilation)
        let svg = layer.svg
        for color in ["#08519c", "#d94801", "#238b45"] {
            let taps = rects(svg, fill: color).filter { $0.contains("fill-opacity=\"0.") }
            // k·k taps and one output pixel.
            #expect(taps.count == kernel.width * kernel.height + 1, "\(color)")
        }
        #expect(svg.contains(escape(layer.width.formula)) && svg.contains(escape(layer.height.formula)))
        #expect(svg.contains("output \(layer.output)"))
    }

    private func escape(_ text: String) -> String { text.replacingOccurrences(of: "&", with: "&amp;") }

    @Test("the image's columns and rows that no window covers are filled and named; none when every pixel is read")
    func unused() throws {
        let stride2 = try OutputSize(input: Size2D(6), kernel: Size2D(3), stride: Size2D(2)).svg
        #expect(rects(stride2, fill: "#fcae91").count == 3)  // the column, the row, the legend's square
        #expect(stride2.contains("1 column at the right is read by no window") && stride2.contains("no window covers it"))
        let exact = try OutputSize(input: Size2D(7), kernel: Size2D(3), stride: Size2D(2)).svg
        #expect(rects(exact, fill: "#fcae91").isEmpty && exact.contains("every column is read by some window"))
    }

    @Test("a large layer is drawn by its top-left corner, and a huge kernel by its outline: the file stays small")
    func large() throws {
        let hd = try OutputSize(input: Size2D(height: 1080, width: 1920), kernel: Size2D(3), stride: Size2D(2)).svg
        #expect(hd.contains("input 1920×1080: its top-left 12×12") && hd.contains("output 959×539: its top-left 8×8"))
        let huge = try OutputSize(input: Size2D(4000), kernel: Size2D(255), dilation: Size2D(3)).svg
        #expect(huge.contains("65,025 taps are drawn as its outline"))
        for svg in [hd, huge] { #expect(svg.utf8.count < 20_000) }
    }
}
