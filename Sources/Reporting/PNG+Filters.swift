/// PNG's row filters (RFC 2083, section 6; ISO/IEC 15948, section 9): each row of the
/// image data is sent as the difference between its bytes and a prediction from bytes
/// already sent, so that smooth pictures become runs of small numbers that deflate
/// compresses well. Differences are taken byte by byte, modulo 256. With `a` the byte one
/// pixel to the left (0 at the left edge), `b` the byte above (0 on the first row) and `c`
/// the byte above and to the left, the prediction is
///
/// | type | name    | prediction                                             |
/// |------|---------|--------------------------------------------------------|
/// | 0    | None    | 0                                                      |
/// | 1    | Sub     | a                                                      |
/// | 2    | Up      | b                                                      |
/// | 3    | Average | ⌊(a + b) / 2⌋                                          |
/// | 4    | Paeth   | whichever of a, b, c is nearest p = a + b − c (ties: a, then b) |
///
/// `PNG.Encoding.Rows` says how each row's filter is chosen: Paeth or none on every row,
/// or adaptively, as libpng chooses it (and as the specification's section 12.8
/// suggests): the one whose output has the smallest sum of absolute values,
/// each byte read as a signed number (0…127 as itself, 128…255 as 256 − v), the first of
/// the five on a tie. A heuristic: it favours rows of small differences, which is what
/// deflate's Huffman codes reward, without compressing each candidate.
extension PNG {
    /// The five filter types, by their numbers in the image data.
    enum Filter: UInt8, CaseIterable {
        case none = 0, sub, up, average, paeth
    }

    /// The image data before compression: each row preceded by its filter type and filtered
    /// by it, the filter chosen as `rows` says.
    ///
    /// - Parameters:
    ///   - pixels: `height` rows of `rowLength` bytes.
    ///   - bytesPerPixel: the distance back to `a` and `c` (1 for gray, 3 for RGB, at 8 bits).
    static func filteredRows(_ pixels: [UInt8], rowLength: Int, height: Int, bytesPerPixel: Int, rows: Encoding.Rows) -> [UInt8] {
        precondition(pixels.count == rowLength * height && bytesPerPixel >= 1)
        let zeros = [UInt8](repeating: 0, count: rowLength)
        return [UInt8](unsafeUninitializedCapacity: height * (rowLength + 1)) { data, count in
            pixels.withUnsafeBufferPointer { pixels in
                zeros.withUnsafeBufferPointer { zeros in
                    var candidates = [[UInt8]](repeating: [UInt8](repeating: 0, count: rows == .adaptive ? rowLength : 0), count: Filter.allCases.count)
                    for y in 0..<height {
                        let row = UnsafeBufferPointer(rebasing: pixels[(y * rowLength)..<((y + 1) * rowLength)])
                        let above = y == 0 ? zeros : UnsafeBufferPointer(rebasing: pixels[((y - 1) * rowLength)..<(y * rowLength)])
                        let start = y * (rowLength + 1)
                        let out = UnsafeMutableBufferPointer(rebasing: data[(start + 1)..<(start + 1 + rowLength)])
                        switch rows {
                        case .unfiltered:
                            data[start] = Filter.none.rawValue
                            _ = out.initialize(fromContentsOf: row)
                        case .paeth:
                            data[start] = Filter.paeth.rawValue
                            paethRow(row, above: above, bytesPerPixel: bytesPerPixel, into: out)
                        case .adaptive:
                            var best = Filter.none, bestSum = Int.max
                            for filter in Filter.allCases {
                                let sum = candidates[Int(filter.rawValue)].withUnsafeMutableBufferPointer { candidate in
                                    apply(filter, row: row, above: above, bytesPerPixel: bytesPerPixel, into: candidate)
                                }
                                if sum < bestSum { (best, bestSum) = (filter, sum) }
                            }
                            data[start] = best.rawValue
                            candidates[Int(best.rawValue)].withUnsafeBufferPointer { _ = out.initialize(fromContentsOf: $0) }
                        }
                    }
                }
            }
            count = height * (rowLength + 1)
        }
    }

    /// Writes `row` filtered by Paeth into `out`: what `apply(.paeth, …)` writes, without the
    /// sum, and without branches in the predictor (the three distances as in `paeth`, the
    /// choice as two selects), so that it costs about a nanosecond a byte.
    static func paethRow(_ row: UnsafeBufferPointer<UInt8>, above: UnsafeBufferPointer<UInt8>, bytesPerPixel bpp: Int,
                         into out: UnsafeMutableBufferPointer<UInt8>) {
        precondition(above.count == row.count && out.count == row.count)
        guard let x = row.baseAddress, let up = above.baseAddress, let o = out.baseAddress else { return }
        let n = row.count
        // The first pixel: a = c = 0, so p = b and the prediction is b.
        for i in 0..<min(bpp, n) { o[i] = x[i] &- up[i] }
        var i = bpp
        while i < n {
            let a = Int32(x[i &- bpp]), b = Int32(up[i]), c = Int32(up[i &- bpp])
            // p − a = b − c, p − b = a − c, p − c = a + b − 2c.
            let pa = abs(b &- c), pb = abs(a &- c), pc = abs(a &+ b &- c &- c)
            let prediction = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
            o[i] = x[i] &- UInt8(truncatingIfNeeded: prediction)
            i &+= 1
        }
    }

    /// Writes `row` filtered by `filter` into `out`, and returns the sum of the absolute
    /// values of the bytes written, read as signed.
    static func apply(_ filter: Filter, row: UnsafeBufferPointer<UInt8>, above: UnsafeBufferPointer<UInt8>, bytesPerPixel bpp: Int,
                      into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        precondition(above.count == row.count && out.count == row.count)
        var sum = 0
        for i in 0..<row.count {
            let a = i >= bpp ? Int(row[i - bpp]) : 0
            let b = Int(above[i])
            let c = i >= bpp ? Int(above[i - bpp]) : 0
            let prediction: Int
            switch filter {
            case .none: prediction = 0
            case .sub: prediction = a
            case .up: prediction = b
            case .average: prediction = (a + b) >> 1
            case .paeth: prediction = paeth(a, b, c)
            }
            let value = UInt8(truncatingIfNeeded: Int(row[i]) - prediction)
            out[i] = value
            sum += value < 128 ? Int(value) : 256 - Int(value)
        }
        return sum
    }

    /// The Paeth predictor (A. W. Paeth, "Image file compression made easy", Graphics Gems
    /// II, 1991): of a, b, c the one nearest a + b − c, preferring a, then b.
    static func paeth(_ a: Int, _ b: Int, _ c: Int) -> Int {
        let p = a + b - c
        let (pa, pb, pc) = (abs(p - a), abs(p - b), abs(p - c))
        if pa <= pb && pa <= pc { return a }
        return pb <= pc ? b : c
    }
}
