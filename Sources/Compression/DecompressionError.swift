/// Compressed data that is not valid, or that decompresses to more than the caller allows:
/// what is wrong, and at which byte of the input.
///
/// One type for raw deflate, gzip and zlib: the framing layers shift the offsets of the
/// decoder's errors so that `offset` always counts from the start of the bytes the caller
/// passed in.
public struct DecompressionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// One line, no offset: "invalid distance 300 too far back (output so far: 200)".
    public let message: String
    /// Offset from the start of the input of the byte where the problem is: the byte that
    /// holds the first bit of a bad code, or the input's length when the data ends too soon.
    public let offset: Int
    /// When the output was refused for its size: the caller's `maximumOutputBytes`, so that
    /// a caller can tell a too-small limit from corrupt data.
    public let outputLimit: Int?

    public init(_ message: String, offset: Int, outputLimit: Int? = nil) {
        self.message = message
        self.offset = offset
        self.outputLimit = outputLimit
    }

    /// "byte 1234: invalid distance 300 too far back (output so far: 200)"
    public var description: String { "byte \(offset): \(message)" }

}
