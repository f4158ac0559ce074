import Foundation

/// A line chart as SVG text, for the experiments' plots: panels side by side, each with
/// its lines, axes with round tick values, a linear or logarithmic y axis, an x axis of
/// steps or of the series' own x values (linear or logarithmic), and a legend.
/// A missing value (nil, or ≤ 0 on a log axis) breaks the line: an exploded run stops.
public struct SVGChart: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var values: [Double?]
        /// Which palette colour (default: the series' position), so that series can pair up.
        public var color: Int?
        public var dashed: Bool
        /// Steps on the x axis from one value to the next: 2 for a series measured at every
        /// second layer, which then spans as far as one of twice as many values.
        public var xStep: Int
        /// Where each value lies on the x axis, when the axis is a quantity (a shift in
        /// pixels, a parameter count) rather than steps 1, 2, 3…; one per value.
        public var xValues: [Double]?

        public init(name: String, values: [Double?], color: Int? = nil, dashed: Bool = false, xStep: Int = 1, xValues: [Double]? = nil) {
            (self.name, self.values, self.color, self.dashed, self.xStep, self.xValues) = (name, values, color, dashed, xStep, xValues)
        }
    }

    public struct Panel: Sendable {
        public var title: String
        public var xLabel: String
        public var yLabel: String
        public var logarithmic: Bool
        public var series: [Series]
        /// A logarithmic x axis, for series with `xValues`.
        public var xLogarithmic: Bool

        public init(title: String, xLabel: String, yLabel: String, logarithmic: Bool, series: [Series], xLogarithmic: Bool = false) {
            (self.title, self.xLabel, self.yLabel, self.logarithmic, self.series, self.xLogarithmic) = (title, xLabel, yLabel, logarithmic, series, xLogarithmic)
        }
    }

    public var title: String
    public var panels: [Panel]

    public init(title: String, panels: [Panel]) {
        self.title = title
        self.panels = panels
    }

    public static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"]
    private static let (panelWidth, panelHeight) = (560.0, 380.0)
    private static let (left, right, top, bottom) = (70.0, 20.0, 40.0, 50.0)

    public var svg: String {
        let legendRows = panels.map(\.series.count).max() ?? 0
        let width = Self.panelWidth * Double(panels.count)
        let height = 36 + Self.panelHeight + 18 * Double(legendRows) + 10
        var body = ""
        for (index, panel) in panels.enumerated() {
            body += draw(panel, x: Double(index) * Self.panelWidth, y: 36)
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(Int(width / 2))" y="22" text-anchor="middle" font-size="15" font-weight="bold">\(escapeHTML(title))</text>
            \(body)</svg>

            """
    }

    private func draw(_ panel: Panel, x originX: Double, y originY: Double) -> String {
        let plot = (x: originX + Self.left, y: originY + Self.top,
                    width: Self.panelWidth - Self.left - Self.right, height: Self.panelHeight - Self.top - Self.bottom)
        let count = max(2, panel.series.map { $0.values.count * $0.xStep }.max() ?? 2)
        let shown = panel.series.flatMap(\.values).compactMap { $0 }.filter { $0.isFinite && (!panel.logarithmic || $0 > 0) }
        let transform: (Double) -> Double = panel.logarithmic ? { Foundation.log10($0) } : { $0 }
        var (low, high) = (shown.map(transform).min() ?? 0, shown.map(transform).max() ?? 1)
        if panel.logarithmic { (low, high) = (low.rounded(.down), high.rounded(.up)) }
        if high - low < 1e-12 { (low, high) = (low - 1, high + 1) }
        // Points (series of one value) get a margin, so that none sits on the frame.
        if !panel.logarithmic && panel.series.contains(where: { $0.values.count == 1 }) {
            (low, high) = (low - 0.08 * (high - low), high + 0.08 * (high - low))
        }
        // The x axis: steps 1…count, or the span of the series' own x values.
        let xTransform: (Double) -> Double = panel.xLogarithmic ? { Foundation.log10($0) } : { $0 }
        let xs = panel.series.compactMap(\.xValues).joined().filter { $0.isFinite && (!panel.xLogarithmic || $0 > 0) }.map(xTransform)
        var (xLow, xHigh) = xs.isEmpty ? (1.0, Double(count)) : (xs.min()!, xs.max()!)
        if panel.xLogarithmic && !xs.isEmpty { (xLow, xHigh) = (xLow.rounded(.down), xHigh.rounded(.up)) }
        if xHigh - xLow < 1e-12 { (xLow, xHigh) = (xLow - 1, xHigh + 1) }
        func pxValue(_ value: Double) -> Double { plot.x + plot.width * (xTransform(value) - xLow) / (xHigh - xLow) }
        func px(_ step: Int) -> Double { pxValue(Double(step)) }
        func py(_ value: Double) -> Double { plot.y + plot.height * (1 - (transform(value) - low) / (high - low)) }

        let clip = "clip\(Int(originX))"
        var svg = "<clipPath id=\"\(clip)\"><rect x=\"\(f(plot.x))\" y=\"\(f(plot.y))\" width=\"\(f(plot.width))\" height=\"\(f(plot.height))\"/></clipPath>\n"
        svg += "<text x=\"\(f(plot.x + plot.width / 2))\" y=\"\(f(originY + 20))\" text-anchor=\"middle\" font-size=\"13\">\(escapeHTML(panel.title))</text>\n"
        svg += "<rect x=\"\(f(plot.x))\" y=\"\(f(plot.y))\" width=\"\(f(plot.width))\" height=\"\(f(plot.height))\" fill=\"none\" stroke=\"#888\"/>\n"
        for tick in Self.ticks(low, high, logarithmic: panel.logarithmic) {
            let y = plot.y + plot.height * (1 - (tick - low) / (high - low))
            svg += "<line x1=\"\(f(plot.x))\" y1=\"\(f(y))\" x2=\"\(f(plot.x + plot.width))\" y2=\"\(f(y))\" stroke=\"#eee\"/>"
            svg += "<text x=\"\(f(plot.x - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(panel.logarithmic ? "1e\(Int(tick))" : Self.label(tick))</text>\n"
        }
        if xs.isEmpty {
            for step in Self.ticks(1, Double(count), logarithmic: false) where step >= 1 {
                svg += "<text x=\"\(f(px(Int(step))))\" y=\"\(f(plot.y + plot.height + 16))\" text-anchor=\"middle\">\(Int(step))</text>"
            }
        } else {
            for tick in Self.ticks(xLow, xHigh, logarithmic: panel.xLogarithmic) {
                let x = plot.x + plot.width * (tick - xLow) / (xHigh - xLow)
                svg += "<text x=\"\(f(x))\" y=\"\(f(plot.y + plot.height + 16))\" text-anchor=\"middle\">\(panel.xLogarithmic ? "1e\(Int(tick))" : Self.label(tick))</text>"
            }
        }
        svg += "<text x=\"\(f(plot.x + plot.width / 2))\" y=\"\(f(plot.y + plot.height + 34))\" text-anchor=\"middle\">\(escapeHTML(panel.xLabel))</text>\n"
        svg += "<text transform=\"translate(\(f(originX + 16)) \(f(plot.y + plot.height / 2))) rotate(-90)\" text-anchor=\"middle\">\(escapeHTML(panel.yLabel))</text>\n"
        for (index, series) in panel.series.enumerated() {
            let color = Self.palette[(series.color ?? index) % Self.palette.count]
            let dash = series.dashed ? " stroke-dasharray=\"5 3\"" : ""
            var segments: [[(x: Double, y: Double)]] = [[]]
            for (step, value) in series.values.enumerated() {
                guard let value, value.isFinite, !panel.logarithmic || value > 0 else {
                    segments.append([])
                    continue
                }
                let x = series.xValues.map { pxValue($0[step]) } ?? px((step + 1) * series.xStep)
                segments[segments.count - 1].append((x, py(value)))
            }
            for segment in segments where !segment.isEmpty {
                svg += segment.count == 1
                    ? "<circle clip-path=\"url(#\(clip))\" cx=\"\(f(segment[0].x))\" cy=\"\(f(segment[0].y))\" r=\"\(series.xValues == nil ? 2 : 5)\" fill=\"\(color)\"/>\n"
                    : "<polyline clip-path=\"url(#\(clip))\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.6\"\(dash) points=\"\(segment.map { "\(f($0.x)),\(f($0.y))" }.joined(separator: " "))\"/>\n"
            }
            let legendY = originY + Self.panelHeight + 18 * Double(index)
            svg += "<line x1=\"\(f(plot.x))\" y1=\"\(f(legendY - 4))\" x2=\"\(f(plot.x + 22))\" y2=\"\(f(legendY - 4))\" stroke=\"\(color)\" stroke-width=\"2\"\(dash)/>"
            svg += "<text x=\"\(f(plot.x + 28))\" y=\"\(f(legendY))\">\(escapeHTML(series.name))</text>\n"
        }
        return svg
    }

    /// Round tick values from low to high: whole decades on a log axis (every k-th, at most
    /// 8), else steps of 1, 2 or 5 times a power of ten.
    public static func ticks(_ low: Double, _ high: Double, logarithmic: Bool) -> [Double] {
        if logarithmic {
            let every = max(1.0, ((high - low) / 8).rounded(.up))
            return stride(from: (low / every).rounded(.up) * every, through: high, by: every).map { $0 }
        }
        let rough = (high - low) / 6
        let power = Foundation.pow(10, Foundation.floor(Foundation.log10(rough)))
        let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= rough } ?? 10 * power
        return stride(from: (low / step).rounded(.up) * step, through: high + step * 1e-9, by: step).map { $0 }
    }

    private static func label(_ value: Double) -> String {
        abs(value) >= 1e4 || (abs(value) < 1e-3 && value != 0) ? String(format: "%.0e", value) : String(format: "%g", (value * 1e6).rounded() / 1e6)
    }

    private func f(_ value: Double) -> String { String(format: "%.1f", value) }
}
