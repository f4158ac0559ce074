/// Reconstructed scanlines to the samples of the decoded image: each reduced image's
/// pixels unpacked (PNG specification, section 7.2) and put where its pass says they go
/// (section 8.2).
///
/// A sample smaller than a byte is read most significant bits first, the padding bits at
/// the end of a scanline ignored; a 16-bit sample is two bytes, most significant first
/// (section 7.1). Greyscale and truecolour samples are kept as they are, maxval
/// 2^depth − 1; an alpha sample is dropped; a palette index becomes its entry's red,
/// green and blue, maxval 255, and an index beyond the palette is an error (section
/// 11.2.3: such a datastream is not valid).
enum PixelUnpacking {
    /// A palette index that has no entry.
    struct IndexBeyondPalette: Error {
        let index: Int
        let x: Int, y: Int
        /// The offset in the decompressed data of the byte holding the index.
        let offset: Int
    }

    /// Writes the pixels of `image`, whose scanlines in `data` are reconstructed, into
    /// `samples`: `header.outputChannels` per pixel, rows of `header.width` pixels.
    static func unpack(_ image: ReducedImage, from data: [UInt8], header: PNGHeader, palette: Palette?,
                       into samples: inout [UInt16]) throws(IndexBeyondPalette) {
        let depth = header.bitDepth, channels = header.outputChannels
        let mask = UInt16((1 << min(depth, 8)) - 1)
        let stride = 1 + image.rowBytes
        let entries = palette?.count ?? 0
        let colours = palette?.rgb ?? []
        for row in 0..<image.height {
            let line = image.offset + row * stride + 1
            let y = image.yStart + row * image.yStep
            let step = image.xStep * channels
            var out = (y * header.width + image.xStart) * channels

            /// Stored sample `k` of the scanline, counting every sample of every pixel.
            func sample(_ k: Int) -> UInt16 {
                switch depth {
                case 16: return UInt16(data[line + 2 * k]) << 8 | UInt16(data[line + 2 * k + 1])
                case 8: return UInt16(data[line + k])
                default:
                    let bit = k * depth
                    return UInt16(data[line + bit / 8]) >> (8 - depth - bit % 8) & mask
                }
            }

            switch header.colorType {
            case .gray:
                for i in 0..<image.width {
                    samples[out] = sample(i)
                    out += step
                }
            case .grayAlpha:
                for i in 0..<image.width {
                    samples[out] = sample(2 * i)
                    out += step
                }
            case .rgb, .rgba:
                let stored = header.colorType.storedSamples
                for i in 0..<image.width {
                    samples[out] = sample(stored * i)
                    samples[out + 1] = sample(stored * i + 1)
                    samples[out + 2] = sample(stored * i + 2)
                    out += step
                }
            case .palette:
                for i in 0..<image.width {
                    let index = Int(sample(i))
                    guard index < entries else {
                        throw IndexBeyondPalette(index: index, x: image.xStart + i * image.xStep, y: y, offset: line + i * depth / 8)
                    }
                    samples[out] = UInt16(colours[3 * index])
                    samples[out + 1] = UInt16(colours[3 * index + 1])
                    samples[out + 2] = UInt16(colours[3 * index + 2])
                    out += step
                }
            }
        }
    }
}
