import Foundation

/// A minimal PNG encoder, so that the HTML page can embed pictures (browsers do not show
/// Netpbm) without a library: 8-bit gray or RGB, no interlacing, and the image data in
/// stored (uncompressed) deflate blocks. Larger than a compressed PNG, and simple enough
/// to check by eye against the specification (RFC 2083 for PNG, RFC 1950/1951 for zlib).
public enum PNG {
    /// The PNG as a `data:` URI, for an `<img src>` of a page that must work offline.
    public static func dataURI(width: Int, height: Int, channels: Int, pixels: [UInt8]) -> String {
        "data:image/png;base64," + Data(encode(width: width, height: height, channels: channels, pixels: pixels)).base64EncodedString()
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

    /// An indexed-colour PNG as a `data:` URI.
    public static func dataURI(width: Int, height: Int, palette: [(red: UInt8, green: UInt8, blue: UInt8)], indices: [UInt8]) -> String {
        "data:image/png;base64," + Data(encode(width: width, height: height, palette: palette, indices: indices)).base64EncodedString()
    }

    /// The file: signature, IHDR (8 bits per sample, no interlacing), PLTE for an indexed
    /// image, IDAT, IEND.
    private static func encode(width: Int, height: Int, colorType: UInt8, bytesPerPixel: Int, palette: [UInt8]?, samples pixels: [UInt8]) -> [UInt8] {
        var file: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        file += chunk("IHDR", bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [8, colorType, 0, 0, 0])
        if let palette { file += chunk("PLTE", palette) }
        // Each row is preceded by its filter type, 0 (none).
        let rowLength = width * bytesPerPixel
        var raw: [UInt8] = []
        raw.reserveCapacity(height * (rowLength + 1))
        for row in 0..<height {
            raw.append(0)
            raw += pixels[row * rowLength..<(row + 1) * rowLength]
        }
        file += chunk("IDAT", zlibStored(raw))
        file += chunk("IEND", [])
        return file
    }

    /// A zlib stream of stored deflate blocks of at most 65,535 bytes each.
    private static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var stream: [UInt8] = [0x78, 0x01]  // deflate, 32 KiB window, no dictionary; (0x7801 % 31 == 0)
        var start = 0
        repeat {
            let count = min(65535, data.count - start)
            let last: UInt8 = start + count == data.count ? 1 : 0
            stream += [last, UInt8(count & 0xFF), UInt8(count >> 8), UInt8(~count & 0xFF), UInt8((~count >> 8) & 0xFF)]
            stream += data[start..<start + count]
            start += count
        } while start < data.count
        return stream + bigEndian(adler32(data))
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeAndData = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typeAndData + bigEndian(crc32(typeAndData))
    }

    public static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return crc ^ 0xFFFF_FFFF
    }

    private static let crcTable: [UInt32] = (0..<256).map { n in
        (0..<8).reduce(UInt32(n)) { c, _ in c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    }

    public static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        return b << 16 | a
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
}
