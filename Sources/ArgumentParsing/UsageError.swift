/// A command line that is wrong: an unknown command or option, a missing or malformed
/// value. The message is one short line naming the culprit; `command` is the command whose
/// usage line should follow it.
public struct UsageError: Error, Equatable, CustomStringConvertible, Sendable {
    public let message: String
    /// The words that select the command (empty for the program itself).
    public let command: [String]

    public init(_ message: String, command: [String]) {
        self.message = message
        self.command = command
    }

    public var description: String { message }
}
