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
        return [UInt8](unsafeUninitializedCapacity: values.count) { indices, count in
            values.withUnsafeBufferPointer { values in
                for i in values.indices {
                    let value = values[i]
                    // (t + 1) · 127 in [0, 254], rounded half up as `rounded()` does for positive
                    // numbers: the whole part, plus 1 when the fraction (exact: x − ⌊x⌋) is ½ or
                    // more. Written out, because `rounded()` calls `roundf` on x86-64 without SSE4.1.
                    let scaled = (min(max(value / limit, -1), 1) + 1) * 127
                    let whole = value.isNaN ? 0 : Int32(scaled)
                    indices[i] = value.isNaN ? 255 : UInt8(truncatingIfNeeded: whole &+ (scaled - Float(whole) >= 0.5 ? 1 : 0))
                }
            }
            count = values.count
        }
    }

    /// The |v| below which `percentile` percent of the values lie (nearest rank), or the
    /// largest |v| at 100; at least the smallest positive Float, so it can divide.
    ///
    /// Found by a radix selection on the magnitudes' bit patterns, without copying or
    /// reordering the values: for floats that are not NaN, the order of |v|'s bits as
    /// unsigned integers is the order of the magnitudes. A histogram of the top 16 bits
    /// finds the bucket holding the rank, a histogram of the low 16 bits of that bucket's
    /// values the value itself. Two passes over the map, linear time.
    public static func limit(_ values: [Float], percentile: Double = 100) -> Float {
        let infinity = Float.infinity.bitPattern
        return values.withUnsafeBufferPointer { values in
            var high = [Int32](repeating: 0, count: 1 << 15)  // The sign bit is cleared: 15 bits.
            var count = 0
            for value in values {
                let bits = value.bitPattern & 0x7FFF_FFFF
                guard bits <= infinity else { continue }  // NaN
                high[Int(bits >> 16)] &+= 1
                count &+= 1
            }
            guard count > 0 else { return 1 }
            let rank = min(max(Int((percentile / 100 * Double(count)).rounded(.up)) - 1, 0), count - 1)
            var below = 0, bucket = 0
            while below + Int(high[bucket]) <= rank {
                below += Int(high[bucket])
                bucket += 1
            }
            var low = [Int32](repeating: 0, count: 1 << 16)
            for value in values {
                let bits = value.bitPattern & 0x7FFF_FFFF
                if bits <= infinity && Int(bits >> 16) == bucket { low[Int(bits & 0xFFFF)] &+= 1 }
            }
            var lowBits = 0
            while below + Int(low[lowBits]) <= rank {
                below += Int(low[lowBits])
                lowBits += 1
            }
            let limit = Float(bitPattern: UInt32(bucket) << 16 | UInt32(lowBits))
            return limit.isFinite ? max(limit, .leastNormalMagnitude) : .greatestFiniteMagnitude
        }
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
