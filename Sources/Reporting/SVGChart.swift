import Foundation

/// A line chart as SVG text, for the experiments' plots: panels side by side, each with
/// its lines, axes with round tick values, a linear or logarithmic y axis, an x axis of
/// steps or of the series' own x values (linear or logarithmic), and a legend under the
/// plot, never over the data. A missing value (nil, or ≤ 0 on a log axis) breaks the line:
/// an exploded run stops.
///
/// Every series is told apart three ways: its colour, a marker shape repeated along it (at
/// points offset from series to series, so that a line hidden under another still shows
/// its markers) and, unless the caller pairs series by dashing some, a dash pattern.
///
/// The y range is chosen from the finite values so that the informative ones fill the plot
/// (`yRange`); a line that leaves it is cut at the frame, with a triangle where it leaves and
/// the farthest value it reaches written beside it. Events (a run that exploded, became
/// non-finite, vanished) are marked on their curve with a ring and a label.
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
        /// What happened along the series, marked on its curve.
        public var events: [Event]

        public init(name: String, values: [Double?], color: Int? = nil, dashed: Bool = false, xStep: Int = 1, xValues: [Double]? = nil,
                    events: [Event] = []) {
            (self.name, self.values, self.color, self.dashed, self.xStep, self.xValues, self.events) = (name, values, color, dashed, xStep, xValues, events)
        }
    }

    /// Something that happened at value `index` of a series ("exploded", "non-finite"):
    /// marked at that value, or at the last finite value before it when it has none (a run
    /// that became non-finite stops there).
    public struct Event: Sendable, Equatable {
        public var index: Int
        public var label: String

        public init(index: Int, label: String) { (self.index, self.label) = (index, label) }
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
    /// Dash patterns, one per series in turn, when no series of the panel is dashed by its caller.
    static let dashes = ["", "7 3", "2 2.5", "9 3 2 3"]
    /// Marker shapes, one per series in turn.
    enum Marker: CaseIterable { case circle, square, triangle, diamond, cross, invertedTriangle }
    /// Markers along each line: about this many, spread evenly.
    static let markersPerLine = 8
    /// A logarithmic y axis shows at most this many decades.
    public static let maximumDecades = 12.0
    private static let (panelWidth, panelHeight) = (560.0, 380.0)
    private static let (left, right, top, bottom) = (70.0, 20.0, 40.0, 50.0)
    private static let legendRowHeight = 18.0

    /// Legend rows under a panel: two columns once it has more than four series.
    private static func legendRows(_ count: Int) -> Int { count > 4 ? (count + 1) / 2 : count }

    public var svg: String {
        let legendRows = panels.map { Self.legendRows($0.series.count) }.max() ?? 0
        let width = Self.panelWidth * Double(panels.count)
        let height = 36 + Self.panelHeight + Self.legendRowHeight * Double(legendRows) + 10
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

    /// The y range of a panel, in axis units (log10 of the value on a log axis), from its
    /// finite values (positive ones on a log axis):
    /// - on a log axis, the whole span of decades the values cover, but at most
    ///   `maximumDecades`; when they cover more, the window of that many decades that holds
    ///   the most values (of equals, the one nearest the median), so that the curves most
    ///   runs follow are not squeezed flat by one that explodes to 1e38 or vanishes to 1e-38;
    /// - on a linear axis, the values' span, unless some lie beyond Tukey's fences on the 5th
    ///   and 95th percentiles (q05 − 1.5·w and q95 + 1.5·w, w = q95 − q05): then the fences
    ///   that are crossed, so that a few wild values do not flatten the rest.
    /// Values beyond the range are cut at the frame and marked.
    public static func yRange(_ values: [Double], logarithmic: Bool) -> (low: Double, high: Double) {
        let sorted = values.sorted()
        guard let first = sorted.first, let last = sorted.last else { return (0, 1) }
        if logarithmic {
            var (low, high) = (first.rounded(.down), last.rounded(.up))
            if high - low > maximumDecades {
                // Slide a window of maximumDecades whole decades; count the values in each.
                let median = sorted[sorted.count / 2]
                var best = (count: -1, distance: Double.infinity, low: low)
                var start = low
                while start + maximumDecades <= high {
                    let count = sorted.lazy.filter { $0 >= start && $0 <= start + maximumDecades }.count
                    let distance = abs(start + maximumDecades / 2 - median)
                    if count > best.count || (count == best.count && distance < best.distance) { best = (count, distance, start) }
                    start += 1
                }
                (low, high) = (best.low, best.low + maximumDecades)
            }
            return (low, high)
        }
        func quantile(_ q: Double) -> Double { sorted[min(sorted.count - 1, Int((q * Double(sorted.count - 1)).rounded()))] }
        let (q05, q95) = (quantile(0.05), quantile(0.95))
        let w = q95 - q05
        return (first < q05 - 1.5 * w ? q05 - 1.5 * w : first, last > q95 + 1.5 * w ? q95 + 1.5 * w : last)
    }

    private func draw(_ panel: Panel, x originX: Double, y originY: Double) -> String {
        let plot = (x: originX + Self.left, y: originY + Self.top,
                    width: Self.panelWidth - Self.left - Self.right, height: Self.panelHeight - Self.top - Self.bottom)
        let count = max(2, panel.series.map { $0.values.count * $0.xStep }.max() ?? 2)
        let transform: (Double) -> Double = panel.logarithmic ? { Foundation.log10($0) } : { $0 }
        let shown = panel.series.flatMap(\.values).compactMap { $0 }.filter { $0.isFinite && (!panel.logarithmic || $0 > 0) }.map(transform)
        var (low, high) = Self.yRange(shown, logarithmic: panel.logarithmic)
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
        // The unclamped y of a value; the frame runs from plot.y (high) to plot.y + height (low).
        func py(_ value: Double) -> Double { plot.y + plot.height * (1 - (transform(value) - low) / (high - low)) }
        let (frameTop, frameBottom) = (plot.y, plot.y + plot.height)

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

        let callerDashes = panel.series.contains(where: \.dashed)
        let columns = panel.series.count > 4 ? 2 : 1
        for (index, series) in panel.series.enumerated() {
            let color = Self.palette[(series.color ?? index) % Self.palette.count]
            let pattern = callerDashes ? (series.dashed ? "5 3" : "") : Self.dashes[index % Self.dashes.count]
            let dash = pattern.isEmpty ? "" : " stroke-dasharray=\"\(pattern)\""
            let marker = Marker.allCases[index % Marker.allCases.count]
            // Each value's point (unclamped y), nil where the line breaks.
            let points: [(x: Double, y: Double, value: Double)?] = series.values.enumerated().map { step, value in
                guard let value, value.isFinite, !panel.logarithmic || value > 0 else { return nil }
                return (series.xValues.map { pxValue($0[step]) } ?? px((step + 1) * series.xStep), py(value), value)
            }
            var segments: [[(x: Double, y: Double, value: Double)]] = [[]]
            for point in points {
                if let point { segments[segments.count - 1].append(point) } else { segments.append([]) }
            }
            for segment in segments where !segment.isEmpty {
                if segment.count == 1 {
                    let point = segment[0]
                    if point.y >= frameTop && point.y <= frameBottom {
                        svg += "<circle cx=\"\(f(point.x))\" cy=\"\(f(point.y))\" r=\"\(series.xValues == nil ? 2 : 5)\" fill=\"\(color)\"/>\n"
                    }
                } else {
                    svg += "<polyline clip-path=\"url(#\(clip))\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.6\"\(dash) points=\"\(segment.map { "\(f($0.x)),\(f($0.y))" }.joined(separator: " "))\"/>\n"
                }
                svg += cuts(segment, top: frameTop, bottom: frameBottom, color: color, logarithmic: panel.logarithmic)
            }
            // Markers at evenly spread points inside the frame, offset from series to series.
            let inside = points.indices.filter { points[$0].map { $0.y >= frameTop && $0.y <= frameBottom } ?? false }
            if inside.count > 1 {
                let spacing = Double(inside.count) / Double(Self.markersPerLine)
                let offset = spacing * Double(index) / Double(max(1, panel.series.count))
                var k = offset
                while Int(k) < inside.count {
                    if let point = points[inside[Int(k)]] { svg += Self.marker(marker, x: point.x, y: point.y, color: color) }
                    k += max(1, spacing)
                }
            }
            for event in series.events {
                // At its value, or at the last finite one before it.
                guard let at = points.indices.last(where: { $0 <= event.index && points[$0] != nil }), let point = points[at] else { continue }
                let y = min(max(point.y, frameTop), frameBottom)
                svg += "<circle cx=\"\(f(point.x))\" cy=\"\(f(y))\" r=\"5\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\"/>"
                let anchor = point.x > plot.x + plot.width * 0.75 ? "end" : "start"
                let dx = anchor == "end" ? -8.0 : 8.0
                svg += "<text x=\"\(f(point.x + dx))\" y=\"\(f(y < frameTop + 14 ? y + 16 : y - 7))\" text-anchor=\"\(anchor)\" font-size=\"11\" fill=\"\(color)\">\(escapeHTML(event.label))</text>\n"
            }
            let row = columns == 2 ? index % Self.legendRows(panel.series.count) : index
            let column = columns == 2 ? index / Self.legendRows(panel.series.count) : 0
            let legendX = plot.x + Double(column) * plot.width / 2
            let legendY = originY + Self.panelHeight + Self.legendRowHeight * Double(row)
            svg += "<line x1=\"\(f(legendX))\" y1=\"\(f(legendY - 4))\" x2=\"\(f(legendX + 26))\" y2=\"\(f(legendY - 4))\" stroke=\"\(color)\" stroke-width=\"2\"\(dash)/>"
            svg += Self.marker(marker, x: legendX + 13, y: legendY - 4, color: color)
            svg += "<text x=\"\(f(legendX + 32))\" y=\"\(f(legendY))\">\(escapeHTML(series.name))</text>\n"
        }
        return svg
    }

    /// Where a segment leaves the frame at the top or the bottom: a triangle on the frame,
    /// pointing the way the line went, and the farthest value it reaches out there.
    private func cuts(_ segment: [(x: Double, y: Double, value: Double)], top: Double, bottom: Double, color: String, logarithmic: Bool) -> String {
        var svg = ""
        var index = 0
        while index < segment.count {
            let above = segment[index].y < top, below = segment[index].y > bottom
            guard above || below else { index += 1; continue }
            // A run of points beyond one edge: from `index` to `end` − 1.
            var end = index
            while end < segment.count && (above ? segment[end].y < top : segment[end].y > bottom) { end += 1 }
            let edge = above ? top : bottom
            var x = segment[index].x
            if index > 0 {
                let (a, b) = (segment[index - 1], segment[index])
                x = a.x + (b.x - a.x) * (edge - a.y) / (b.y - a.y)
            }
            let farthest = segment[index..<end].map(\.value).max { above ? $0 < $1 : $0 > $1 }!
            let (tip, base) = above ? (edge - 1, edge + 8) : (edge + 1, edge - 8)
            svg += "<polygon points=\"\(f(x - 5)),\(f(base)) \(f(x + 5)),\(f(base)) \(f(x)),\(f(tip))\" fill=\"\(color)\"/>"
            // Above the frame for a cut at the top (clear of the labels of events inside it),
            // inside it for one at the bottom (clear of the x axis's ticks).
            svg += "<text x=\"\(f(x + 7))\" y=\"\(f(above ? edge - 3 : edge - 4))\" font-size=\"10\" fill=\"\(color)\">\(above ? "↑" : "↓") \(Self.label(farthest, logarithmic: logarithmic))</text>\n"
            index = end
        }
        return svg
    }

    /// A marker of `shape` centred at (x, y), about 7 pixels across.
    private static func marker(_ shape: Marker, x: Double, y: Double, color: String) -> String {
        func f(_ value: Double) -> String { String(format: "%.1f", value) }
        switch shape {
        case .circle:
            return "<circle cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"3.2\" fill=\"\(color)\"/>"
        case .square:
            return "<rect x=\"\(f(x - 3))\" y=\"\(f(y - 3))\" width=\"6\" height=\"6\" fill=\"\(color)\"/>"
        case .triangle:
            return "<polygon points=\"\(f(x - 3.6)),\(f(y + 3)) \(f(x + 3.6)),\(f(y + 3)) \(f(x)),\(f(y - 3.6))\" fill=\"\(color)\"/>"
        case .invertedTriangle:
            return "<polygon points=\"\(f(x - 3.6)),\(f(y - 3)) \(f(x + 3.6)),\(f(y - 3)) \(f(x)),\(f(y + 3.6))\" fill=\"\(color)\"/>"
        case .diamond:
            return "<polygon points=\"\(f(x)),\(f(y - 4)) \(f(x + 4)),\(f(y)) \(f(x)),\(f(y + 4)) \(f(x - 4)),\(f(y))\" fill=\"\(color)\"/>"
        case .cross:
            return "<path d=\"M\(f(x - 3.2)),\(f(y - 3.2))L\(f(x + 3.2)),\(f(y + 3.2))M\(f(x - 3.2)),\(f(y + 3.2))L\(f(x + 3.2)),\(f(y - 3.2))\" stroke=\"\(color)\" stroke-width=\"1.8\"/>"
        }
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

    /// A cut value: on a log axis as a power of ten with one digit ("3e+38").
    private static func label(_ value: Double, logarithmic: Bool) -> String {
        logarithmic ? String(format: "%.0e", value) : label(value)
    }

    private func f(_ value: Double) -> String { String(format: "%.1f", value) }
}
