import Netpbm

/// An image file of either format the project reads, PNG or Netpbm (PBM, PGM, PPM, PFM),
/// told apart by its first bytes, decoded into a `NetpbmImage` whose `unitValues` are
/// sample / maxval either way: what `featuremap`, `predict` and image-folder datasets read.
public struct ImageFile: Sendable {
    public enum Format: String, Sendable {
        case png = "PNG", netpbm = "Netpbm"
    }

    public let image: NetpbmImage
    public let format: Format
    /// What the decoded image leaves out of the file, for a caller to say: "alpha dropped",
    /// "transparency (tRNS) ignored"; empty for Netpbm.
    public let omissions: [String]

    /// Reads `bytes` as PNG when they start with PNG's signature, else as Netpbm.
    ///
    /// - Parameters:
    ///   - index: which image of a Netpbm file of several (from 0); a PNG holds one.
    ///   - pixelLimit: the most pixels accepted, checked on the header before any
    ///     sample is allocated.
    public init(reading bytes: UnsafeRawBufferPointer, image index: Int = 0, pixelLimit: Int) throws(ImageFileError) {
        if PNGImage.isPNG(bytes) {
            guard index == 0 else {
                throw ImageFileError("a PNG file holds one image, so there is no image \(index + 1)", location: "byte 0")
            }
            let png: PNGImage
            do { png = try PNGImage(reading: bytes, pixelLimit: pixelLimit) } catch {
                throw ImageFileError(error.message, location: error.imageDataOffset.map { "byte \(error.offset) (image data byte \($0))" } ?? "byte \(error.offset)",
                                     claimedSize: error.claimedSize.map { ($0.width, $0.height) })
            }
            image = png.image
            format = .png
            omissions = (png.droppedAlpha ? ["alpha dropped"] : []) + (png.ignoredTransparency ? ["transparency (tRNS) ignored"] : [])
            return
        }
        do { image = try NetpbmImage(reading: bytes, image: index, pixelLimit: pixelLimit) } catch {
            if error.offset == 0, let other = Self.otherFormat(bytes) {
                throw ImageFileError("a \(other) file, which conv-demo does not read: convert it to PNG or PGM/PPM (e.g. ImageMagick's `convert IN OUT.png`)", location: "byte 0")
            }
            throw ImageFileError(error.message, location: "byte \(error.offset) (line \(error.line))",
                                 claimedSize: error.claimedSize.map { ($0.width, $0.height) })
        }
        format = .netpbm
        omissions = []
    }

    /// Reads an array's bytes; see the other initializer.
    public init(reading bytes: [UInt8], image index: Int = 0, pixelLimit: Int) throws(ImageFileError) {
        self = try bytes.withUnsafeBytes { raw in
            Result { () throws(ImageFileError) in try ImageFile(reading: raw, image: index, pixelLimit: pixelLimit) }
        }.get()
    }

    /// The name of a common image format other than these two, from its signature, so
    /// that the error can say what the file is.
    static func otherFormat(_ bytes: UnsafeRawBufferPointer) -> String? {
        let signatures: [(String, [UInt8])] = [
            ("JPEG", [0xFF, 0xD8, 0xFF]), ("GIF", Array("GIF8".utf8)), ("BMP", Array("BM".utf8)),
            ("TIFF", Array("II*\u{0}".utf8)), ("TIFF", Array("MM\u{0}*".utf8)), ("WebP", Array("RIFF".utf8)),
        ]
        return signatures.first { bytes.starts(with: $0.1) }?.0
    }
}

/// A file that is neither a valid PNG nor a valid Netpbm image: what is wrong and where.
public struct ImageFileError: Error, Sendable, CustomStringConvertible {
    /// One line, no place: "the IDAT chunk's CRC-32 is …".
    public let message: String
    /// Where in the file: "byte 41", "byte 17 (line 3)".
    public let location: String
    /// When the image was refused for its size: the width and height its header claims.
    public let claimedSize: PNGError.ClaimedSize?

    init(_ message: String, location: String, claimedSize: (width: Int, height: Int)? = nil) {
        self.message = message
        self.location = location
        self.claimedSize = claimedSize.map { PNGError.ClaimedSize(width: $0.width, height: $0.height) }
    }

    /// "byte 41: the IDAT chunk's CRC-32 is …".
    public var description: String { "\(location): \(message)" }
}
