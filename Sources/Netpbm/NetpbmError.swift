/// A file that is not a valid Netpbm image, or one this reader refuses to hold: what is
/// wrong and where, as a byte offset (and a line, for text).
public struct NetpbmError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    /// Offset from the start of the file of the byte where the problem is.
    public let offset: Int
    /// The line (from 1) of that byte, counting LF and CR line ends.
    public let line: Int
    /// When the image was refused for its size: the width and height its header claims,
    /// so that a caller that lowered the limit (to stay within its memory) can say why.
    public let claimedSize: ClaimedSize?

    public struct ClaimedSize: Equatable, Sendable {
        public let width: Int
        public let height: Int
        /// width × height, or nil when that overflows.
        public var pixels: Int? {
            let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
            return overflow ? nil : pixels
        }
    }

    public init(_ message: String, offset: Int, line: Int, claimedSize: (width: Int, height: Int)? = nil) {
        self.message = message
        self.offset = offset
        self.line = line
        self.claimedSize = claimedSize.map { ClaimedSize(width: $0.width, height: $0.height) }
    }

    /// "byte 17 (line 3): maxval 0 is out of range 1…65535"
    public var description: String { "byte \(offset) (line \(line)): \(message)" }
}
