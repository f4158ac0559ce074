import Reporting

/// A feature map as people see it: a signed map (`FeatureMaps.Map.isSigned`) in the
/// diverging colour map from −limit to +limit, an unsigned one in gray from its minimum
/// to its maximum; at full size for its PNG file, made to fit the page and the contact
/// sheet, and a crop around its strongest response for the page's zoom.
struct ShownMap: Sendable {
    /// The map in gray at full size, for its PGM file: 0 at mid-gray when signed.
    let gray: GrayPicture
    /// A signed map's colour limit: the `clipPercentile` percentile of its |v|.
    let limit: Float?
    /// The map's PNG file at full size. Its PNGs are encoded as photographs
    /// (`PNG.Encoding.photograph`): Paeth rows, run-length deflate.
    let png: [UInt8]
    /// The PNG of the page's picture, the map made to fit `FeatureMapPage.pictureBox`
    /// (shrunk before it is coloured, so that shrinking averages values, not colours).
    let pagePNG: [UInt8]
    /// The contact sheet's tile, made to fit `ColorPicture.sheetTile`.
    let tile: ColorPicture
    /// The crop at full resolution: its top-left corner in the map, its size, its PNG.
    let zoom: (x: Int, y: Int, width: Int, height: Int, png: [UInt8])

    /// The side of the zoomed crop, in map pixels.
    static let zoomSide = 64

    init(_ map: FeatureMaps.Map, clipPercentile: Double) {
        gray = GrayPicture(map: map.values, width: map.width, height: map.height, range: (map.minimum, map.maximum), signed: map.isSigned)
        let crop = Self.crop(map)
        let box = FeatureMapPage.pictureBox
        if map.isSigned {
            let limit = DivergingColorMap.limit(map.values, percentile: clipPercentile)
            self.limit = limit
            png = PNG.encode(width: map.width, height: map.height, palette: DivergingColorMap.palette,
                             indices: DivergingColorMap.indices(map.values, limit: limit), encoding: .photograph)
            let page = GrayPicture.shrunk(map.values, width: map.width, height: map.height, toFit: box)
            pagePNG = PNG.encode(width: page.width, height: page.height, palette: DivergingColorMap.palette,
                                 indices: DivergingColorMap.indices(page.values, limit: limit), encoding: .photograph)
            let small = GrayPicture.shrunk(page.values, width: page.width, height: page.height, toFit: ColorPicture.sheetTile)
            tile = ColorPicture(diverging: small.values, width: small.width, height: small.height, limit: limit)
            let values = Self.rows(of: map.values, width: map.width, crop)
            zoom = (crop.x, crop.y, crop.width, crop.height,
                    PNG.encode(width: crop.width, height: crop.height, palette: DivergingColorMap.palette, indices: DivergingColorMap.indices(values, limit: limit), encoding: .photograph))
        } else {
            limit = nil
            png = PNG.encode(width: map.width, height: map.height, channels: 1, pixels: gray.pixels, encoding: .photograph)
            let page = gray.fitting(box)
            pagePNG = PNG.encode(width: page.width, height: page.height, channels: 1, pixels: page.pixels, encoding: .photograph)
            tile = ColorPicture(page.fitting(ColorPicture.sheetTile))
            zoom = (crop.x, crop.y, crop.width, crop.height,
                    PNG.encode(width: crop.width, height: crop.height, channels: 1, pixels: Self.rows(of: gray.pixels, width: map.width, crop), encoding: .photograph))
        }
    }

    /// The `side`-square (or the whole map, if smaller) centred as near as it can be on
    /// the strongest response: the first largest |v|, NaN counting as strongest of all (an
    /// overflow is worth seeing).
    static func crop(_ map: FeatureMaps.Map, side: Int = zoomSide) -> (x: Int, y: Int, width: Int, height: Int) {
        var strongest = 0, magnitude = -Float.infinity
        for (index, value) in map.values.enumerated() {
            if value.isNaN { strongest = index; break }
            if abs(value) > magnitude { (strongest, magnitude) = (index, abs(value)) }
        }
        let (width, height) = (min(side, map.width), min(side, map.height))
        let x = min(max(strongest % map.width - width / 2, 0), map.width - width)
        let y = min(max(strongest / map.width - height / 2, 0), map.height - height)
        return (x, y, width, height)
    }

    /// The crop's rows of a row-major `width`-wide array.
    static func rows<T>(of values: [T], width: Int, _ crop: (x: Int, y: Int, width: Int, height: Int)) -> [T] {
        (crop.y..<crop.y + crop.height).flatMap { row in values[(row * width + crop.x)..<(row * width + crop.x + crop.width)] }
    }
}
