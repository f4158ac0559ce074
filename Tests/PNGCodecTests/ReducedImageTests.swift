import Testing

@testable import PNGCodec

/// A header from IHDR fields, as `PNGHeader` reads them from a file.
private func header(_ width: UInt32, _ height: UInt32, depth: UInt8, colorType: UInt8, interlace: UInt8,
                    pixelLimit: Int = PNGImage.defaultPixelLimit) throws(PNGError) -> PNGHeader {
    let fields: [UInt8] = [width, height].flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v >> (24 - 8 * $0)) } }
        + [depth, colorType, 0, 0, interlace]
    let result = fields.withUnsafeBytes { data in
        Result { () throws(PNGError) in try PNGHeader(ihdr: data, offset: 16, pixelLimit: pixelLimit) }
    }
    return try result.get()
}

struct ReducedImageTests {
    @Test("Adam7 of 5×3: passes of 1, 1, 0 (2×0), 1, 3, 2×2 and 5 pixels; empty passes have no filter-type bytes")
    func adam7Small() throws {
        let layout = try #require(ReducedImage.layout(of: try header(5, 3, depth: 8, colorType: 0, interlace: 1)))
        #expect(layout.passes.map { [$0.width, $0.height] } == [[1, 1], [1, 1], [2, 0], [1, 1], [3, 1], [2, 2], [5, 1]])
        #expect(layout.passes.map(\.byteCount) == [2, 2, 0, 2, 4, 6, 6])
        #expect(layout.passes.map(\.offset) == [0, 2, 4, 4, 6, 10, 16])
        #expect(layout.byteCount == 22)
        // 1×1: only pass 1 has the pixel.
        let one = try #require(ReducedImage.layout(of: try header(1, 1, depth: 16, colorType: 6, interlace: 1)))
        #expect(one.passes.map(\.byteCount) == [9, 0, 0, 0, 0, 0, 0])
    }

    @Test("scanline bytes: ⌈width × bits per pixel / 8⌉ after each filter-type byte")
    func rowBytes() throws {
        for (depth, colorType, expected) in [(1, 0, 2), (2, 3, 4), (4, 0, 7), (8, 2, 39), (16, 4, 52), (16, 6, 104)] as [(UInt8, UInt8, Int)] {
            let layout = try #require(ReducedImage.layout(of: try header(13, 11, depth: depth, colorType: colorType, interlace: 0)))
            #expect(layout.passes.map(\.rowBytes) == [expected], "depth \(depth), colour type \(colorType)")
            #expect(layout.byteCount == 11 * (1 + expected))
        }
    }

    @Test("every pixel is in exactly one Adam7 pass, for every size up to 17×17")
    func adam7Covers() throws {
        for width in 1...17 {
            for height in 1...17 {
                let layout = try #require(ReducedImage.layout(of: try header(UInt32(width), UInt32(height), depth: 1, colorType: 0, interlace: 1)))
                var seen = [Int](repeating: 0, count: width * height)
                for pass in layout.passes {
                    for j in 0..<pass.height {
                        for i in 0..<pass.width { seen[(pass.yStart + j * pass.yStep) * width + pass.xStart + i * pass.xStep] += 1 }
                    }
                }
                #expect(seen.allSatisfy { $0 == 1 }, "\(width)×\(height)")
                #expect(layout.passes.reduce(0) { $0 + $1.byteCount } == layout.byteCount)
            }
        }
    }

    @Test("a size that does not fit in an Int is nil, not a wrapped number")
    func overflow() throws {
        let huge = try header(0x7FFF_FFFF, 0x7FFF_FFFF, depth: 16, colorType: 6, interlace: 0, pixelLimit: .max)
        #expect(ReducedImage.layout(of: huge) == nil)
        let large = try #require(ReducedImage.layout(of: try header(0x7FFF_FFFF, 1, depth: 16, colorType: 6, interlace: 0, pixelLimit: .max)))
        #expect(large.byteCount == 1 + 8 * 0x7FFF_FFFF)
    }
}
