extension NetpbmImage {
    /// The image as a Netpbm file. PBM, PGM and PPM are raw (P4, P5, P6) unless `plain`
    /// (P1, P2, P3, lines of at most 70 characters); samples take two bytes, most
    /// significant first, when maxval > 255. PFM is written as `pamtopfm` does on a
    /// little-endian machine: `Pf`/`PF`, the size, scale −1.000000 (little-endian), rows
    /// bottom to top; `plain` does not apply to it.
    public func encoded(plain: Bool = false) -> [UInt8] {
        switch (kind, samples) {
        case (.floatmap, .floats(let values)):
            var file = Array("\(channels == 3 ? "PF" : "Pf")\n\(width) \(height)\n-1.000000\n".utf8)
            file.reserveCapacity(file.count + values.count * 4)
            let rowLength = width * channels
            for row in stride(from: height - 1, through: 0, by: -1) {
                for value in values[row * rowLength..<(row + 1) * rowLength] {
                    let bits = value.bitPattern
                    file += [UInt8(truncatingIfNeeded: bits), UInt8(truncatingIfNeeded: bits >> 8),
                             UInt8(truncatingIfNeeded: bits >> 16), UInt8(truncatingIfNeeded: bits >> 24)]
                }
            }
            return file
        case (_, .integers(let values)):
            let magic = (kind == .bitmap ? 1 : kind == .graymap ? 2 : 3) + (plain ? 0 : 3)
            var file = Array("P\(magic)\n\(width) \(height)\n\(kind == .bitmap ? "" : "\(maxval)\n")".utf8)
            switch (kind, plain) {
            case (.bitmap, true): file += plainText(values.map { $0 == 0 ? "0" : "1" }, separator: "")
            case (.bitmap, false): file += packedBits(values)
            case (_, true): file += plainText(values.map { String($0) }, separator: " ")
            case (_, false):
                file.reserveCapacity(file.count + values.count * (maxval > 255 ? 2 : 1))
                for value in values {
                    if maxval > 255 { file.append(UInt8(value >> 8)) }
                    file.append(UInt8(truncatingIfNeeded: value))
                }
            }
            return file
        case (_, .floats):
            preconditionFailure("NetpbmImage: float samples in a \(kind)")
        }
    }

    /// Rows of words, each row starting a line, lines wrapped before 70 characters.
    private func plainText(_ words: [String], separator: String) -> [UInt8] {
        let perRow = width * channels
        var text = ""
        for row in 0..<height {
            var line = ""
            for word in words[row * perRow..<(row + 1) * perRow] {
                if !line.isEmpty && line.count + separator.count + word.count > 70 {
                    text += line + "\n"
                    line = ""
                }
                line += (line.isEmpty ? "" : separator) + word
            }
            text += line + "\n"
        }
        return Array(text.utf8)
    }

    /// Raw PBM rows: eight pixels a byte, most significant bit first, the last byte of
    /// each row padded with zeros.
    private func packedBits(_ bits: [UInt16]) -> [UInt8] {
        let rowBytes = (width + 7) / 8
        var packed = [UInt8](repeating: 0, count: rowBytes * height)
        for row in 0..<height {
            for column in 0..<width where bits[row * width + column] != 0 {
                packed[row * rowBytes + column / 8] |= 0x80 >> UInt8(column % 8)
            }
        }
        return packed
    }
}
