import ConvCore
import Foundation
import Reporting

/// `featuremap`'s HTML page: one self-contained file that works offline in any browser,
/// from `file://` too. Browsers do not show Netpbm, so every picture is embedded as a PNG
/// data URI, made to fit 640 pixels; the exact maps are in the PFM files beside it. Each
/// map comes with a zoomed crop around its strongest response and its kernel's weights;
/// the explorer (`FeatureMapPage+Explorer.swift`) lets a reader point at an output pixel
/// and see the sum that made it.
struct FeatureMapPage {
    let source: String
    let maps: FeatureMaps
    /// The input as people should see it (RGB for a colour image), made to fit the page.
    let input: ColorPicture
    let shown: [ShownMap]
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
        let cards = zip(maps.maps, shown).map { map, shown in
            let colourBar = shown.limit.map { limit in
                "<div class=\"bar\"><span>−\(Self.number(limit))</span><img src=\"\(bar)\" alt=\"colour bar\"><span>+\(Self.number(limit))</span>"
                    + (clipPercentile < 100 ? "<span>(\(decimal(Float(clipPercentile)))th percentile of |v|; beyond it, saturated)</span>" : "") + "</div>"
            } ?? ""
            return """
            <figure>
              <img src="\(PNG.dataURI(shown.pagePNG))" alt="\(escapeHTML(map.name))">
              <figcaption><b>\(escapeHTML(map.name))</b> · \(map.width)×\(map.height) · min \(Self.number(map.minimum)), max \(Self.number(map.maximum)), mean \(Self.number(Float(map.mean)))
              · \(map.isSigned ? "signed: blue below 0, white at 0, red above" : "unsigned: black at min, white at max")</figcaption>
              \(colourBar)
              \(zoom(map, shown))
              <div class="kernel">\(kernelTables(map))</div>
            </figure>
            """
        }.joined(separator: "\n")

        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Feature maps of \(escapeHTML(source))</title>
            <style>
              body { font-family: system-ui, sans-serif; margin: 2em; color: #222; max-width: 90em; }
              .grid { display: flex; flex-wrap: wrap; gap: 1.5em; }
              figure { margin: 0; max-width: \(Self.pictureBox)px; }
              .grid > figure { width: 300px; }
              img { max-width: 100%; border: 1px solid #ccc; }
              .grid > figure > img { width: 100%; }
              figcaption { font-size: 0.9em; margin: 0.3em 0; }
              .zoom { display: flex; gap: 0.4em; align-items: flex-start; font-size: 0.8em; }
              .zoom figure { flex: 1 1 0; min-width: 0; }
              .zoom img { width: 100%; image-rendering: pixelated; }
              .kernel { display: flex; flex-wrap: wrap; gap: 0.6em; align-items: flex-start; }
              .channel { max-width: 100%; overflow-x: auto; font-size: 0.8em; }
              .channel img { width: 48px; image-rendering: pixelated; display: block; }
              table.weights { border-collapse: collapse; font-family: ui-monospace, monospace; margin-top: 0.3em; }
              table.weights td { border: 1px solid #ccc; padding: 0.05em 0.3em; text-align: right; }
              .numbers { font-family: ui-monospace, monospace; }
              .bar { display: flex; align-items: center; gap: 0.4em; font-family: ui-monospace, monospace; font-size: 0.8em; flex-wrap: wrap; }
              .bar img { width: 10em; height: 0.8em; image-rendering: pixelated; }
            \(Self.explorerStyle)
            </style>
            </head>
            <body>
            <h1>Feature maps of \(escapeHTML(source))</h1>
            <p>Made by <code>conv-demo featuremap</code>: \(escapeHTML(settings)). Each map is one small kernel applied at
            every position of the image (cross-correlation, as in PyTorch): the same weights everywhere.</p>
            <h2>Input</h2>
            <figure>
              <img src="\(inputURI)" alt="input">
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
            \(explorer)
            <h2>Maps</h2>
            <p>Under each map: a \(ShownMap.zoomSide)×\(ShownMap.zoomSide) crop around its strongest response, enlarged
            pixel for pixel (each pixel a square), beside the part of the input it was computed from; then the kernel.</p>
            <div class="grid">
            \(cards)
            </div>
            </body>
            </html>

            """
    }

    /// The map's crop around its strongest response, and the input pixels its windows
    /// cover, both enlarged pixel for pixel.
    private func zoom(_ map: FeatureMaps.Map, _ shown: ShownMap) -> String {
        let crop = shown.zoom
        let region = Self.inputRegion(of: map.geometry, x: crop.x, y: crop.y, width: crop.width, height: crop.height,
                                      imageWidth: maps.width, imageHeight: maps.height)
        let inputCrop = region.width > 0 && region.height > 0
            ? "<img src=\"\(PNG.dataURI(inputPicture(region)))\" alt=\"input crop\">" : "<p>(padding only)</p>"
        return """
            <div class="zoom">
                <figure><img src="\(PNG.dataURI(crop.png))" alt="\(escapeHTML(map.name)), zoomed"><figcaption>map, x \(crop.x)…\(crop.x + crop.width - 1), y \(crop.y)…\(crop.y + crop.height - 1)</figcaption></figure>
                <figure>\(inputCrop)<figcaption>input, x \(region.x)…\(region.x + region.width - 1), y \(region.y)…\(region.y + region.height - 1)</figcaption></figure>
              </div>
            """
    }

    /// The input pixels (inside the image) that the windows of the output pixels
    /// x…x+width−1, y…y+height−1 read: from the first window's first tap to the last
    /// window's last, clipped to the image.
    static func inputRegion(of geometry: ConvGeometry, x: Int, y: Int, width: Int, height: Int,
                            imageWidth: Int, imageHeight: Int) -> (x: Int, y: Int, width: Int, height: Int) {
        func axis(_ a: AxisGeometry, _ first: Int, _ count: Int, _ size: Int) -> (Int, Int) {
            let low = max(0, first * a.stride - a.padBefore)
            let high = min(size - 1, (first + count - 1) * a.stride - a.padBefore + a.span - 1)
            return (low, max(0, high - low + 1))
        }
        let (left, columns) = axis(geometry.width, x, width, imageWidth)
        let (top, rows) = axis(geometry.height, y, height, imageHeight)
        return (left, top, columns, rows)
    }

    /// The input picture as a PNG `data:` URI, encoded as a photograph; in gray when the
    /// image is gray (`pageInput` then makes its three channels equal), since one channel
    /// holds the same pixels in a third of the bytes to deflate.
    private var inputURI: String {
        guard maps.channels == 1 || maps.isFloatmap else {
            return PNG.dataURI(width: input.width, height: input.height, channels: 3, pixels: input.pixels, encoding: .photograph)
        }
        let gray = stride(from: 0, to: input.pixels.count, by: 3).map { input.pixels[$0] }
        return PNG.dataURI(width: input.width, height: input.height, channels: 1, pixels: gray, encoding: .photograph)
    }

    /// The input's pixels in `region` as a PNG: gray (luma, or a PFM stretched min–max over
    /// the region) or colour.
    private func inputPicture(_ region: (x: Int, y: Int, width: Int, height: Int)) -> [UInt8] {
        let pixels = maps.width * maps.height
        func crop(_ values: ArraySlice<Float>) -> [Float] {
            var cropped: [Float] = []
            cropped.reserveCapacity(region.width * region.height)
            for row in region.y..<region.y + region.height {
                let start = values.startIndex + row * maps.width + region.x
                cropped += values[start..<start + region.width]
            }
            return cropped
        }
        if maps.channels == 3, !maps.isFloatmap {
            let planes = (0..<3).map { c in crop(maps.planes[c * pixels..<(c + 1) * pixels]).map(GrayPicture.byte) }
            return PNG.encode(width: region.width, height: region.height, channels: 3,
                              pixels: (0..<region.width * region.height).flatMap { p in planes.map { $0[p] } })
        }
        let luma = crop(maps.luma[...])
        let picture = maps.isFloatmap ? GrayPicture(map: luma, width: region.width, height: region.height, signed: false)
                                      : GrayPicture(unit: luma, width: region.width, height: region.height)
        return PNG.encode(width: region.width, height: region.height, channels: 1, pixels: picture.pixels)
    }

    /// The kernel: for each input channel (R, G and B for a colour image's random filters),
    /// a picture (0 mid-gray, the largest weight in size white or black) and the table of
    /// its weights, in a font that shrinks with the kernel's width and a box that scrolls
    /// when the table is still wider than its card.
    private func kernelTables(_ map: FeatureMaps.Map) -> String {
        let (channels, height, width, weights) = map.kernel
        let fontSize = width <= 5 ? 1.0 : max(0.55, 5.0 / Double(width))
        return (0..<channels).map { c in
            let label = channels == 3 ? ["R", "G", "B"][c] : channels == 1 ? "" : "channel \(c + 1)"
            let plane = Array(weights[(c * height * width)..<((c + 1) * height * width)])
            let rows = (0..<height).map { row in
                "<tr>" + (0..<width).map { column in "<td>\(Self.number(plane[row * width + column]))</td>" }.joined() + "</tr>"
            }.joined()
            let picture = GrayPicture(signed: plane, width: width, height: height)
            return "<div class=\"channel\">\(label.isEmpty ? "" : "<b>\(label)</b>")"
                + "<img src=\"\(PNG.dataURI(picture))\" alt=\"\(escapeHTML(map.name)) weights\(label.isEmpty ? "" : ", " + label)\" title=\"0 is mid-gray\">"
                + "<table class=\"weights\" style=\"font-size: \(fixed(fontSize, 2))em\">\(rows)</table></div>"
        }.joined(separator: "\n")
    }

    /// A value as the page writes it: three decimals, or three significant digits when
    /// very large or very small.
    static func number(_ value: Float) -> String {
        abs(value) >= 1000 || (abs(value) < 0.001 && value != 0) ? String(format: "%.3g", value) : fixed(Double(value), 3)
    }
}
