/// One pass of the image data: the whole image when it is not interlaced, or one of
/// Adam7's seven reduced images (PNG specification, section 8.2), and where its filtered
/// scanlines are in the decompressed data.
///
/// Each scanline is a filter-type byte and then `rowBytes` bytes: the pixels left to
/// right, packed most significant bits first when they are smaller than a byte, the last
/// byte padded (section 7.2). A reduced image with no columns or no rows has no scanlines,
/// not even filter-type bytes (section 8.2: such a pass is empty).
struct ReducedImage: Equatable {
    /// The pass: pixel (x, y) of the image is in it when x = xStart + i·xStep and
    /// y = yStart + j·yStep; it is the reduced image's pixel (i, j).
    let xStart: Int, yStart: Int, xStep: Int, yStep: Int
    /// Pixels per row and rows of the reduced image; either may be 0.
    let width: Int, height: Int
    /// Bytes per scanline after its filter-type byte: ⌈width × bits per pixel / 8⌉.
    let rowBytes: Int
    /// Where its first scanline (its filter-type byte) starts in the decompressed data.
    let offset: Int

    /// The bytes of its scanlines, filter-type bytes included: height × (1 + rowBytes).
    var byteCount: Int { height * (1 + rowBytes) }

    /// Adam7's passes as (xStart, yStart, xStep, yStep), in the order they are stored:
    /// the pixels of an 8×8 tile numbered by pass are
    ///
    ///     1 6 4 6 2 6 4 6
    ///     7 7 7 7 7 7 7 7
    ///     5 6 5 6 5 6 5 6
    ///     7 7 7 7 7 7 7 7
    ///     3 6 4 6 3 6 4 6
    ///     7 7 7 7 7 7 7 7
    ///     5 6 5 6 5 6 5 6
    ///     7 7 7 7 7 7 7 7
    static let adam7: [(Int, Int, Int, Int)] = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]

    /// The reduced images of `header`'s image data in the order they are stored, and the
    /// size of that data: the exact number of bytes its zlib stream must decompress to.
    /// Nil when that size does not fit in an `Int` (only possible with a pixel limit near
    /// `Int.max`).
    static func layout(of header: PNGHeader) -> (passes: [ReducedImage], byteCount: Int)? {
        let passes = header.interlace == .adam7 ? adam7 : [(0, 0, 1, 1)]
        var images: [ReducedImage] = []
        var offset = 0
        for (xStart, yStart, xStep, yStep) in passes {
            let width = header.width > xStart ? (header.width - xStart + xStep - 1) / xStep : 0
            let height = header.height > yStart ? (header.height - yStart + yStep - 1) / yStep : 0
            // width ≤ 2^31 − 1 and at most 64 bits per pixel: the product fits in 64 bits.
            let (bits, bitsOverflow) = width.multipliedReportingOverflow(by: header.bitsPerPixel)
            guard !bitsOverflow else { return nil }
            let rowBytes = bits / 8 + (bits % 8 == 0 ? 0 : 1)
            let (count, countOverflow) = height.multipliedReportingOverflow(by: width == 0 ? 0 : 1 + rowBytes)
            let (end, endOverflow) = offset.addingReportingOverflow(count)
            guard !countOverflow, !endOverflow else { return nil }
            let image = ReducedImage(xStart: xStart, yStart: yStart, xStep: xStep, yStep: yStep,
                                     width: width, height: width == 0 ? 0 : height, rowBytes: rowBytes, offset: offset)
            images.append(image)
            offset = end
        }
        return (images, offset)
    }
}
