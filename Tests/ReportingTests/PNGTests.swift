import Compression
import Foundation
import Netpbm
@testable import Reporting
import Testing

/// A PNG as this encoder writes them, read back: the header's fields, each row's filter
/// type and the pixels, every chunk's CRC checked and the image data inflated by
/// `Compression`'s strict decoder.
struct DecodedPNG {
    var width = 0, height = 0, colorType = -1
    var filters: [UInt8] = []
    var pixels: [UInt8] = []
    var chunks: [String] = []
    /// PLTE's bytes, R G B per entry, for an indexed image.
    var palette: [UInt8] = []

    init(_ file: [UInt8]) throws {
        #expect(Array(file.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        func uint32(_ i: Int) -> Int { file[i..<(i + 4)].reduce(0) { $0 << 8 | Int($1) } }
        var position = 8
        var idat: [UInt8] = []
        while position < file.count {
            let length = uint32(position)
            let typeAndData = Array(file[(position + 4)..<(position + 8 + length)])
            #expect(UInt32(uint32(position + 8 + length)) == CRC32.checksum(typeAndData))
            let type = String(decoding: typeAndData.prefix(4), as: UTF8.self), data = Array(typeAndData.dropFirst(4))
            chunks.append(type)
            if type == "IHDR" {
                (width, height) = (uint32(position + 8), uint32(position + 12))
                #expect(data[8] == 8 && data[10...12] == [0, 0, 0], "8 bits, deflate, adaptive filtering, no interlace")
                colorType = Int(data[9])
            } else if type == "PLTE" {
                palette = data
            } else if type == "IDAT" {
                idat += data
            }
            position += 12 + length
        }
        let channels = colorType == 2 ? 3 : 1
        let rowLength = width * channels
        let data = try Zlib.decompress(idat, maximumOutputBytes: height * (rowLength + 1))
        #expect(data.count == height * (rowLength + 1))
        (filters, pixels) = unfilter(data, rowLength: rowLength, height: height, bytesPerPixel: channels)
    }
}

/// The reference unfilter (RFC 2083, section 6): each byte plus its filter's prediction
/// from bytes already restored (a left, b above, c above-left; 0 outside the image).
func unfilter(_ data: [UInt8], rowLength: Int, height: Int, bytesPerPixel bpp: Int) -> (filters: [UInt8], pixels: [UInt8]) {
    var filters: [UInt8] = [], pixels: [UInt8] = []
    for y in 0..<height {
        let start = y * (rowLength + 1)
        filters.append(data[start])
        for i in 0..<rowLength {
            let a = i >= bpp ? Int(pixels[y * rowLength + i - bpp]) : 0
            let b = y > 0 ? Int(pixels[(y - 1) * rowLength + i]) : 0
            let c = y > 0 && i >= bpp ? Int(pixels[(y - 1) * rowLength + i - bpp]) : 0
            let prediction: Int
            switch data[start] {
            case 0: prediction = 0
            case 1: prediction = a
            case 2: prediction = b
            case 3: prediction = (a + b) / 2
            case 4:
                let p = a + b - c
                let (pa, pb, pc) = (abs(p - a), abs(p - b), abs(p - c))
                prediction = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
            default:
                Issue.record("row \(y): filter type \(data[start])")
                prediction = 0
            }
            pixels.append(UInt8(truncatingIfNeeded: Int(data[start + 1 + i]) + prediction))
        }
    }
    return (filters, pixels)
}

/// SplitMix64 (Steele, Lea and Flood 2014), for seeded pictures.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

