import ConvCore
import Foundation
import Reporting

/// `featuremap`'s HTML page: one self-contained file that works offline in any browser.
/// Browsers do not show Netpbm, so every picture is embedded as a PNG data URI, scaled
/// to fit 640 pixels; the exact maps are in the PFM files beside it.
struct FeatureMapPage {
    let source: String
    let maps: FeatureMaps
    /// The input as people should see it: RGB for a colour image, else gray.
    let inputPicture: (channels: Int, width: Int, height: Int, pixels: [UInt8])
    let pictures: [GrayPicture]
    /// Signed maps are coloured from −L to +L, L this percentile of |v|.
    let clipPercentile: Double
    let settings: String

    static let pictureBox = 640

    var html: String {
        let geometries = maps.maps.reduce(into: [(String, ConvGeometry)]()) { groups, map in
            if !groups.contains(where: { $0.1 == map.geometry }) { groups.append(("\(map.kernel.width)×\(map.kernel.height) kernels", map.geometry)) }
        }
        let arithmetic = geometries.map { label, geometry in
            "<p>\(label): width \(escapeHTML(geometry.width.formula)), height \(escapeHTML(geometry.height.formula)): "
                + "\(geometry.output.width)×\(geometry.output.height) positions</p>"
        }.joined(separator: "\n")
        let inputValues = maps.width * maps.height * maps.channels
        let fullyConnected = (try? exactProduct("", inputValues, maps.outputValues)).map(grouped) ?? "more than 64 bits can count"

        let bar = PNG.dataURI(width: 128, height: 1, channels: 3, pixels: DivergingColorMap.bar(width: 128, height: 1))
        let cards = zip(maps.maps, pictures).map { map, picture in
            let limit = DivergingColorMap.limit(map.values, percentile: clipPercentile)
            return """
            <figure>
              <img src="\(map.isSigned ? signedPicture(map, limit: limit) : PNG.dataURI(picture))" alt="\(escapeHTML(map.name))">
              <figcaption><b>\(escapeHTML(map.name))</b> · \(map.width)×\(map.height) · min \(number(map.minimum)), max \(number(map.maximum)), mean \(number(Float(map.mean)))
              · \(map.isSigned ? "signed: blue below 0, white at 0, red above" : "unsigned: black at min, white at max")</figcaption>
              \(map.isSigned ? "<div class=\"bar\"><span>−\(number(limit))</span><img src=\"\(bar)\" alt=\"colour bar\"><span>+\(number(limit))</span>\(clipPercentile < 100 ? "<span>(\(decimal(Float(clipPercentile)))th percentile of |v|; beyond it, saturated)</span>" : "")</div>" : "")
              <div class="kernel">\(kernelPictures(map))\(weightsTable(map))</div>
            </figure>
            """
        }.joined(separator: "\n")

        let input = inputPicture
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>Feature maps of \(escapeHTML(source))</title>
            <style>
              body { font-family: system-ui, sans-serif; margin: 2em; color: #222; max-width: 90em; }
              .grid { display: flex; flex-wrap: wrap; gap: 1.5em; }
              figure { margin: 0; max-width: \(Self.pictureBox)px; }
              .grid figure { width: 300px; }
              img { width: 100%; border: 1px solid #ccc; }
              figcaption { font-size: 0.9em; margin: 0.3em 0; }
              .kernel { display: flex; gap: 0.6em; align-items: flex-start; }
              img.kernel { width: 64px; image-rendering: pixelated; margin-top: 0.3em; }
              table.weights { border-collapse: collapse; font-family: ui-monospace, monospace; font-size: 0.8em; margin-top: 0.3em; }
              table.weights td { border: 1px solid #ccc; padding: 0.1em 0.4em; text-align: right; }
              .numbers { font-family: ui-monospace, monospace; }
              .bar { display: flex; align-items: center; gap: 0.4em; font-family: ui-monospace, monospace; font-size: 0.8em; }
              .bar img { width: 10em; height: 0.8em; border: 1px solid #ccc; image-rendering: pixelated; }
            </style>
            </head>
            <body>
            <h1>Feature maps of \(escapeHTML(source))</h1>
            <p>Made by <code>conv-demo featuremap</code>: \(escapeHTML(settings)). Each map is one small kernel applied at
            every position of the image (cross-correlation, as in PyTorch): the same weights everywhere.</p>
            <h2>Input</h2>
            <figure>
              <img src="\(PNG.dataURI(width: input.width, height: input.height, channels: input.channels, pixels: input.pixels))" alt="input">
              <figcaption>\(maps.width)×\(maps.height), \(maps.channels == 3 ? "colour (named kernels see its BT.709 luma)" : "gray"),
              values sample / maxval in [0, 1]</figcaption>
            </figure>
            <h2>Output size</h2>
            <p class="numbers">out = ⌊(n + 2p − d·(k − 1) − 1) / s⌋ + 1, the (n − k)/s + 1 of the textbooks when p = 0 and d = 1</p>
            <div class="numbers">\(arithmetic)</div>
            <h2>Parameters</h2>
            <p>This layer: <b>\(grouped(maps.weights))</b> weights in \(maps.maps.count) kernels, shared by every position.
            A fully-connected layer making the same \(grouped(maps.outputValues)) output values from the same
            \(grouped(inputValues)) input values would need <b>\(fullyConnected)</b> weights.</p>
            <h2>Maps</h2>
            <div class="grid">
            \(cards)
            </div>
            </body>
            </html>

            """
    }

    /// The kernel as a picture, one per input channel, 64 pixels wide with its weights as
    /// square blocks: 0 mid-gray, the largest weight in size white or black, so the sign
    /// and the pattern show at a glance.
    private func kernelPictures(_ map: FeatureMaps.Map) -> String {
        let (channels, height, width, weights) = map.kernel
        return (0..<channels).map { c in
            let picture = GrayPicture(signed: Array(weights[(c * height * width)..<((c + 1) * height * width)]), width: width, height: height)
            return "<img class=\"kernel\" src=\"\(PNG.dataURI(picture))\" alt=\"\(escapeHTML(map.name)), channel \(c + 1)\" title=\"channel \(c + 1): 0 is mid-gray\">"
        }.joined()
    }

    /// The kernel's weights, one table per input channel.
    private func weightsTable(_ map: FeatureMaps.Map) -> String {
        let (channels, height, width, weights) = map.kernel
        return (0..<channels).map { c in
            let rows = (0..<height).map { row in
                "<tr>" + (0..<width).map { column in
                    "<td>\(number(weights[(c * height + row) * width + column]))</td>"
                }.joined() + "</tr>"
            }.joined()
            return "<table class=\"weights\" title=\"channel \(c + 1)\">\(rows)</table>"
        }.joined(separator: "\n")
    }

    private func number(_ value: Float) -> String {
        abs(value) >= 1000 || (abs(value) < 0.001 && value != 0) ? String(format: "%.3g", value) : fixed(Double(value), 3)
    }

    /// A signed map in the diverging colour map, ±`limit` at the ends, shrunk to the page's
    /// box before it is coloured (so that shrinking averages values, not colours).
    private func signedPicture(_ map: FeatureMaps.Map, limit: Float) -> String {
        let small = GrayPicture.shrunk(map.values, width: map.width, height: map.height, toFit: Self.pictureBox)
        return PNG.dataURI(width: small.width, height: small.height, palette: DivergingColorMap.palette,
                           indices: DivergingColorMap.indices(small.values, limit: limit))
    }
}
