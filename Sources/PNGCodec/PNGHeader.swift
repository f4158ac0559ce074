/// A PNG's image header, its IHDR chunk (PNG specification, W3C second edition = ISO/IEC
/// 15948:2004, section 11.2.2): the size, how each pixel is stored, and whether the image
/// data is interlaced.
public struct PNGHeader: Equatable, Sendable, CustomStringConvertible {
    /// How a pixel is stored (section 6.1): which samples, and whether an index into a
    /// palette. The raw value is the IHDR's byte: 1 (palette used) + 2 (colour used) +
    /// 4 (alpha used), the five sums allowed.
    public enum ColorType: UInt8, Sendable, CaseIterable {
        /// One sample per pixel, 0 = black.
        case gray = 0
        /// Red, green, blue.
        case rgb = 2
        /// One index per pixel into the PLTE chunk's colours of 8 bits each.
        case palette = 3
        /// Gray, then alpha.
        case grayAlpha = 4
        /// Red, green, blue, then alpha.
        case rgba = 6

        /// Samples stored per pixel: 1 (gray), 3, 1 (an index), 2, 4.
        public var storedSamples: Int {
            switch self {
            case .gray, .palette: 1
            case .grayAlpha: 2
            case .rgb: 3
            case .rgba: 4
            }
        }

        /// Whether each pixel stores an alpha sample (types 4 and 6). A palette's
        /// transparency (a tRNS chunk) is not an alpha sample.
        public var hasAlpha: Bool { self == .grayAlpha || self == .rgba }

        /// The bit depths this colour type allows (section 11.2.2, Table 11.1).
        public var allowedBitDepths: [Int] {
            switch self {
            case .gray: [1, 2, 4, 8, 16]
            case .palette: [1, 2, 4, 8]
            case .rgb, .grayAlpha, .rgba: [8, 16]
            }
        }

        var name: String {
            switch self {
            case .gray: "greyscale"
            case .rgb: "truecolour"
            case .palette: "indexed-colour"
            case .grayAlpha: "greyscale with alpha"
            case .rgba: "truecolour with alpha"
            }
        }
    }

    /// How the scanlines are ordered (section 8.2): top to bottom, or in Adam7's seven passes.
    public enum Interlace: UInt8, Sendable {
        case none = 0
        case adam7 = 1
    }

    /// Pixels per row, 1 … 2^31 − 1.
    public let width: Int
    /// Rows, 1 … 2^31 − 1.
    public let height: Int
    /// Bits per sample, or per palette index: 1, 2, 4, 8 or 16, as `colorType` allows.
    public let bitDepth: Int
    public let colorType: ColorType
    public let interlace: Interlace

    /// "13×11, 8-bit truecolour with alpha, Adam7-interlaced".
    public var description: String {
        "\(width)×\(height), \(bitDepth)-bit \(colorType.name)" + (interlace == .adam7 ? ", Adam7-interlaced" : "")
    }

    /// Bits of one stored pixel: the bit depth × the stored samples (1 to 64).
    var bitsPerPixel: Int { bitDepth * colorType.storedSamples }

    /// The byte distance the filters look back to for "the byte to the left" (section 9.2):
    /// the bytes of a whole pixel, and 1 when a pixel is smaller than a byte.
    var filterUnit: Int { max(1, bitsPerPixel / 8) }

    /// The largest value of a sample: 2^depth − 1, and 255 for a palette image, whose
    /// colours are 8 bits each whatever the depth of its indices.
    var maxval: Int { colorType == .palette ? 255 : (1 << bitDepth) - 1 }

    /// Samples per pixel of the decoded image: 1 for gray, 3 for colour and palette.
    var outputChannels: Int { colorType == .gray || colorType == .grayAlpha ? 1 : 3 }

    /// The header in the 13 bytes of an IHDR chunk's data, which start at `offset` in the
    /// file (for the errors' offsets), every field checked: width and height 1 … 2^31 − 1
    /// (a "PNG four-byte unsigned integer", section 3.1.40) and width × height at most
    /// `pixelLimit`; a colour type and bit depth that Table 11.1 allows together;
    /// compression method 0, filter method 0, interlace method 0 or 1.
    init(ihdr data: UnsafeRawBufferPointer, offset: Int, pixelLimit: Int) throws(PNGError) {
        precondition(data.count == 13, "PNGHeader: an IHDR chunk has 13 bytes")
        for (at, what) in [(0, "width"), (4, "height")] {
            let value = bigEndian32(data, at: at)
            guard value != 0 else {
                throw PNGError("the \(what) is 0: an image is at least 1 pixel \(what == "width" ? "wide" : "tall")", offset: offset + at)
            }
            guard value <= 0x7FFF_FFFF else {
                throw PNGError("the \(what) \(value) is more than 2^31 − 1, the most a PNG allows", offset: offset + at)
            }
        }
        let width = Int(bigEndian32(data, at: 0)), height = Int(bigEndian32(data, at: 4))

        guard let colorType = ColorType(rawValue: data[9]) else {
            throw PNGError("colour type \(data[9]) does not exist: the colour types are 0, 2, 3, 4 and 6", offset: offset + 9)
        }
        let bitDepth = Int(data[8])
        guard colorType.allowedBitDepths.contains(bitDepth) else {
            let allowed = colorType.allowedBitDepths.map(String.init).joined(separator: ", ")
            throw PNGError("bit depth \(bitDepth) is not allowed for colour type \(colorType.rawValue) (\(colorType.name)): only \(allowed)",
                           offset: offset + 8)
        }
        guard data[10] == 0 else {
            throw PNGError("compression method \(data[10]) is unknown: 0 (deflate) is the only one", offset: offset + 10)
        }
        guard data[11] == 0 else {
            throw PNGError("filter method \(data[11]) is unknown: 0 (adaptive filtering with five filter types) is the only one", offset: offset + 11)
        }
        guard let interlace = Interlace(rawValue: data[12]) else {
            throw PNGError("interlace method \(data[12]) is unknown: 0 (none) and 1 (Adam7) are the only ones", offset: offset + 12)
        }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= pixelLimit else {
            throw PNGError("the header claims \(width)×\(height) pixels, more than the limit of \(pixelLimit)", offset: offset,
                           claimedSize: (width, height))
        }
        self.width = width
        self.height = height
        self.bitDepth = bitDepth
        self.colorType = colorType
        self.interlace = interlace
    }
}
