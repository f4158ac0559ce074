import Foundation
import Testing

/// The recorded behaviour of the command line: for every case of `Tests/Golden/cases.txt`,
/// the built `conv-demo` must print the same stdout and stderr, exit with the same status
/// and write the same files as recorded in `Tests/Golden/expected/NAME.txt`.
///
/// `Tests/Golden/run.sh` runs every case (the slow ones too) on a release build, and
/// records them anew with `--record`; see its header.
///
/// Environment: `CONV_DEMO_BINARY` runs that binary instead of the one beside the tests;
/// `CONV_DEMO_GOLDEN_SLOW=1` includes the cases marked slow; `CONV_DEMO_UPDATE_GOLDEN=1`
/// rewrites the expected files instead of comparing (then review the diff).
struct GoldenTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Golden")
    static let packageRoot = folder.deletingLastPathComponent().deletingLastPathComponent()
    static let environment = ProcessInfo.processInfo.environment

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var arguments: [String]
        var slow: Bool
        var testDescription: String { name }
    }

    static let cases: [Case] = {
        guard let text = try? String(contentsOf: folder.appendingPathComponent("cases.txt"), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line -> Case? in
            guard !line.hasPrefix("#"), let colon = line.firstIndex(of: ":") else { return nil }
            var name = line[..<colon].trimmingCharacters(in: .whitespaces)
            let slow = name.hasPrefix("slow ")
            if slow { name = String(name.dropFirst(5)).trimmingCharacters(in: .whitespaces) }
            return Case(name: name, arguments: shellWords(String(line[line.index(after: colon)...])), slow: slow)
        }
    }()

    static var selected: [Case] {
        environment["CONV_DEMO_GOLDEN_SLOW"] == "1" ? cases : cases.filter { !$0.slow }
    }

    @Test("the cases file is read: names are unique, and there are cases of every kind")
    func casesAreRead() {
        #expect(Self.cases.count > 40)
        #expect(Set(Self.cases.map(\.name)).count == Self.cases.count)
        #expect(Self.cases.contains { $0.slow } && Self.cases.contains { !$0.slow })
    }

    @Test("every --json case that succeeds prints one JSON document on stdout and nothing else", arguments: selected.filter { $0.arguments.contains("--json") })
    func jsonIsOneDocument(_ golden: Case) throws {
        let expected = try String(contentsOf: Self.folder.appendingPathComponent("expected/\(golden.name).txt"), encoding: .utf8)
        guard expected.contains("\nstatus: 0\n") else { return }
        let stdout = expected.components(separatedBy: "--- stdout\n")[1].components(separatedBy: "\n--- stderr")[0]
        #expect(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) is [String: Any], "\(golden.name)")
    }

    @Test("the command line behaves as recorded", arguments: selected)
    func behavesAsRecorded(_ golden: Case) throws {
        let actual = try Self.transcript(golden)
        let url = Self.folder.appendingPathComponent("expected/\(golden.name).txt")
        if Self.environment["CONV_DEMO_UPDATE_GOLDEN"] == "1" {
            try actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(actual == expected, "\(golden.name): differs from Tests/Golden/expected/\(golden.name).txt:\n\(Self.firstDifference(actual, expected))")
    }

    /// Runs the case in a fresh folder and writes down what happened, with the package's
    /// and the folder's paths replaced by `$ROOT` and `$PWD`.
    static func transcript(_ golden: Case) throws -> String {
        let manager = FileManager.default
        let scratch = manager.temporaryDirectory.appendingPathComponent("conv-demo-golden-\(UUID().uuidString)").resolvingSymlinksInPath()
        try manager.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? manager.removeItem(at: scratch) }
        var inputs = ["my.pgm": "Samples/astronaut.pgm", "edges.txt": "Samples/kernels/edges.txt"]
        for name in try manager.contentsOfDirectory(atPath: folder.appendingPathComponent("inputs").path) {
            inputs[name] = "Tests/Golden/inputs/\(name)"
        }
        for (name, source) in inputs {
            try manager.copyItem(at: packageRoot.appendingPathComponent(source), to: scratch.appendingPathComponent(name))
        }
        let binary = environment["CONV_DEMO_BINARY"].map { URL(fileURLWithPath: $0) }
        let result = try runBuiltBinary(golden.arguments, in: scratch, binary: binary)
        let root = packageRoot.resolvingSymlinksInPath().path
        func normalized(_ text: String) -> String {
            text.replacingOccurrences(of: scratch.path, with: "$PWD").replacingOccurrences(of: root, with: "$ROOT")
        }
        var files: [String] = []
        let enumerator = manager.enumerator(at: scratch, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = enumerator?.nextObject() as? URL {
            let path = String(url.resolvingSymlinksInPath().path.dropFirst(scratch.path.count + 1))
            guard inputs[path] == nil, (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            var bytes = try Data(contentsOf: url)
            if let text = String(data: bytes, encoding: .utf8) { bytes = Data(normalized(text).utf8) }
            files.append("\(String(fnv1a(bytes), radix: 16)) \(bytes.count) \(path)")
        }
        return """
            $ conv-demo \(golden.arguments.map(quoted).joined(separator: " "))
            status: \(result.status)
            --- stdout
            \(normalized(result.stdout))
            --- stderr
            \(normalized(result.stderr))
            --- files
            \(files.sorted().joined(separator: "\n"))

            """
    }

    /// The first line where two transcripts differ, for the failure message.
    static func firstDifference(_ actual: String, _ expected: String) -> String {
        let (a, e) = (actual.split(separator: "\n", omittingEmptySubsequences: false), expected.split(separator: "\n", omittingEmptySubsequences: false))
        guard let line = zip(a, e).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset ?? (a.count == e.count ? nil : min(a.count, e.count)) else { return "" }
        func at(_ lines: [Substring]) -> String { line < lines.count ? String(lines[line]) : "(end)" }
        return "line \(line + 1)\n  now:      \(at(a))\n  recorded: \(at(e))"
    }
}

/// Words of a command line as a shell splits them: whitespace separates, and '…' or "…"
/// quote (no escapes: the cases need none).
func shellWords(_ line: String) -> [String] {
    var words: [String] = []
    var word: String?
    var quote: Character?
    for character in line {
        if let open = quote {
            if character == open { quote = nil } else { word!.append(character) }
        } else if character == "'" || character == "\"" {
            quote = character
            word = word ?? ""
        } else if character.isWhitespace {
            if let finished = word { words.append(finished) }
            word = nil
        } else {
            word = (word ?? "") + String(character)
        }
    }
    if let finished = word { words.append(finished) }
    return words
}

/// A word as it would be typed: quoted when it holds a space, a quote or `;`, or is empty.
private func quoted(_ word: String) -> String {
    word.isEmpty || word.contains(where: { " ;'\"".contains($0) }) ? "\"\(word)\"" : word
}

/// FNV-1a, 64 bits: enough to tell whether a written file changed.
private func fnv1a(_ bytes: Data) -> UInt64 {
    bytes.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
}
