import Foundation
import Reporting
import Testing

struct JSONTests {
    @Test("objects keep their order, arrays of plain values stay on one line, non-finite numbers are null")
    func serialization() {
        let document = JSON.object([
            ("b", .int(2)), ("a", .array([.number(0.5), .null, .bool(true)])),
            ("nested", .array([.object([("x", .number(.infinity))])])),
            ("text", .string("quote \" backslash \\ newline \n tab \t bell \u{7}")),
        ])
        #expect(document.serialized() == """
            {
              "b": 2,
              "a": [0.5, null, true],
              "nested": [
                {
                  "x": null
                }
              ],
              "text": "quote \\" backslash \\\\ newline \\n tab \\t bell \\u0007"
            }
            """)
        let parsed = try? JSONSerialization.jsonObject(with: Data(document.serialized().utf8)) as? [String: Any]
        #expect(parsed?["text"] as? String == "quote \" backslash \\ newline \n tab \t bell \u{7}")
    }

    @Test("a Float becomes its shortest decimal, not the Double nearest to it")
    func floats() {
        #expect(JSON.float(0.0003).serialized() == "0.0003")
        #expect(JSON.number(Double(Float(0.0003))).serialized() != "0.0003")
        #expect(JSON.numbers([1, nil]).serialized() == "[1.0, null]")
    }
}

struct TextTableTests {
    @Test("columns are as wide as their widest cell; numbers align right, text left; no trailing spaces")
    func rendering() {
        var table = TextTable([("name", .left), ("count", .right)])
        table.append(["a", "1"])
        table.append(["longer", "1,000"])
        #expect(table.rendered() == """
              name    count
              ──────  ─────
              a           1
              longer  1,000

            """)
    }
}

struct FormattingTests {
    @Test("counts get thousands separators; bytes and rates three significant digits")
    func numbers() {
        #expect(grouped(2_073_600_000) == "2,073,600,000")
        #expect(grouped(-1234) == "-1,234")
        #expect(grouped(999) == "999")
        #expect(humanBytes(8_294_404_000) == "8.29 GB")
        #expect(humanBytes(40) == "40 B")
        #expect(decimalUnits(30_940_528_640, "FLOPs") == "30.9 GFLOPs")
        #expect(decimalUnits(999_499, "B") == "999 kB")
        #expect(decimalUnits(999_500, "B") == "1.00 MB")
        #expect(ratio(2_073_601_000, 10) == "207,360,100×")
        #expect(ratio(7, 2) == "3.50×")
        #expect(fixed(-0.00001, 2) == "0.00")
        #expect(compact(nil) == "—" && compact(0) == "0" && compact(12345) == "1.23e+04" && compact(0.5) == "0.5")
        #expect(decimal(0.0003) == "0.0003" && decimal(2) == "2")
    }
}

struct SVGChartTests {
    @Test("a series measured every second step spans as far as one of twice as many values")
    func xStep() {
        let chart = SVGChart(title: "t", panels: [SVGChart.Panel(title: "p", xLabel: "x", yLabel: "y", logarithmic: false, series: [
            SVGChart.Series(name: "every step", values: [1, 2, 3, 4, 5, 6]),
            SVGChart.Series(name: "every second step", values: [2, 4, 6], xStep: 2),
        ])])
        let lines = chart.svg.split(separator: "\n").filter { $0.contains("<polyline") }
        #expect(lines.count == 2)
        func points(_ line: Substring) -> [Substring] { line.split(separator: "\"").first { $0.contains(",") && !$0.contains("url") }!.split(separator: " ") }
        let (first, second) = (points(lines[0]), points(lines[1]))
        #expect(first.count == 6 && second.count == 3)
        // The same points: the second series' values are those of the first at steps 2, 4, 6.
        #expect(second == [first[1], first[3], first[5]])
    }

    @Test("a missing value breaks the line; ticks are round numbers, decades on a log axis")
    func gapsAndTicks() {
        let chart = SVGChart(title: "t & <u>", panels: [SVGChart.Panel(title: "p", xLabel: "x", yLabel: "y", logarithmic: true, series: [
            SVGChart.Series(name: "broken", values: [1, 10, nil, 1000, 10_000]),
        ])])
        #expect(chart.svg.split(separator: "\n").filter { $0.contains("<polyline") }.count == 2)
        #expect(chart.svg.contains("t &amp; &lt;u&gt;"))
        #expect(SVGChart.ticks(0, 4, logarithmic: true) == [0, 1, 2, 3, 4])
        #expect(SVGChart.ticks(0, 1, logarithmic: false) == [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1])
    }

    @Test("a log axis shows at most 12 decades, those holding the most values; a linear one stops at Tukey's fences when a few values are wild")
    func yRange() {
        // Five runs near 1 and one that explodes to 1e38: the 12 decades around the five.
        let steady = (0..<100).map { Double($0 % 7) * 0.05 - 0.1 }
        let exploding = (0..<30).map { Double($0) * 1.3 }
        let (low, high) = SVGChart.yRange(Array(repeating: steady, count: 5).flatMap { $0 } + exploding, logarithmic: true)
        #expect(high - low == 12 && low <= -0.1 && high >= 0.2)
        #expect(SVGChart.yRange([-2.5, 3.2], logarithmic: true) == (-3, 4))
        // Linear: a loss that jumps to 1e20 once does not flatten 99 values in [0, 1].
        let losses = (0..<99).map { Double($0) / 98 } + [1e20]
        let linear = SVGChart.yRange(losses, logarithmic: false)
        #expect(linear.low == 0 && linear.high < 3)
        #expect(SVGChart.yRange([0, 0.5, 1], logarithmic: false) == (0, 1))
    }

    @Test("a line that leaves the range is cut with a triangle and its farthest value; events are ringed and labelled; every series has its own marker and dash")
    func cutsEventsMarkers() {
        let chart = SVGChart(title: "t", panels: [SVGChart.Panel(title: "p", xLabel: "x", yLabel: "y", logarithmic: true, series: [
            SVGChart.Series(name: "steady", values: (0..<50).map { _ in 1.0 }),
            SVGChart.Series(name: "explodes", values: (0..<50).map { $0 < 40 ? Foundation.pow(10, Double($0)) : nil }, events: [SVGChart.Event(index: 40, label: "non-finite at 41")]),
            SVGChart.Series(name: "steady too", values: (0..<50).map { _ in 2.0 }),
        ])])
        let svg = chart.svg
        #expect(svg.contains("↑ 1e+39"))
        #expect(svg.contains(">non-finite at 41</text>"))
        #expect(svg.components(separatedBy: "stroke-dasharray=\"7 3\"").count - 1 >= 2)  // the second series' line and legend
        #expect(svg.contains("<rect x=") && svg.contains("<polygon"))  // square and triangle markers
        // The legend is under the plot: every legend text lies below the frame's bottom (36 + 40 + 290).
        for name in ["steady", "explodes", "steady too"] {
            let text = svg.range(of: #"y="[0-9.]+">"# + name + "<", options: .regularExpression).map { String(svg[$0]) }
            let y = text.flatMap { Double($0.dropFirst(3).prefix { $0 != "\"" }) }
            #expect((y ?? 0) > 36 + 40 + 290, "\(name)")
        }
    }
}
