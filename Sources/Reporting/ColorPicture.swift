/// An 8-bit RGB picture for people to look at: signed maps in the diverging colour map
/// beside gray ones, as in the contact sheet.
public struct ColorPicture: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// Red, green, blue for each pixel, row after row.
    public private(set) var pixels: [UInt8]

    public init(width: Int, height: Int, fill: (red: UInt8, green: UInt8, blue: UInt8)) {
        self.width = width
        self.height = height
        pixels = Array(repeatElement([fill.red, fill.green, fill.blue], count: width * height).joined())
    }

    /// A gray picture in colour: each gray level as red, green and blue alike.
    /// RGB pixels as they are.
    /// - Precondition: `pixels.count == 3 × width × height`.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == 3 * width * height, "ColorPicture: \(pixels.count) bytes for \(width)×\(height) RGB pixels")
        (self.width, self.height, self.pixels) = (width, height, pixels)
    }

    public init(_ gray: GrayPicture) {
        width = gray.width
        height = gray.height
        pixels = gray.pixels.flatMap { [$0, $0, $0] }
    }

    /// Signed values in the diverging colour map, −`limit` darkest blue, 0 white, +`limit`
    /// darkest red (beyond them, saturated); NaN black.
    /// - Precondition: `limit` > 0 and `values.count == width × height`.
    public init(diverging values: [Float], width: Int, height: Int, limit: Float) {
        precondition(values.count == width * height, "ColorPicture: \(values.count) values for \(width)×\(height) pixels")
        self.width = width
        self.height = height
        let palette = DivergingColorMap.palette
        pixels = DivergingColorMap.indices(values, limit: limit).flatMap { index in
            let color = palette[Int(index)]
            return [color.red, color.green, color.blue]
        }
    }

    /// The picture made small enough to fit a `box`×`box` square as `GrayPicture.fitting`
    /// makes it: each pixel the mean of an f×f block, channel by channel, f the smallest
    /// whole factor that fits. Unchanged if it already fits.
    public func fitting(_ box: Int) -> ColorPicture {
        let factor = (max(width, height) + box - 1) / box
        guard factor > 1 else { return self }
        var small = ColorPicture(width: (width + factor - 1) / factor, height: (height + factor - 1) / factor, fill: (0, 0, 0))
        for y in 0..<small.height {
            let rows = (y * factor)..<min(height, (y + 1) * factor)
            for x in 0..<small.width {
                let columns = (x * factor)..<min(width, (x + 1) * factor)
                let count = rows.count * columns.count
                for channel in 0..<3 {
                    var sum = 0
                    for row in rows {
                        for column in columns { sum += Int(pixels[3 * (row * width + column) + channel]) }
                    }
                    small.pixels[3 * (y * small.width + x) + channel] = UInt8((sum + count / 2) / count)
                }
            }
        }
        return small
    }

    /// Copies `picture` into this one with its top-left corner at (x, y).
    /// - Precondition: it fits.
    public mutating func place(_ picture: ColorPicture, x: Int, y: Int) {
        precondition(x >= 0 && y >= 0 && x + picture.width <= width && y + picture.height <= height, "ColorPicture: a picture placed outside")
        for row in 0..<picture.height {
            let target = 3 * ((y + row) * width + x)
            pixels.replaceSubrange(target..<target + 3 * picture.width, with: picture.pixels[3 * row * picture.width..<3 * (row + 1) * picture.width])
        }
    }

    /// Draws `text` in the bitmap font with its top-left corner at (x, y), in black; what
    /// falls outside the picture is left out.
    public mutating func draw(_ text: String, x: Int, y: Int, scale: Int) {
        let (textWidth, textHeight) = (BitmapFont.width(of: text, scale: scale), BitmapFont.glyphHeight * scale)
        guard textWidth > 0 else { return }
        var mask = [UInt8](repeating: 0, count: textWidth * textHeight)
        BitmapFont.draw(text, into: &mask, imageWidth: textWidth, x: 0, y: 0, scale: scale, value: 1)
        for row in 0..<textHeight where (0..<height).contains(y + row) {
            for column in 0..<textWidth where mask[row * textWidth + column] != 0 && (0..<width).contains(x + column) {
                let pixel = 3 * ((y + row) * width + x + column)
                pixels.replaceSubrange(pixel..<pixel + 3, with: [0, 0, 0])
            }
        }
    }

    /// One tile of a contact sheet: a picture, its label, and for a signed map the limit
    /// of its colour bar.
    public struct Tile: Sendable {
        public let label: String
        public let picture: ColorPicture
        public let barLimit: String?

        public init(label: String, picture: ColorPicture, barLimit: String? = nil) {
            (self.label, self.picture, self.barLimit) = (label, picture, barLimit)
        }
    }

    /// The side of the square a contact sheet's pictures are made to fit.
    public static let sheetTile = 320

    /// A contact sheet: the tiles in a grid, as square as it gets, on white, each labelled
    /// underneath; under a signed map's label, a colour bar from −limit (blue) to +limit
    /// (red) with its two ends written beside it.
    public static func contactSheet(_ tiles: [Tile]) -> ColorPicture {
        let (gap, scale) = (12, 2)
        let labelHeight = BitmapFont.glyphHeight * scale + 8
        let barHeight = tiles.contains { $0.barLimit != nil } ? BitmapFont.glyphHeight + 6 : 0
        let barWidth = 96
        let cellWidth = max(1, tiles.map { tile in
            max(tile.picture.width, BitmapFont.width(of: tile.label, scale: scale),
                tile.barLimit.map { 2 * BitmapFont.width(of: "+" + $0, scale: 1) + barWidth + 8 } ?? 0)
        }.max() ?? 1)
        let cellHeight = (tiles.map(\.picture.height).max() ?? 1) + labelHeight + barHeight
        let columns = max(1, Int(Double(tiles.count).squareRoot().rounded(.up)))
        let rows = (tiles.count + columns - 1) / columns
        var sheet = ColorPicture(width: gap + columns * (cellWidth + gap), height: gap + rows * (cellHeight + gap), fill: (255, 255, 255))
        for (index, tile) in tiles.enumerated() {
            let (x, y) = (gap + (index % columns) * (cellWidth + gap), gap + (index / columns) * (cellHeight + gap))
            sheet.place(tile.picture, x: x, y: y)
            sheet.draw(tile.label, x: x, y: y + tile.picture.height + 4, scale: scale)
            if let limit = tile.barLimit {
                let top = y + tile.picture.height + labelHeight
                let low = "-" + limit
                sheet.draw(low, x: x, y: top + 1, scale: 1)
                let left = x + BitmapFont.width(of: low, scale: 1) + 4
                sheet.place(ColorPicture(width: barWidth, height: BitmapFont.glyphHeight,
                                         pixels: DivergingColorMap.bar(width: barWidth, height: BitmapFont.glyphHeight)), x: left, y: top)
                sheet.draw("+" + limit, x: left + barWidth + 4, y: top + 1, scale: 1)
            }
        }
        return sheet
    }
}
