/// A file that is not a valid Netpbm image, or one this reader refuses to hold: what is
/// wrong and where, as a byte offset (and a line, for text).
public struct NetpbmError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    /// Offset from the start of the file of the byte where the problem is.
    public let offset: Int
    /// The line (from 1) of that byte, counting LF and CR line ends.
    public let line: Int

    public init(_ message: String, offset: Int, line: Int) {
        self.message = message
        self.offset = offset
        self.line = line
    }

    /// "byte 17 (line 3): maxval 0 is out of range 1…65535"
    public var description: String { "byte \(offset) (line \(line)): \(message)" }
}
