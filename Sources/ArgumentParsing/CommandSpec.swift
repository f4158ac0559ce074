/// What a command looks like from the outside: its name, what it is for, its options and
/// subcommands. Help text and usage lines are generated from it, in the layout users of
/// swift-argument-parser know (OVERVIEW, USAGE, ARGUMENTS, OPTIONS, SUBCOMMANDS).
public struct CommandSpec: Sendable {
    /// The program's name, first in every usage line.
    public var program: String
    /// The words after the program's name that select this command (empty for the root).
    public var path: [String]
    /// One line, shown in the parent's SUBCOMMANDS list and at the top of OVERVIEW.
    public var abstract: String
    /// Further paragraphs of OVERVIEW.
    public var discussion: String
    public var arguments: [ArgumentSpec]
    public var options: [OptionSpec]
    public var subcommands: [CommandSpec]
    /// Builds the command from parsed arguments; nil for a group that only holds subcommands.
    public var make: (@Sendable (ParsedArguments) throws -> any Command)?

    public init(
        program: String, path: [String], abstract: String, discussion: String = "", arguments: [ArgumentSpec] = [],
        options: [OptionSpec] = [], subcommands: [CommandSpec] = [], make: (@Sendable (ParsedArguments) throws -> any Command)? = nil
    ) {
        (self.program, self.path, self.abstract, self.discussion) = (program, path, abstract, discussion)
        (self.arguments, self.options, self.subcommands, self.make) = (arguments, options, subcommands, make)
    }

    public var name: String { ([program] + path).joined(separator: " ") }

    public var usage: String {
        var words = [name]
        if !subcommands.isEmpty { words.append(make == nil ? "<subcommand>" : "[<subcommand>]") }
        for option in options {
            let word = option.valueName.map { "\(option.name) <\($0)>" } ?? option.name
            words.append(option.required ? word : option.repeatable ? "[\(word) ...]" : "[\(word)]")
        }
        for argument in arguments {
            let word = "<\(argument.name)>" + (argument.repeatable ? " ..." : "")
            words.append(argument.optional ? "[\(word)]" : word)
        }
        return words.joined(separator: " ")
    }

    public var helpText: String {
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
            text += "\n  See '\(([program, "help"] + path).joined(separator: " ")) <subcommand>' for detailed help.\n"
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
public struct OptionSpec: Sendable {
    public var name: String
    public var valueName: String?
    public var help: String
    /// May be given several times; every value is kept.
    public var repeatable: Bool
    /// Must be given.
    public var required: Bool

    public init(name: String, valueName: String? = nil, help: String, repeatable: Bool = false, required: Bool = false) {
        (self.name, self.valueName, self.help, self.repeatable, self.required) = (name, valueName, help, repeatable, required)
    }
}

/// A positional argument.
public struct ArgumentSpec: Sendable {
    public var name: String
    public var help: String
    public var optional: Bool
    /// Whether it takes every word left (the last argument only): `IMAGE...`.
    public var repeatable: Bool

    public init(name: String, help: String, optional: Bool = true, repeatable: Bool = false) {
        (self.name, self.help, self.optional, self.repeatable) = (name, help, optional, repeatable)
    }
}
