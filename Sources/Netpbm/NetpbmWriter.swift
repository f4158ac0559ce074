extension NetpbmImage {
    /// The image as a Netpbm file. PBM, PGM and PPM are raw (P4, P5, P6) unless `plain`
    /// (P1, P2, P3, lines of at most 70 characters); samples take two bytes, most
    /// significant first, when maxval > 255. PFM is written as `pamtopfm` does on a
    /// little-endian machine: `Pf`/`PF`, the size, scale −1.000000 (little-endian), rows
    /// bottom to top; `plain` does not apply to it.
    public func encoded(plain: Bool = false) -> [UInt8] {
        switch (kind, samples) {
        case (.floatmap, .floats(let values)):
            let header = Array("\(channels == 3 ? "PF" : "Pf")\n\(width) \(height)\n-1.000000\n".utf8)
            let rowLength = width * channels
            return [UInt8](unsafeUninitializedCapacity: header.count + values.count * 4) { file, count in
                _ = file.initialize(from: header)
                let raster = UnsafeMutableRawBufferPointer(file)
                values.withUnsafeBufferPointer { values in
                    guard let source = values.baseAddress, let base = raster.baseAddress else { return }
                    for row in 0..<height {
                        let stored = base + header.count + (height - 1 - row) * rowLength * 4  // Bottom row first.
                        let first = source + row * rowLength
                        for i in 0..<rowLength {
                            stored.storeBytes(of: first[i].bitPattern.littleEndian, toByteOffset: i &* 4, as: UInt32.self)
                        }
                    }
                }
                count = header.count + values.count * 4
            }
        case (_, .integers(let values)):
            let magic = (kind == .bitmap ? 1 : kind == .graymap ? 2 : 3) + (plain ? 0 : 3)
            var file = Array("P\(magic)\n\(width) \(height)\n\(kind == .bitmap ? "" : "\(maxval)\n")".utf8)
            switch (kind, plain) {
            case (.bitmap, true): file += plainText(values.map { $0 == 0 ? "0" : "1" }, separator: "")
            case (.bitmap, false): file += packedBits(values)
            case (_, true): file += plainText(values.map { String($0) }, separator: " ")
            case (_, false): file = rawSamples(values, after: file)
            }
            return file
        case (_, .floats):
            preconditionFailure("NetpbmImage: float samples in a \(kind)")
        }
    }

    /// `header`, then each sample in one byte, or two (most significant first) when
    /// maxval > 255: raw PGM and PPM.
    private func rawSamples(_ values: [UInt16], after header: [UInt8]) -> [UInt8] {
        let width = maxval > 255 ? 2 : 1
        return [UInt8](unsafeUninitializedCapacity: header.count + values.count * width) { file, count in
            _ = file.initialize(fromContentsOf: header)
            let raster = file.baseAddress! + header.count
            values.withUnsafeBufferPointer { values in
                if width == 1 {
                    for i in values.indices { raster[i] = UInt8(truncatingIfNeeded: values[i]) }
                } else {
                    for i in values.indices {
                        raster[2 &* i] = UInt8(truncatingIfNeeded: values[i] >> 8)
                        raster[2 &* i &+ 1] = UInt8(truncatingIfNeeded: values[i])
                    }
                }
            }
            count = header.count + values.count * width
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
