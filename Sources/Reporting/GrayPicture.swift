/// An 8-bit gray picture of values, for people to look at: feature maps, the contact
/// sheet, the pictures of the HTML page.
public struct GrayPicture: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    /// A signed map (some value below 0) with zero at mid-gray and ±max|v| at black and
    /// white, so that the sign stays visible; an unsigned one stretched from its minimum
    /// (black) to its maximum (white). A flat map is black.
    /// - Parameters:
    ///   - range: the values' minimum and maximum, when already known.
    ///   - signed: whether to show the map as signed; nil for "if some value is below 0".
    public init(map values: [Float], width: Int, height: Int, range: (low: Float, high: Float)? = nil, signed: Bool? = nil) {
        self.width = width
        self.height = height
        let (low, high) = range ?? values.reduce((Float.infinity, -Float.infinity)) { (min($0.0, $1), max($0.1, $1)) }
        let largest = max(abs(low), abs(high))
        // v ↦ v · scale + offset in [0, 1]: (v/max|v| + 1)/2 when signed, (v − min)/(max − min) when not.
        let (scale, offset): (Float, Float) = signed ?? (low < 0)
            ? (largest > 0 ? 0.5 / largest : 0, 0.5)
            : high > low ? (1 / (high - low), -low / (high - low)) : (0, 0)
        pixels = [UInt8](unsafeUninitializedCapacity: values.count) { bytes, count in
            values.withUnsafeBufferPointer { values in
                for i in values.indices { bytes[i] = GrayPicture.byte(values[i] * scale + offset) }
            }
            count = values.count
        }
    }

    /// Weights, with zero at mid-gray and ±max|w| at black and white whatever their signs,
    /// so that a kernel's pattern and sign show at a glance (all zeros: mid-gray).
    public init(signed values: [Float], width: Int, height: Int) {
        let largest = values.reduce(Float(0)) { max($0, abs($1)) }
        self.init(map: values, width: width, height: height, range: largest > 0 ? (-largest, largest) : (-1, 1))
    }

    /// Values already in [0, 1] (an image's samples / maxval), as they are.
    public init(unit values: [Float], width: Int, height: Int) {
        self.width = width
        self.height = height
        pixels = values.map(GrayPicture.byte)
    }

    public init(width: Int, height: Int, fill: UInt8) {
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: fill, count: width * height)
    }

    /// 0…1 to 0…255, rounded, clamped; NaN (a map that overflowed) is black.
    @inline(__always)
    public static func byte(_ value: Float) -> UInt8 {
        guard !value.isNaN else { return 0 }
        return UInt8(min(max(value * 255 + 0.5, 0), 255))
    }

    /// The picture made small enough to fit a `box`×`box` square: each output pixel the
    /// mean of an f×f block, f the smallest whole factor that fits (blocks at the right
    /// and bottom edges may be partial). Unchanged if it already fits.
    public func fitting(_ box: Int) -> GrayPicture {
        let factor = (max(width, height) + box - 1) / box
        guard factor > 1 else { return self }
        var small = GrayPicture(width: (width + factor - 1) / factor, height: (height + factor - 1) / factor, fill: 0)
        pixels.withUnsafeBufferPointer { source in
            for y in 0..<small.height {
                let rows = (y * factor)..<min(height, (y + 1) * factor)
                for x in 0..<small.width {
                    let columns = (x * factor)..<min(width, (x + 1) * factor)
                    var sum = 0
                    for row in rows {
                        for column in columns { sum += Int(source[row * width + column]) }
                    }
                    let count = rows.count * columns.count
                    small.pixels[y * small.width + x] = UInt8((sum + count / 2) / count)
                }
            }
        }
        return small
    }

    /// Values made small enough to fit a `box`×`box` square as `fitting` makes a picture:
    /// each the mean of an f×f block, f the smallest whole factor that fits; NaN stays NaN.
    /// For maps coloured after they are shrunk (`DivergingColorMap`).
    public static func shrunk(_ values: [Float], width: Int, height: Int, toFit box: Int) -> (values: [Float], width: Int, height: Int) {
        let factor = (max(width, height) + box - 1) / box
        guard factor > 1 else { return (values, width, height) }
        let (smallWidth, smallHeight) = ((width + factor - 1) / factor, (height + factor - 1) / factor)
        var small = [Float](repeating: 0, count: smallWidth * smallHeight)
        for y in 0..<smallHeight {
            let rows = (y * factor)..<min(height, (y + 1) * factor)
            for x in 0..<smallWidth {
                let columns = (x * factor)..<min(width, (x + 1) * factor)
                var sum: Float = 0
                for row in rows {
                    for column in columns { sum += values[row * width + column] }
                }
                small[y * smallWidth + x] = sum / Float(rows.count * columns.count)
            }
        }
        return (small, smallWidth, smallHeight)
    }
}
