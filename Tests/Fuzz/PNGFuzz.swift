// libFuzzer harness for the PNG reader: built with the PNGCodec, Compression and Netpbm
// sources by `swiftc -sanitize=fuzzer,address` (see README.md and build.sh), not by SwiftPM.
//
// Each input is read three ways, with a pixel limit of 2^16:
// 1. as it is;
// 2. after the signature, with every chunk's CRC-32 made right, so that mutations get past
//    the CRC check to the chunk order, the header fields and the zlib stream;
// 3. as the parts of a PNG that the harness assembles: IHDR from the first 5 bytes (colour
//    type, bit depth, interlace method, width − 1, height − 1), a PLTE of n entries if the
//    6th byte n is not 0, and the rest as the decompressed image data, wrapped in stored
//    deflate blocks with the right Adler-32 and CRCs, so that mutations reach the filters,
//    the passes, the unpacking and the palette lookups.
// Each must give an image or a PNGError: no crash, trap, hang or large allocation. An image
// that reads must agree with its header (size, channels, maxval, every sample ≤ maxval), and
// the same bytes with the pixel limit one below width × height must be refused, naming the
// claimed size.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPNG(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: data, count: size))
    check(bytes)
    check(withCRCsMadeRight(bytes))
    check(assembled(bytes))
    return 0
}

private let pixelLimit = 1 << 16

private func check(_ bytes: [UInt8]) {
    let png: PNGImage
    do {
        png = try PNGImage(reading: bytes, pixelLimit: pixelLimit)
    } catch {
        return
    }
    let header = png.header, image = png.image
    let channels = header.colorType == .gray || header.colorType == .grayAlpha ? 1 : 3
    let maxval = header.colorType == .palette ? 255 : (1 << header.bitDepth) - 1
    guard image.width == header.width, image.height == header.height, image.channels == channels, image.maxval == maxval,
          header.width * header.height <= pixelLimit else {
        fatalError("the image (\(image.width)×\(image.height)×\(image.channels), maxval \(image.maxval)) disagrees with its header \(header)")
    }
    guard case .integers(let samples) = image.samples, samples.count == header.width * header.height * channels,
          samples.allSatisfy({ Int($0) <= maxval }) else {
        fatalError("the samples of a \(header) image are not width × height × channels values up to maxval")
    }
    do {
        _ = try PNGImage(reading: bytes, pixelLimit: header.width * header.height - 1)
        fatalError("a \(header) image read with a pixel limit of width × height − 1")
    } catch {
        guard error.claimedSize == PNGError.ClaimedSize(width: header.width, height: header.height) else {
            fatalError("a \(header) image refused for its size without its size: \(error)")
        }
    }
}

private let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

/// The input after a PNG signature, each chunk that fits given the CRC-32 of its type and data.
private func withCRCsMadeRight(_ input: [UInt8]) -> [UInt8] {
    var bytes = signature + (input.starts(with: signature) ? input.dropFirst(8) : input[...])
    var position = 8
    while bytes.count - position >= 12 {
        let length = Int(bytes[position]) << 24 | Int(bytes[position + 1]) << 16 | Int(bytes[position + 2]) << 8 | Int(bytes[position + 3])
        guard length <= bytes.count - position - 12 else { break }
        let crc = CRC32.checksum(bytes[position + 4..<position + 8 + length])
        for k in 0..<4 { bytes[position + 8 + length + k] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * k)) }
        position += 12 + length
    }
    return bytes
}

/// A PNG made of the input's parts: IHDR fields, an optional palette, the image data
/// in stored deflate blocks; every checksum right.
private func assembled(_ input: [UInt8]) -> [UInt8] {
    guard input.count >= 6 else { return [] }
    let colourType = input[0], depth = input[1], interlace = input[2]
    let width = UInt32(input[3]) + 1, height = UInt32(input[4]) + 1
    let entries = Int(input[5])
    let paletteEnd = min(input.count, 6 + 3 * entries)
    let palette = Array(input[6..<paletteEnd])
    let raw = Array(input[paletteEnd...])

    func be32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (24 - 8 * $0)) } }
    func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeAndData = Array(type.utf8) + data
        return be32(UInt32(data.count)) + typeAndData + be32(CRC32.checksum(typeAndData))
    }
    var zlib: [UInt8] = [0x78, 0x01]
    var start = 0
    repeat {
        let count = min(65535, raw.count - start)
        let final: UInt8 = start + count == raw.count ? 1 : 0
        zlib += [final, UInt8(count & 0xFF), UInt8(count >> 8), UInt8(~count & 0xFF), UInt8(~count >> 8 & 0xFF)]
        zlib += raw[start..<start + count]
        start += count
    } while start < raw.count
    zlib += be32(Adler32.checksum(raw))
    var png = signature + chunk("IHDR", be32(width) + be32(height) + [depth, colourType, 0, 0, interlace])
    if entries > 0 { png += chunk("PLTE", palette) }
    return png + chunk("IDAT", zlib) + chunk("IEND", [])
}
