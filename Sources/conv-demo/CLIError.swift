/// A failure the user caused or must fix, with its exit status from sysexits(3).
struct CLIError: Error, Equatable {
    enum Status: Int32 {
        /// EX_USAGE: the command line is wrong.
        case usage = 64
        /// EX_DATAERR: an input file or spec is malformed.
        case dataError = 65
        /// EX_NOINPUT: an input is missing or unreadable.
        case noInput = 66
        /// EX_CANTCREAT: an output cannot be created.
        case cannotCreate = 73
    }

    var status: Status
    /// One line that names the culprit; printed after `error: `.
    var message: String
    /// For usage errors: the command whose usage line and help pointer follow the message.
    var command: [String]?

    static func usage(_ message: String, command: [String] = []) -> CLIError {
        CLIError(status: .usage, message: message, command: command)
    }
}
