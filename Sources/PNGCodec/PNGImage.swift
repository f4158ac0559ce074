import Netpbm

/// A PNG image, decoded into the project's `NetpbmImage` so that it is used as a PGM or
/// PPM is: `image.unitValues` are sample / maxval, in [0, 1].
///
/// | colour type (bit depths)          | `image`                                    |
/// |-----------------------------------|--------------------------------------------|
/// | greyscale (1, 2, 4, 8, 16)        | `.graymap`, 1 channel, maxval 2^depth − 1  |
/// | greyscale with alpha (8, 16)      | `.graymap`, 1 channel, the alpha dropped   |
/// | truecolour (8, 16)                | `.pixmap`, 3 channels, maxval 2^depth − 1  |
/// | truecolour with alpha (8, 16)     | `.pixmap`, 3 channels, the alpha dropped   |
/// | indexed-colour (1, 2, 4, 8)       | `.pixmap`, 3 channels, maxval 255: each index's palette colour |
///
/// **Alpha is dropped, not applied**: the colour of a transparent pixel is kept as the
/// file stores it, not composited on a background, and a tRNS chunk (a transparent
/// colour, or a palette's alpha) is ignored. `droppedAlpha` and `ignoredTransparency`
/// say whether the file had either, so a caller that needs transparency can refuse it.
/// Gamma, colour-space and text chunks are skipped too: the samples are the file's.
public struct PNGImage: Equatable, Sendable {
    /// The largest image a reader accepts unless told otherwise: 2^28 pixels (16384 × 16384),
    /// as for Netpbm.
    public static let defaultPixelLimit = NetpbmImage.defaultPixelLimit

    /// The file's IHDR: size, colour type, bit depth, interlacing.
    public let header: PNGHeader
    /// The pixels, rows top to bottom, samples interleaved per pixel (R, G, B for colour).
    public let image: NetpbmImage
    /// Whether a tRNS chunk was there, transparency that `image` ignores.
    public let ignoredTransparency: Bool

    /// Whether the file stored an alpha sample with each pixel (greyscale or truecolour
    /// with alpha), which `image` leaves out.
    public var droppedAlpha: Bool { header.colorType.hasAlpha }

    /// Whether `bytes` starts with the 8-byte PNG signature 89 50 4E 47 0D 0A 1A 0A
    /// (PNG specification, section 5.2): what to call this reader for.
    public static func isPNG(_ bytes: some Collection<UInt8>) -> Bool {
        bytes.starts(with: PNGDatastream.signature)
    }

    init(header: PNGHeader, image: NetpbmImage, ignoredTransparency: Bool) {
        self.header = header
        self.image = image
        self.ignoredTransparency = ignoredTransparency
    }
}
