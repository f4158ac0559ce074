import Compression
import Foundation

/// A minimal PNG encoder, so that the HTML page can embed pictures (browsers do not show
/// Netpbm) without a library: 8-bit gray, RGB or indexed colour, no interlacing, one IDAT
/// chunk. The rows are filtered (`PNG+Filters.swift`) and the image data deflated into a
/// zlib stream by `Zlib.compress` as the `Encoding` says (RFC 2083 for PNG, RFC 1950/1951
/// for zlib and deflate); by default as libpng does. Reading PNG is `PNGCodec`'s.
public enum PNG {
    /// The PNG as a `data:` URI, for an `<img src>` of a page that must work offline.
    public static func dataURI(width: Int, height: Int, channels: Int, pixels: [UInt8], encoding: Encoding = .libpng) -> String {
        dataURI(encode(width: width, height: height, channels: channels, pixels: pixels, encoding: encoding))
    }

    /// A PNG file's bytes as a `data:` URI.
    public static func dataURI(_ png: [UInt8]) -> String {
        "data:image/png;base64," + Data(png).base64EncodedString()
    }

    /// A gray picture's PNG as a `data:` URI.
    public static func dataURI(_ picture: GrayPicture, encoding: Encoding = .libpng) -> String {
        dataURI(width: picture.width, height: picture.height, channels: 1, pixels: picture.pixels, encoding: encoding)
    }

    /// `pixels`: row by row, one byte per sample, `channels` 1 (gray) or 3 (RGB) per pixel.
    public static func encode(width: Int, height: Int, channels: Int, pixels: [UInt8], encoding: Encoding = .libpng) -> [UInt8] {
        precondition((channels == 1 || channels == 3) && pixels.count == width * height * channels, "PNG: bad pixel count")
        return encode(width: width, height: height, colorType: channels == 1 ? 0 : 2, bytesPerPixel: channels, palette: nil, samples: pixels, encoding: encoding)
    }

    /// An indexed-colour PNG (colour type 3): each pixel one byte, an index into `palette`
    /// (at most 256 colours), so that a coloured map costs what a gray one does.
    public static func encode(width: Int, height: Int, palette: [(red: UInt8, green: UInt8, blue: UInt8)], indices: [UInt8],
                              encoding: Encoding = .libpng) -> [UInt8] {
        precondition((1...256).contains(palette.count) && indices.count == width * height, "PNG: bad palette or index count")
        precondition(indices.allSatisfy { Int($0) < palette.count }, "PNG: an index beyond the palette")
        return encode(width: width, height: height, colorType: 3, bytesPerPixel: 1, palette: palette.flatMap { [$0.red, $0.green, $0.blue] },
                      samples: indices, encoding: encoding)
    }

    /// The file: signature, IHDR (8 bits per sample, no interlacing), PLTE for an indexed
    /// image, IDAT, IEND.
    private static func encode(width: Int, height: Int, colorType: UInt8, bytesPerPixel: Int, palette: [UInt8]?, samples pixels: [UInt8],
                               encoding: Encoding) -> [UInt8] {
        let data = filteredRows(pixels, rowLength: width * bytesPerPixel, height: height, bytesPerPixel: bytesPerPixel, rows: encoding.rows)
        let compressed = Zlib.compress(data, level: encoding.level, strategy: encoding.strategy)
        var file: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        file.reserveCapacity(8 + 25 + (palette.map { 12 + $0.count } ?? 0) + 12 + compressed.count + 12)
        appendChunk("IHDR", bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [8, colorType, 0, 0, 0], to: &file)
        if let palette { appendChunk("PLTE", palette, to: &file) }
        appendChunk("IDAT", compressed, to: &file)
        appendChunk("IEND", [], to: &file)
        return file
    }

    /// Appends a chunk: its length, type, data, and the CRC-32 of its type and data.
    private static func appendChunk(_ type: String, _ data: [UInt8], to file: inout [UInt8]) {
        var crc = CRC32()
        crc.update(type.utf8)
        crc.update(data)
        file += bigEndian(UInt32(data.count))
        file += type.utf8
        file += data
        file += bigEndian(crc.value)
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
}
