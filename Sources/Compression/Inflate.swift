/// Raw DEFLATE (RFC 1951) decompression: a stream of stored, fixed-Huffman and
/// dynamic-Huffman blocks with no header or checksum around it, as inside gzip, zlib, zip
/// and PNG.
///
/// Accepts exactly what zlib's `inflate` accepts, and refuses the rest with a thrown
/// `DecompressionError`, never a trap: block type 3, a stored block whose LEN and NLEN
/// disagree, more than 286 literal/length or 30 distance codes, code lengths that are
/// over-subscribed or incomplete (except a code of one symbol, or none, for distances and
/// literal/lengths, which zlib allows), a repeat code with nothing to repeat or repeating
/// past the end, a missing end-of-block code, the unused codes 286, 287 and 30, 31, a
/// distance before the start of the output, the end of the input before the final block
/// ends, and output beyond the caller's limit.
public enum Inflate {
    /// The bytes that the raw deflate stream `bytes` decodes to.
    ///
    /// - Parameters:
    ///   - bytes: one deflate stream, exactly: bytes after the end of its final block are an
    ///     error (the bits after the final block's end-of-block code, in its last byte, are
    ///     padding and ignored).
    ///   - maximumOutputBytes: the most bytes the output may have; more is an error thrown
    ///     before they are allocated (a decompression bomb's defence).
    public static func decompress(raw bytes: some Collection<UInt8>, maximumOutputBytes: Int) throws(DecompressionError) -> [UInt8] {
        try withContiguousBytes(bytes) { inflate($0, limit: maximumOutputBytes) }.get()
    }

    /// The bytes that the raw deflate stream in `bytes` decodes to; see the other overload.
    public static func decompress(raw bytes: UnsafeRawBufferPointer, maximumOutputBytes: Int) throws(DecompressionError) -> [UInt8] {
        try inflate(bytes, limit: maximumOutputBytes).get()
    }

    private static func inflate(_ bytes: UnsafeRawBufferPointer, limit: Int) -> Result<[UInt8], DecompressionError> {
        var inflater = Inflater(input: bytes, output: OutputBuffer(expected: expectedSize(compressed: bytes.count), limit: limit))
        do {
            try inflater.inflateStream(at: 0)
        } catch {
            return .failure(error)
        }
        let end = inflater.position
        guard end == bytes.count else {
            return .failure(DecompressionError("\(bytes.count - end) bytes after the end of the deflate stream", offset: end))
        }
        return .success(inflater.finish())
    }

    /// A first guess at the output size, for the first allocation: deflate's typical ratio.
    static func expectedSize(compressed: Int) -> Int {
        compressed.multipliedReportingOverflow(by: 4).overflow ? Int.max : compressed * 4
    }
}

/// Calls `body` with the bytes of `bytes` in contiguous memory, copying them only when the
/// collection does not store them so.
func withContiguousBytes<R>(_ bytes: some Collection<UInt8>, _ body: (UnsafeRawBufferPointer) -> R) -> R {
    if let result = bytes.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) { return result }
    return Array(bytes).withUnsafeBytes(body)
}
