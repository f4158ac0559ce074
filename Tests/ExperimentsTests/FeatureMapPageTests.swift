import ConvCore
import Experiments
import Foundation
import Netpbm
import PNGCodec
import Reporting
import SeededRandom
import Testing

/// The featuremap page and the files beside it: each map's PNG, the colour contact sheet,
/// the zoomed crops, the kernel tables, and the explorer, whose script is run in headless
/// Chromium and in Node where the machine has them.
struct FeatureMapPageTests {
    /// A `width`×`height` image of seeded random samples, gray or RGB, as a Netpbm file in `folder`.
    private func randomImage(in folder: URL, width: Int, height: Int, channels: Int, seed: UInt64) throws -> String {
        var generator = SeededGenerator(seed: seed)
        let samples = (0..<width * height * channels).map { _ in UInt16.random(in: 0...255, using: &generator) }
        let image = channels == 1 ? NetpbmImage.graymap(width: width, height: height, maxval: 255, samples: samples)
                                  : NetpbmImage.pixmap(width: width, height: height, maxval: 255, samples: samples)
        let path = folder.appendingPathComponent(channels == 1 ? "image.pgm" : "image.ppm").path
        try Data(image.encoded()).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("conv-demo-page-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The layers the explorer is tried on: strides, paddings, dilations and activations
    /// that move the window in every way, on gray and colour images.
    static let layers: [(name: String, stride: Int, padding: Padding, dilation: Int, activation: Activation, channels: Int)] = [
        ("valid", 1, .valid, 1, .identity, 1),
        ("same", 1, .same, 1, .relu, 1),
        ("stride 2, padding 2", 2, .explicit(Size2D(2)), 1, .tanh, 1),
        ("dilation 2, padding 1", 1, .explicit(Size2D(1)), 2, .leakyReLU, 1),
        ("colour, stride 3, dilation 2", 3, .explicit(Size2D(3)), 2, .hardSwish, 3),
    ]

    private func run(_ layer: (name: String, stride: Int, padding: Padding, dilation: Int, activation: Activation, channels: Int),
                     in folder: URL) throws -> (FeatureMapResult, String) {
        var experiment = FeatureMapExperiment()
        experiment.image = try randomImage(in: folder, width: 37, height: 29, channels: layer.channels, seed: 7)
        experiment.kernels = ["sobel-x", "gaussian", "laplacian"]
        if layer.channels == 3 {
            experiment.kernels = []
            experiment.random = .init(count: 2, size: Size2D(height: 3, width: 5), scheme: .kaimingNormal, initializer: .kaimingNormal(.relu), seed: 3)
        }
        (experiment.stride, experiment.padding, experiment.dilation, experiment.activation) = (Size2D(layer.stride), layer.padding, Size2D(layer.dilation), layer.activation)
        experiment.output = folder.appendingPathComponent("maps").path
        let result = try experiment.run { _ in }
        return (result, try String(contentsOf: URL(fileURLWithPath: experiment.output + "/index.html"), encoding: .utf8))
    }

    /// The explorer's data, as the page embeds it.
    private func explorerData(_ html: String) throws -> [String: Any] {
        let start = try #require(html.range(of: "<script type=\"application/json\" id=\"explorer-data\">"))
        let end = try #require(html.range(of: "</script>", range: start.upperBound..<html.endIndex))
        return try #require(try JSONSerialization.jsonObject(with: Data(html[start.upperBound..<end.lowerBound].utf8)) as? [String: Any])
    }

    @Test("the explorer's data holds, for every pixel of each crop, the window Conv2D read: recomputed from it here, each sum is the map's value",
          arguments: layers.indices)
    func explorerData(_ index: Int) throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (result, html) = try run(Self.layers[index], in: folder)
        let maps = try #require(try explorerData(html)["maps"] as? [[String: Any]])
        #expect(maps.count == result.maps.maps.count)
        for (data, map) in zip(maps, result.maps.maps) {
            let kernel = try #require(data["kernel"] as? [String: Any]), input = try #require(data["input"] as? [String: Any])
            let output = try #require(data["output"] as? [String: Any])
            let weights = try #require(kernel["weights"] as? [Double]), values = try #require(input["values"] as? [Double])
            let (channels, kh, kw) = (kernel["channels"] as! Int, kernel["height"] as! Int, kernel["width"] as! Int)
            let (ix, iy, iw, ih) = (input["x"] as! Int, input["y"] as! Int, input["width"] as! Int, input["height"] as! Int)
            let (ox, oy, ow, oh) = (output["x"] as! Int, output["y"] as! Int, output["width"] as! Int, output["height"] as! Int)
            let g = map.geometry
            #expect(weights.map(Float.init) == map.kernel.weights)
            #expect(values.count == channels * iw * ih && ow * oh == (output["values"] as! [Any]).count)
            #expect(data["positions"] as? Int == map.width * map.height)
            for j in 0..<oh {
                for i in 0..<ow {
                    var sum: Double = 0
                    for c in 0..<channels {
                        for ky in 0..<kh {
                            for kx in 0..<kw {
                                let x = (ox + i) * g.width.stride - g.width.padBefore + kx * g.width.dilation - ix
                                let y = (oy + j) * g.height.stride - g.height.padBefore + ky * g.height.dilation - iy
                                sum += values[(c * ih + y) * iw + x] * weights[(c * kh + ky) * kw + kx]
                            }
                        }
                    }
                    let want = map.values[(oy + j) * map.width + ox + i]
                    let got = map.activation(Float(sum))
                    #expect(abs(got - want) <= 1e-5 * max(1, abs(want)), "\(map.name) at (\(ox + i), \(oy + j))")
                }
            }
        }
    }

    /// The first of `names` found on the PATH.
    private static func executable(_ names: [String]) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            for name in names where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") { return "\(directory)/\(name)" }
        }
        return nil
    }

    private static let chromium = executable(["chromium", "chromium-browser", "google-chrome"])
    private static let node = executable(["node"])

    /// Runs a program to its end: its standard output.
    private func output(of program: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test("in headless Chromium, the page's script gives Conv2D's value at every pixel of every crop", .enabled(if: chromium != nil),
          arguments: layers.indices)
    func chromiumCheck(_ index: Int) throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (result, _) = try run(Self.layers[index], in: folder)
        let page = folder.appendingPathComponent("maps/index.html")
        let dom = try output(of: Self.chromium!, ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(folder.path)/profile",
                                                 "--dump-dom", page.absoluteString])
        let line = try #require(dom.range(of: #"<p id="x-check"[^>]*>"#, options: .regularExpression).map { String(dom[$0]) }, "no check in the page")
        func attribute(_ name: String) -> String? {
            line.range(of: "\(name)=\"[^\"]*\"", options: .regularExpression).map { String(line[$0].dropFirst(name.count + 2).dropLast()) }
        }
        let positions = result.maps.maps.reduce(0) { $0 + min(12, $1.width) * min(12, $1.height) }
        #expect(attribute("data-positions") == "\(positions)")
        #expect(try #require(Double(attribute("data-largest") ?? "")) < 1e-5)
        // The explorer drew itself: the sum and the sharing sentence are in the page.
        #expect(dom.contains("Conv2D computed <b>") && dom.contains("positions of this map"))
    }

    @Test("in Node, ConvExplorer's functions give Conv2D's value at every pixel and the taps and products of one", .enabled(if: node != nil),
          arguments: layers.indices)
    func nodeCheck(_ index: Int) throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (result, html) = try run(Self.layers[index], in: folder)
        let start = try #require(html.range(of: "<script id=\"explorer-code\">"))
        let end = try #require(html.range(of: "</script>", range: start.upperBound..<html.endIndex))
        let harness = """
            const data = \(try String(decoding: JSONSerialization.data(withJSONObject: try explorerData(html)), as: UTF8.self));
            \(html[start.upperBound..<end.lowerBound])
            const map = data.maps[0], pixel = ConvExplorer.pixelAt(map, map.output.x, map.output.y);
            console.log(JSON.stringify({ check: ConvExplorer.check(data), taps: pixel.taps.length,
              sum: pixel.taps.reduce((s, t) => s + t.product, 0) - pixel.sum, value: pixel.value, first: map.output.values[0] }));
            """
        let file = folder.appendingPathComponent("harness.js")
        try harness.write(to: file, atomically: true, encoding: .utf8)
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(try output(of: Self.node!, [file.path]).utf8)) as? [String: Any])
        let check = try #require(answer["check"] as? [String: Double])
        #expect(check["positions"] == Double(result.maps.maps.reduce(0) { $0 + min(12, $1.width) * min(12, $1.height) }))
        #expect(try #require(check["largest"]) < 1e-5)
        let first = result.maps.maps[0]
        #expect(answer["taps"] as? Int == first.kernel.weights.count)
        #expect(answer["sum"] as? Double == 0)
        let value = try #require(answer["value"] as? Double), want = try #require(answer["first"] as? Double)
        #expect(abs(value - want) <= 1e-5 * max(1, abs(want)))
    }

    @Test("each map's PNG: a signed map's palette indices are v / limit on 255 steps, an unsigned map is its PGM; the sheet is colour")
    func pngFiles() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (result, html) = try run(Self.layers[0], in: folder)
        let directory = folder.appendingPathComponent("maps")
        func read(_ name: String) throws -> PNGImage {
            try PNGImage(reading: Array(try Data(contentsOf: directory.appendingPathComponent(name))))
        }
        for map in result.maps.maps {
            let png = try read("\(map.name).png")
            #expect((png.image.width, png.image.height) == (map.width, map.height))
            if map.isSigned {
                #expect(png.header.colorType == .palette)
                let limit = DivergingColorMap.limit(map.values, percentile: 99.5)
                let palette = DivergingColorMap.palette
                let expected = DivergingColorMap.indices(map.values, limit: limit).flatMap { index in
                    [palette[Int(index)].red, palette[Int(index)].green, palette[Int(index)].blue].map(UInt16.init)
                }
                #expect(png.image.samples == .integers(expected))
                // Zero is the colour map's white-ish middle.
                #expect(palette[127] == (247, 247, 247))
            } else {
                let pgm = try NetpbmImage(reading: Array(try Data(contentsOf: directory.appendingPathComponent("\(map.name).pgm"))))
                #expect(png.header.colorType == .gray && png.image.samples == pgm.samples)
            }
        }
        let sheet = try read("sheet.png")
        let ppm = try NetpbmImage(reading: Array(try Data(contentsOf: directory.appendingPathComponent("sheet.ppm"))))
        #expect(sheet.header.colorType == .rgb && sheet.image.samples == ppm.samples && ppm.channels == 3)
        #expect(html.contains("−") && html.contains("colour bar"))
    }

    @Test("random filters on a colour image: kernel tables labelled R, G and B; wide kernels get a smaller font")
    func kernelTables() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (_, html) = try run(Self.layers[4], in: folder)
        #expect(html.components(separatedBy: "<b>R</b>").count - 1 == 2)
        #expect(html.contains("<b>G</b>") && html.contains("<b>B</b>"))
        #expect(html.contains("style=\"font-size: 1.00em\""))
    }
}
