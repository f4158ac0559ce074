/// The colours of a PLTE chunk (PNG specification, section 11.2.3): 1 to 256 entries of
/// red, green and blue, 8 bits each, whatever the image's bit depth.
///
/// Required for an indexed-colour image, where each pixel is an index into it; allowed,
/// as a suggestion for displays with few colours, in truecolour images, where this reader
/// checks it and leaves it unused; not allowed in greyscale ones. The specification also
/// says an indexed-colour image's palette has at most 2^depth entries; a longer one is
/// accepted here, as libpng accepts it: the extra entries cannot be reached by any index
/// and change no pixel.
struct Palette {
    /// Red, green, blue for each entry: `3 × count` bytes.
    let rgb: [UInt8]

    /// The number of entries.
    var count: Int { rgb.count / 3 }

    /// The palette in `chunk`, whose data must be 3 to 768 bytes, a multiple of 3.
    init(_ chunk: Chunk, in bytes: UnsafeRawBufferPointer) throws(PNGError) {
        let length = chunk.data.count
        guard length % 3 == 0, (3...768).contains(length) else {
            throw PNGError("the PLTE chunk has \(bytesCount(length)) of data: a palette is 1 to 256 entries of 3 bytes", offset: chunk.offset)
        }
        rgb = Array(bytes[chunk.data])
    }
}