struct PNGTests {
    @Test("a 2×2 gray PNG: the signature, the header, image data of two unfiltered rows, the end")
    func structure() throws {
        let png = PNG.encode(width: 2, height: 2, channels: 1, pixels: [0, 255, 128, 64])
        #expect(Array(png[12..<29]) == Array("IHDR".utf8) + [0, 0, 0, 2, 0, 0, 0, 2, 8, 0, 0, 0, 0])
        #expect(Array(png[37..<41]) == Array("IDAT".utf8))
        #expect(Array(png[41..<43]) == [0x78, 0x9C], "zlib's header at the default level")
        #expect(Array(png.suffix(12)) == [0, 0, 0, 0] + Array("IEND".utf8) + [0xAE, 0x42, 0x60, 0x82])
        // Row 0 (above it: zeros): every filter sums to 1 (255 reads as −1): None, the first.
        // Row 1, 128 64 under 0 255: None 128 + 64 = 192, Sub 128 + |64 − 128| = 192,
        // Up 128 + |64 − 255| → 128 + 65 = 193, Average 128 + |64 − 191| = 255, Paeth
        // (predicting 0, then b = 255) 193: None, the first of the two at 192.
        let decoded = try DecodedPNG(png)
        #expect(decoded.chunks == ["IHDR", "IDAT", "IEND"])
        #expect(decoded.filters == [0, 0])
        #expect(decoded.pixels == [0, 255, 128, 64])
    }

