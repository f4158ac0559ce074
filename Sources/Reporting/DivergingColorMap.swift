/// A diverging colour map for signed values: negative blue, zero white, positive red,
/// the two halves equally light at equal distances from zero, so that neither sign looks
/// stronger than the other. It is ColorBrewer's RdBu with 11 classes (Brewer, Harrower and
/// the Pennsylvania State University, colorbrewer2.org), reversed so that blue is negative,
/// with its eleven colours joined linearly; its middle is (247, 247, 247).
///
/// A feature map is shown as t = v / limit, clamped to [−1, 1]: `limit` is the largest |v|
/// (or a percentile of |v|, so that a few extreme pixels do not wash out the rest).
public enum DivergingColorMap {
    /// From t = −1 (darkest blue) through 0 (near white) to t = 1 (darkest red).
    static let stops: [(UInt8, UInt8, UInt8)] = [
        (5, 48, 97), (33, 102, 172), (67, 147, 195), (146, 197, 222), (209, 229, 240),
        (247, 247, 247),
        (253, 219, 199), (244, 165, 130), (214, 96, 77), (178, 24, 43), (103, 0, 31),
    ]

    /// The colour of t in [−1, 1] (clamped); NaN, a map that overflowed, is black.
    public static func color(_ t: Float) -> (red: UInt8, green: UInt8, blue: UInt8) {
        guard !t.isNaN else { return (0, 0, 0) }
        let position = (min(max(t, -1), 1) + 1) / 2 * Float(stops.count - 1)
        let index = min(Int(position), stops.count - 2)
        let fraction = position - Float(index)
        func mix(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((Float(a) + (Float(b) - Float(a)) * fraction).rounded()) }
        let (low, high) = (stops[index], stops[index + 1])
        return (mix(low.0, high.0), mix(low.1, high.1), mix(low.2, high.2))
    }

    /// The map as a PNG palette: entry i is the colour of t = 2i / 254 − 1 for i in 0…254,
    /// and entry 255 is black, for NaN.
    public static let palette: [(red: UInt8, green: UInt8, blue: UInt8)] = (0..<255).map { color(Float($0) / 127 - 1) } + [(0, 0, 0)]

    /// Each v as its index in `palette`: v / limit on the 255 steps from −1 to 1, NaN 255.
    /// - Precondition: `limit` > 0.
    public static func indices(_ values: [Float], limit: Float) -> [UInt8] {
        precondition(limit > 0, "DivergingColorMap: the limit must be positive")
        return values.map { value in
            guard !value.isNaN else { return 255 }
            return UInt8(((min(max(value / limit, -1), 1) + 1) * 127).rounded())
        }
    }

    /// The |v| below which `percentile` percent of the values lie (nearest rank), or the
    /// largest |v| at 100; at least the smallest positive Float, so it can divide. Found by
    /// selection (Hoare's quickselect, median-of-three pivots), not by sorting: linear time
    /// on a map of millions of values.
    public static func limit(_ values: [Float], percentile: Double = 100) -> Float {
        var magnitudes = values.compactMap { $0.isNaN ? nil : abs($0) }
        guard !magnitudes.isEmpty else { return 1 }
        let rank = Int((percentile / 100 * Double(magnitudes.count)).rounded(.up)) - 1
        let limit = select(min(max(rank, 0), magnitudes.count - 1), in: &magnitudes)
        return limit.isFinite ? max(limit, .leastNormalMagnitude) : .greatestFiniteMagnitude
    }

    /// The value that would be at `rank` if `values` were sorted ascending; `values` is
    /// reordered on the way.
    static func select(_ rank: Int, in values: inout [Float]) -> Float {
        var (low, high) = (0, values.count - 1)
        while low < high {
            // The median of the first, middle and last as the pivot: sorted or constant runs
            // (a flat region of a map) stay linear.
            let middle = low + (high - low) / 2
            let pivot = max(min(values[low], values[middle]), min(max(values[low], values[middle]), values[high]))
            var (i, j) = (low, high)
            while i <= j {
                while values[i] < pivot { i += 1 }
                while values[j] > pivot { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            // Now values[low...j] ≤ pivot ≤ values[i...high], and values strictly between j
            // and i equal the pivot.
            if rank <= j { high = j } else if rank >= i { low = i } else { return values[rank] }
        }
        return values[rank]
    }

    /// A colour bar from −limit to +limit, `width` × `height` RGB pixels, blue at the left.
    public static func bar(width: Int, height: Int) -> [UInt8] {
        let row = (0..<width).flatMap { x -> [UInt8] in
            let (red, green, blue) = color(Float(2 * x + 1) / Float(width) - 1)
            return [red, green, blue]
        }
        return Array(repeatElement(row, count: height).joined())
    }
}
