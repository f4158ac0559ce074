/// A failure the user can fix: a value that does not fit, a file that is malformed, an
/// input that is missing, an output that cannot be written. Its message is one short line
/// naming the culprit (an option, or a file with its line and column); its kind is what
/// sysexits(3) makes of it, the command's exit status.
public struct UserError: Error, Equatable, CustomStringConvertible, Sendable {
    public enum Kind: Sendable {
        /// A value given on the command line does not fit (EX_USAGE, 64).
        case usage
        /// An input file is malformed (EX_DATAERR, 65).
        case badInput
        /// An input is missing or unreadable (EX_NOINPUT, 66).
        case missingInput
        /// An output cannot be created (EX_CANTCREAT, 73).
        case cannotCreate
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
