/// What a command looks like from the outside: its name, what it is for, its options and
/// subcommands. Help text and usage lines are generated from it, in the layout users of
/// swift-argument-parser know (OVERVIEW, USAGE, ARGUMENTS, OPTIONS, SUBCOMMANDS).
struct CommandSpec: Sendable {
    /// The words after `conv-demo` that select this command (empty for the root).
    var path: [String]
    /// One line, shown in the parent's SUBCOMMANDS list and at the top of OVERVIEW.
    var abstract: String
    /// Further paragraphs of OVERVIEW.
    var discussion: String = ""
    var arguments: [ArgumentSpec] = []
    var options: [OptionSpec] = []
    var subcommands: [CommandSpec] = []
    /// Builds the command from parsed arguments; nil for a group that only holds subcommands.
    var make: (@Sendable (ParsedArguments) throws -> any Command)?

    var name: String { (["conv-demo"] + path).joined(separator: " ") }

    var usage: String {
        var words = [name]
        if !subcommands.isEmpty { words.append(make == nil ? "<subcommand>" : "[<subcommand>]") }
        for option in options {
            let word = option.valueName.map { "\(option.name) <\($0)>" } ?? option.name
            words.append(option.required ? word : option.repeatable ? "[\(word) ...]" : "[\(word)]")
        }
        for argument in arguments {
            words.append(argument.optional ? "[<\(argument.name)>]" : "<\(argument.name)>")
        }
        return words.joined(separator: " ")
    }

    var helpText: String {
        var text = "OVERVIEW: \(abstract)\n"
        if !discussion.isEmpty { text += "\n\(discussion)\n" }
        text += "\nUSAGE: \(usage)\n"
        if !arguments.isEmpty {
            text += "\nARGUMENTS:\n" + Self.list(arguments.map { ("<\($0.name)>", $0.help) })
        }
        let optionRows = options.map { option in
            (option.valueName.map { "\(option.name) <\($0)>" } ?? option.name, option.help)
        } + [("-h, --help", "Show help information.")]
        text += "\nOPTIONS:\n" + Self.list(optionRows)
        if !subcommands.isEmpty {
            text += "\nSUBCOMMANDS:\n" + Self.list(subcommands.map { ($0.path.last ?? "", $0.abstract) })
            text += "\n  See '\(path.isEmpty ? "conv-demo help" : "conv-demo help \(path.joined(separator: " "))") <subcommand>' for detailed help.\n"
        }
        return text
    }

    /// Two columns: names padded to a common width, descriptions wrapped under each other.
    private static func list(_ rows: [(String, String)]) -> String {
        let width = max(24, (rows.map(\.0.count).max() ?? 0) + 2)
        return rows.map { name, help in
            let lines = help.split(separator: "\n", omittingEmptySubsequences: false)
            let first = "  " + name.padding(toLength: width, withPad: " ", startingAt: 0) + (lines.first ?? "")
            let rest = lines.dropFirst().map { String(repeating: " ", count: width + 2) + $0 }
            return ([first] + rest).joined(separator: "\n")
        }.joined(separator: "\n") + "\n"
    }
}

/// An option: a flag (`--json`) when `valueName` is nil, else it takes a value
/// (`--threads 2` or `--threads=2`).
struct OptionSpec: Sendable {
    var name: String
    var valueName: String?
    var help: String
    /// May be given several times; every value is kept.
    var repeatable = false
    /// Must be given.
    var required = false
}

/// A positional argument.
struct ArgumentSpec: Sendable {
    var name: String
    var help: String
    var optional = true
}
