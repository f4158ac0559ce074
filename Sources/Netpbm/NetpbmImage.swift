/// A Netpbm image: PBM (bitmap), PGM (graymap), PPM (pixmap) or PFM (floats), rows top to
/// bottom, samples interleaved per pixel (R, G, B for colour), whichever way the file
/// stored them.
public struct NetpbmImage: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        /// PBM (P1, P4): one bit per pixel, 1 = black.
        case bitmap
        /// PGM (P2, P5): one sample per pixel, 0 = black, maxval = white.
        case graymap
        /// PPM (P3, P6): three samples per pixel.
        case pixmap
        /// PFM (Pf, PF): 32-bit floats, one or three per pixel.
        case floatmap
    }

    /// The samples as the file holds them: integers from 0 to maxval, or floats.
    public enum Samples: Equatable, Sendable {
        case integers([UInt16])
        case floats([Float])
    }

    public let kind: Kind
    public let width: Int
    public let height: Int
    /// Samples per pixel: 3 for PPM and colour PFM, else 1.
    public let channels: Int
    /// The largest sample value: 1 for PBM, 1…65535 for PGM and PPM, 0 for PFM (no maxval).
    public let maxval: Int
    public let samples: Samples

    /// A PBM image from its bits, 1 = black.
    public static func bitmap(width: Int, height: Int, bits: [UInt16]) -> NetpbmImage {
        NetpbmImage(kind: .bitmap, width: width, height: height, channels: 1, maxval: 1, samples: .integers(bits))
    }

    /// A PGM image from its samples, 0 = black, maxval = white.
    public static func graymap(width: Int, height: Int, maxval: Int, samples: [UInt16]) -> NetpbmImage {
        NetpbmImage(kind: .graymap, width: width, height: height, channels: 1, maxval: maxval, samples: .integers(samples))
    }

    /// A PPM image from its samples, R, G, B for each pixel.
    public static func pixmap(width: Int, height: Int, maxval: Int, samples: [UInt16]) -> NetpbmImage {
        NetpbmImage(kind: .pixmap, width: width, height: height, channels: 3, maxval: maxval, samples: .integers(samples))
    }

    /// A PFM image from its values: one channel (Pf) or three (PF).
    public static func floatmap(width: Int, height: Int, channels: Int, values: [Float]) -> NetpbmImage {
        NetpbmImage(kind: .floatmap, width: width, height: height, channels: channels, maxval: 0, samples: .floats(values))
    }

    init(kind: Kind, width: Int, height: Int, channels: Int, maxval: Int, samples: Samples) {
        let count = switch samples { case .integers(let s): s.count; case .floats(let s): s.count }
        precondition(width >= 1 && height >= 1 && count == width * height * channels,
                     "NetpbmImage: \(count) samples for \(width)×\(height)×\(channels)")
        precondition(kind != .floatmap || channels == 1 || channels == 3, "NetpbmImage: a PFM has 1 or 3 channels")
        self.kind = kind
        self.width = width
        self.height = height
        self.channels = channels
        self.maxval = maxval
        self.samples = samples
    }

    /// Every sample as a value in [0, 1] for integer formats: sample / maxval, and for
    /// PBM black 0 and white 1; PFM floats as they are.
    public var unitValues: [Float] {
        switch (kind, samples) {
        case (.bitmap, .integers(let bits)): return bits.map { $0 == 0 ? 1 : 0 }
        case (_, .integers(let values)): return values.map { Float($0) / Float(maxval) }
        case (_, .floats(let values)): return values
        }
    }
}