    /// Eight rows of `width` pixels of `channels` samples, and the filter each row from
    /// the second on is built to be predicted best by, as (row, filter type).
    private func rowsForEveryFilter(width: Int, channels: Int) -> (pixels: [UInt8], expected: [(row: Int, filter: UInt8)]) {
        var rng = SplitMix64(state: UInt64(width * channels))
        let n = width * channels
        func random() -> [UInt8] { (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) } }
        var rows: [[UInt8]] = [random()]
        // 1, Sub: a random first pixel, then copies of it; zero after the first pixel.
        let first = (0..<channels).map { _ in UInt8.random(in: 100...200, using: &rng) }
        rows.append((0..<n).map { first[$0 % channels] })
        // 2 random, 3 Up: row 2 again.
        rows.append(random())
        rows.append(rows[2])
        // 4, Average: ⌊(a + b) / 2⌋ exactly.
        var average = [UInt8](repeating: 0, count: n)
        for i in 0..<n { average[i] = UInt8(((i >= channels ? Int(average[i - channels]) : 0) + Int(rows[3][i])) / 2) }
        rows.append(average)
        // 5: steps of random heights every 5 pixels; 6, Paeth: row 5 plus 20. There
        // b − c is the step (0, or large at a step) and a − c is 20, so Paeth predicts a
        // (exactly) on the flat parts and b (20 off) at the steps, where Sub is off by the
        // step and Up by 20 everywhere.
        let heights = (0..<(width / 5 + 1)).map { _ in (0..<channels).map { _ in UInt8.random(in: 0...230, using: &rng) } }
        let steps = (0..<n).map { heights[$0 / channels / 5][$0 % channels] }
        rows.append(steps)
        rows.append(steps.map { $0 + 20 })
        // 7, None: 0 2 0 2 …, smaller as it is than any difference from its neighbours.
        rows.append((0..<n).map { UInt8($0 % 2 * 2) })
        return (Array(rows.joined()), [(1, 1), (3, 2), (4, 3), (6, 4), (7, 0)])
    }

    @Test("an indexed PNG: colour type 3, a PLTE of the palette's colours before IDAT, one index byte per pixel")
    func palette() throws {
        let colours: [(red: UInt8, green: UInt8, blue: UInt8)] = [(1, 2, 3), (250, 251, 252), (7, 8, 9)]
        let indices: [UInt8] = (0..<(9 * 5)).map { UInt8($0 * 7 % 3) }
        let decoded = try DecodedPNG(PNG.encode(width: 9, height: 5, palette: colours, indices: indices))
        #expect(decoded.colorType == 3)
        #expect(decoded.chunks == ["IHDR", "PLTE", "IDAT", "IEND"])
        #expect(decoded.palette == [1, 2, 3, 250, 251, 252, 7, 8, 9])
        #expect(decoded.pixels == indices)
    }

    @Test("each of the five filters is chosen where it predicts best, and every row decodes to its pixels", arguments: [1, 3])
    func everyFilter(channels: Int) throws {
        let (pixels, expected) = rowsForEveryFilter(width: 40, channels: channels)
        let decoded = try DecodedPNG(PNG.encode(width: 40, height: 8, channels: channels, pixels: pixels))
        #expect(decoded.colorType == (channels == 1 ? 0 : 2))
        for (row, filter) in expected {
            #expect(decoded.filters[row] == filter, "row \(row)")
        }
        #expect(decoded.pixels == pixels)
    }

    @Test("seeded pictures of every small size, gray and RGB, decode to their pixels")
    func smallPictures() throws {
        var rng = SplitMix64(state: 2083)
        for channels in [1, 3] {
            for width in 1...12 {
                for height in 1...4 {
                    let smooth = Bool.random(using: &rng)
                    let pixels = (0..<(width * height * channels)).map { i in smooth ? UInt8(truncatingIfNeeded: i * 7) : UInt8.random(in: 0...255, using: &rng) }
                    let decoded = try DecodedPNG(PNG.encode(width: width, height: height, channels: channels, pixels: pixels))
                    #expect((decoded.width, decoded.height) == (width, height))
                    #expect(decoded.pixels == pixels, "\(width)×\(height)×\(channels)")
                }
            }
        }
    }

    @Test("the astronaut photographs, gray and RGB: the same pixels back, libpng's filter on every row, as small as pnmtopng's, half the stored size")
    func photographs() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        let root = folder.deletingLastPathComponent().deletingLastPathComponent()
        let libpng = try String(contentsOf: folder.appendingPathComponent("Fixtures/libpng-astronaut.txt"), encoding: .utf8)
            .split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: " ").map(String.init) }
        #expect(libpng.count == 2)
        for fields in libpng {
            let name = fields[0], libpngSize = try #require(Int(fields[1]))
            let image = try NetpbmImage(reading: Array(try Data(contentsOf: root.appendingPathComponent("Samples/\(name)"))))
            guard case .integers(let samples) = image.samples else { Issue.record("\(name): not integers"); continue }
            let pixels = samples.map { UInt8($0) }
            let png = PNG.encode(width: image.width, height: image.height, channels: image.channels, pixels: pixels)
            let decoded = try DecodedPNG(png)
            #expect(decoded.pixels == pixels, "\(name)")
            #expect(decoded.filters.map { String($0) }.joined() == fields[3], "\(name): the filters libpng chose")
            // Measured: astronaut.pgm 139,045 bytes, pnmtopng 139,238; its zlib stream is
            // 138,988 bytes; Python's zlib at level 6 makes 138,989 of the same rows with
            // Z_FILTERED (as libpng) and 148,168 without. astronaut.ppm 423,725 against 423,733 and 445,303 for its
            // stream, 424,402 for pnmtopng's file. The stored blocks written before were
            // 8 + 25 + 12 + 2 + 5 · ⌈rows / 65,535⌉ + rows + 4 + 12 bytes, rows = 512 · (512 · channels + 1):
            // 262,744 and 787,072, so the PNGs are 52.9% and 53.8% of that.
            let rows = image.height * (image.width * image.channels + 1)
            let stored = 8 + 25 + 12 + 2 + 5 * ((rows + 65534) / 65535) + rows + 4 + 12
            #expect(png.count <= libpngSize, "\(name): \(png.count) bytes, pnmtopng \(libpngSize)")
            #expect(Double(png.count) < 0.55 * Double(stored), "\(name): \(png.count) of \(stored) bytes")
        }
    }

    @Test("every encoding gives the pixels back: small and seeded pictures, gray, RGB and indexed, each row filtered as the encoding says",
          arguments: [PNG.Encoding.libpng, .photograph, .drawing])
    func encodings(encoding: PNG.Encoding) throws {
        var rng = SplitMix64(state: 1950)
        for channels in [1, 3] {
            for (width, height) in [(1, 1), (1, 5), (5, 1), (2, 2), (3, 7), (40, 8), (257, 3)] {
                for smooth in [false, true] {
                    let pixels = (0..<(width * height * channels)).map { i in smooth ? UInt8(truncatingIfNeeded: i / 5 * 3) : UInt8.random(in: 0...255, using: &rng) }
                    let decoded = try DecodedPNG(PNG.encode(width: width, height: height, channels: channels, pixels: pixels, encoding: encoding))
                    #expect(decoded.pixels == pixels, "\(width)×\(height)×\(channels)")
                    switch encoding.rows {
                    case .paeth: #expect(decoded.filters == [UInt8](repeating: 4, count: height))
                    case .unfiltered: #expect(decoded.filters == [UInt8](repeating: 0, count: height))
                    case .adaptive: break
                    }
                }
            }
        }
        let colours: [(red: UInt8, green: UInt8, blue: UInt8)] = (0..<200).map { (UInt8($0), UInt8(255 - $0), 7) }
        let indices = (0..<(30 * 20)).map { UInt8($0 % 37 * 5 % 200) }
        let indexed = try DecodedPNG(PNG.encode(width: 30, height: 20, palette: colours, indices: indices, encoding: encoding))
        #expect(indexed.colorType == 3 && indexed.pixels == indices)
    }

    @Test("Paeth on every row: the bytes of the reference filter (PNG.apply) on every row, the first row and column included")
    func paethRows() throws {
        var rng = SplitMix64(state: 1951)
        for bytesPerPixel in [1, 3] {
            for width in [1, 2, 3, 4, 17] {
                let n = width * bytesPerPixel, height = 6
                let pixels = (0..<(n * height)).map { i in i % 3 == 0 ? UInt8.random(in: 0...255, using: &rng) : UInt8(truncatingIfNeeded: i * 11) }
                let data = PNG.filteredRows(pixels, rowLength: n, height: height, bytesPerPixel: bytesPerPixel, rows: .paeth)
                let zeros = [UInt8](repeating: 0, count: n)
                for y in 0..<height {
                    var expected = [UInt8](repeating: 0, count: n)
                    pixels.withUnsafeBufferPointer { p in
                        zeros.withUnsafeBufferPointer { z in
                            let row = UnsafeBufferPointer(rebasing: p[(y * n)..<((y + 1) * n)])
                            let above = y == 0 ? z : UnsafeBufferPointer(rebasing: p[((y - 1) * n)..<(y * n)])
                            _ = expected.withUnsafeMutableBufferPointer { PNG.apply(.paeth, row: row, above: above, bytesPerPixel: bytesPerPixel, into: $0) }
                        }
                    }
                    #expect(data[y * (n + 1)] == 4)
                    #expect(Array(data[(y * (n + 1) + 1)..<((y + 1) * (n + 1))]) == expected, "row \(y), \(width)×\(bytesPerPixel)")
                }
            }
        }
    }

    @Test("the astronaut photographs as photographs: the same pixels, no larger than libpng's encoding")
    func photographEncoding() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for name in ["astronaut.pgm", "astronaut.ppm"] {
            let image = try NetpbmImage(reading: Array(try Data(contentsOf: root.appendingPathComponent("Samples/\(name)"))))
            guard case .integers(let samples) = image.samples else { Issue.record("\(name): not integers"); continue }
            let pixels = samples.map { UInt8($0) }
            let photograph = PNG.encode(width: image.width, height: image.height, channels: image.channels, pixels: pixels, encoding: .photograph)
            let libpng = PNG.encode(width: image.width, height: image.height, channels: image.channels, pixels: pixels)
            #expect(try DecodedPNG(photograph).pixels == pixels, "\(name)")
            // Measured: 137,860 bytes against 139,045 (gray), 423,190 against 423,725 (RGB).
            #expect(photograph.count <= libpng.count, "\(name): \(photograph.count) bytes, libpng's encoding \(libpng.count)")
        }
    }
}
