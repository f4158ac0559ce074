import Compression
import Foundation

/// A minimal PNG encoder, so that the HTML page can embed pictures (browsers do not show
/// Netpbm) without a library: 8-bit gray, RGB or indexed colour, no interlacing, one IDAT
/// chunk. Each row gets the filter that libpng would choose for it (`PNG+Filters.swift`),
/// and the image data is a zlib stream from `Zlib.compress` at the default level with the
/// filtered strategy, as libpng calls zlib (RFC 2083 for PNG, RFC 1950/1951 for zlib and
/// deflate). Reading PNG is `PNGCodec`'s.
public enum PNG {
    /// The PNG as a `data:` URI, for an `<img src>` of a page that must work offline.
    public static func dataURI(width: Int, height: Int, channels: Int, pixels: [UInt8]) -> String {
        "data:image/png;base64," + Data(encode(width: width, height: height, channels: channels, pixels: pixels)).base64EncodedString()
    }

    /// A PNG file's bytes as a `data:` URI.
    public static func dataURI(_ png: [UInt8]) -> String {
        "data:image/png;base64," + Data(png).base64EncodedString()
    }

    /// A gray picture's PNG as a `data:` URI.
    public static func dataURI(_ picture: GrayPicture) -> String {
        dataURI(width: picture.width, height: picture.height, channels: 1, pixels: picture.pixels)
    }

    /// `pixels`: row by row, one byte per sample, `channels` 1 (gray) or 3 (RGB) per pixel.
    public static func encode(width: Int, height: Int, channels: Int, pixels: [UInt8]) -> [UInt8] {
        precondition((channels == 1 || channels == 3) && pixels.count == width * height * channels, "PNG: bad pixel count")
        return encode(width: width, height: height, colorType: channels == 1 ? 0 : 2, bytesPerPixel: channels, palette: nil, samples: pixels)
    }

    /// An indexed-colour PNG (colour type 3): each pixel one byte, an index into `palette`
    /// (at most 256 colours), so that a coloured map costs what a gray one does.
    public static func encode(width: Int, height: Int, palette: [(red: UInt8, green: UInt8, blue: UInt8)], indices: [UInt8]) -> [UInt8] {
        precondition((1...256).contains(palette.count) && indices.count == width * height, "PNG: bad palette or index count")
        precondition(indices.allSatisfy { Int($0) < palette.count }, "PNG: an index beyond the palette")
        return encode(width: width, height: height, colorType: 3, bytesPerPixel: 1, palette: palette.flatMap { [$0.red, $0.green, $0.blue] }, samples: indices)
    }

    /// The file: signature, IHDR (8 bits per sample, no interlacing), PLTE for an indexed
    /// image, IDAT, IEND.
    private static func encode(width: Int, height: Int, colorType: UInt8, bytesPerPixel: Int, palette: [UInt8]?, samples pixels: [UInt8]) -> [UInt8] {
        var file: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        file += chunk("IHDR", bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [8, colorType, 0, 0, 0])
        if let palette { file += chunk("PLTE", palette) }
        let data = filteredRows(pixels, rowLength: width * bytesPerPixel, height: height, bytesPerPixel: bytesPerPixel)
        file += chunk("IDAT", Zlib.compress(data, level: .default, strategy: .filtered))
        file += chunk("IEND", [])
        return file
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeAndData = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typeAndData + bigEndian(CRC32.checksum(typeAndData))
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
}
