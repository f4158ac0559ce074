import Foundation

/// A runnable subcommand, built from its parsed arguments.
public protocol Command {
    /// Does the work and prints the result on stdout.
    func run() throws
}

/// What a command line asks for.
public enum Invocation {
    /// Print this help text on stdout and exit 0.
    case help(String)
    /// Run this command, which the words `path` selected.
    case run(any Command, path: [String])
}

/// The options, flags and positional arguments given to one command, as typed.
public struct ParsedArguments: Equatable, Sendable {
    /// The words that selected the command (`["bench", "gemm"]`), for error messages.
    public var command: [String]
    public var values: [String: [String]] = [:]
    public var flags: Set<String> = []
    public var positionals: [String] = []

    public init(command: [String]) {
        self.command = command
    }
}

/// Parses the words after `conv-demo`: finds the command they select, then its options.
/// A pure function of its input: no I/O, no exit; every problem is a thrown usage error.
public func parseCommandLine(_ arguments: [String], root: CommandSpec) throws -> Invocation {
    var words = arguments[...]
    if words.first == "help" {
        words.removeFirst()
        var spec = root
        for word in words {
            guard let subcommand = spec.subcommand(named: word) else {
                throw UsageError("unknown command '\(word)'", command: spec.path)
            }
            spec = subcommand
        }
        return .help(spec.helpText)
    }

    let spec = root.selected(by: arguments)
    words.removeFirst(spec.path.count - root.path.count)
    guard let make = spec.make else {
        if let word = words.first, !isHelpFlag(word) {
            let what = word.hasPrefix("-") ? "option" : "command"
            throw UsageError("unknown \(what) '\(word)'", command: spec.path)
        }
        return .help(spec.helpText)
    }

    var parsed = ParsedArguments(command: spec.path)
    var optionsEnded = false
    while let word = words.popFirst() {
        guard !optionsEnded, word.hasPrefix("-"), word != "-" else {
            parsed.positionals.append(word)
            continue
        }
        if word == "--" {
            optionsEnded = true
            continue
        }
        if isHelpFlag(word) { return .help(spec.helpText) }
        let (name, inlineValue) = splitOption(word)
        guard let option = spec.options.first(where: { $0.name == name }) else {
            throw UsageError("unknown option '\(name)'", command: spec.path)
        }
        guard option.valueName != nil else {
            if inlineValue != nil { throw UsageError("option '\(name)' takes no value", command: spec.path) }
            parsed.flags.insert(name)
            continue
        }
        guard let value = inlineValue ?? words.popFirst() else {
            throw UsageError("missing value for option '\(name)'", command: spec.path)
        }
        parsed.values[name] = option.repeatable ? (parsed.values[name] ?? []) + [value] : [value]
    }

    if parsed.positionals.count > spec.arguments.count, spec.arguments.last?.repeatable != true {
        throw UsageError("unexpected argument '\(parsed.positionals[spec.arguments.count])'", command: spec.path)
    }
    if let missing = spec.arguments.dropFirst(parsed.positionals.count).first(where: { !$0.optional }) {
        throw UsageError("missing argument <\(missing.name)>", command: spec.path)
    }
    if let missing = spec.options.first(where: { $0.required && parsed.values[$0.name] == nil }) {
        throw UsageError("missing option '\(missing.name)'", command: spec.path)
    }
    return .run(try make(parsed), path: spec.path)
}

private func isHelpFlag(_ word: String) -> Bool { word == "-h" || word == "--help" }

/// `--name=value` → ("--name", "value"); `--name` → ("--name", nil).
private func splitOption(_ word: String) -> (String, String?) {
    guard let equals = word.firstIndex(of: "=") else { return (word, nil) }
    return (String(word[..<equals]), String(word[word.index(after: equals)...]))
}

extension CommandSpec {
    public func subcommand(named name: String) -> CommandSpec? {
        subcommands.first { $0.path.last == name }
    }

    /// The command that the leading words of a command line select below this one: the
    /// deepest whose path they spell.
    public func selected(by arguments: [String]) -> CommandSpec {
        var spec = self
        for word in arguments {
            guard let subcommand = spec.subcommand(named: word) else { break }
            spec = subcommand
        }
        return spec
    }

    /// The command the words `path` select below this one.
    public func spec(at path: [String]) -> CommandSpec? {
        path.reduce(self) { spec, word in spec?.subcommand(named: word) }
    }
}

// MARK: - Typed values

extension ParsedArguments {
    public func flag(_ name: String) -> Bool { flags.contains(name) }

    /// The last value given for the option, if any.
    public func string(_ name: String) -> String? { values[name]?.last }

    /// An integer option within `range`, if given.
    public func integer(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        try string(name).map { try parseInteger($0, option: name, in: range) }
    }

    /// A comma-separated list of integers within `range`, if given.
    public func integers(_ name: String, in range: ClosedRange<Int>) throws -> [Int]? {
        guard let text = string(name) else { return nil }
        let items = text.split(separator: ",", omittingEmptySubsequences: false)
        return try items.map { try parseInteger(String($0), option: name, in: range) }
    }

    /// A finite decimal option, if given.
    public func float(_ name: String) throws -> Float? {
        guard let text = string(name) else { return nil }
        guard let value = Float(text), value.isFinite else { throw UsageError("\(name): '\(text)' is not a number", command: command) }
        return value
    }

    /// A finite decimal option above 0, if given.
    public func positiveFloat(_ name: String) throws -> Float? {
        guard let value = try float(name) else { return nil }
        guard value > 0 else { throw UsageError("\(name): '\(string(name)!)' must be above 0", command: command) }
        return value
    }

    /// A value that must be one of `allowed`, if given.
    public func choice(_ name: String, from allowed: [String]) throws -> String? {
        guard let value = string(name) else { return nil }
        guard allowed.contains(value) else {
            throw UsageError("\(name): '\(value)' is not one of \(allowed.joined(separator: ", "))", command: command)
        }
        return value
    }

    /// The usage error of this command, for a value that does not fit.
    public func error(_ message: String) -> UsageError {
        UsageError(message, command: command)
    }

    private func parseInteger(_ text: String, option: String, in range: ClosedRange<Int>) throws -> Int {
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
            throw UsageError("\(option): '\(text)' is not an integer", command: command)
        }
        guard range.contains(value) else {
            let bounds = range.upperBound == .max ? "must be at least \(range.lowerBound)" : "is out of range \(range.lowerBound)…\(range.upperBound)"
            throw UsageError("\(option): \(value) \(bounds)", command: command)
        }
        return value
    }
}
