import Foundation
import Testing

/// The transcripts in the documentation stay true: every `$ conv-demo …` and
/// `$ swift run -c release conv-demo …` line inside a code block of `README.md` and
/// `docs/*.md` is run, and what it prints must be the lines that follow it (standard
/// output, or standard error when it fails), up to the next `$` line or the end of the
/// block. A line `...` stands for any number of lines left out.
///
/// Each runs in a scratch folder holding `Samples/` (a link to the package's) and the
/// files of `docs/examples/`. Benchmarks and training (whose output holds timings) and
/// lines with a pipe or redirection are not run; the long experiments (init-stats, stability,
/// weight-decay) run with `CONV_DEMO_GOLDEN_SLOW=1`, as `Tests/Golden/run.sh` sets.
struct TranscriptTests {
    struct Transcript: CustomTestStringConvertible, Sendable {
        var file: String
        var line: Int
        var arguments: [String]
        var expected: [String]
        var slow: Bool
        var testDescription: String { "\(file):\(line) \(arguments.prefix(3).joined(separator: " "))" }
    }

    static let root = GoldenTests.packageRoot
    static let prompts = ["$ swift run -c release conv-demo", "$ conv-demo"]
    static let slowCommands: Set<String> = ["init-stats", "stability", "weight-decay"]
    /// Commands whose output holds timings, which no transcript can repeat.
    static let timed: Set<String> = ["bench", "train", "sharing"]

    static let all: [Transcript] = {
        let docs = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("docs").path)) ?? []
        let files = ["README.md"] + docs.filter { $0.hasSuffix(".md") }.sorted().map { "docs/\($0)" }
        return files.flatMap { file -> [Transcript] in
            guard let text = try? String(contentsOf: root.appendingPathComponent(file), encoding: .utf8) else { return [] }
            return transcripts(in: text, file: file)
        }
    }()

    static func transcripts(in text: String, file: String) -> [Transcript] {
        var found: [Transcript] = []
        var inBlock = false
        var current: Transcript?
        func close() {
            if let transcript = current { found.append(transcript) }
            current = nil
        }
        for (index, line) in text.components(separatedBy: "\n").enumerated() {
            if line.hasPrefix("```") {
                close()
                inBlock.toggle()
                continue
            }
            guard inBlock else { continue }
            if line.hasPrefix("$ ") {
                close()
                guard let prompt = prompts.first(where: { line == $0 || line.hasPrefix($0 + " ") }),
                      !line.contains(where: { "|<>&".contains($0) }) else { continue }
                let arguments = shellWords(String(line.dropFirst(prompt.count)))
                guard !Self.timed.contains(arguments.first ?? "") else { continue }
                current = Transcript(file: file, line: index + 1, arguments: arguments, expected: [],
                                     slow: slowCommands.contains(arguments.first ?? ""))
            } else {
                current?.expected.append(line)
            }
        }
        return found
    }

    static var selected: [Transcript] {
        ProcessInfo.processInfo.environment["CONV_DEMO_GOLDEN_SLOW"] == "1" ? all : all.filter { !$0.slow }
    }

    @Test("the documentation holds transcripts, and the fast ones are among them")
    func found() {
        #expect(Self.all.count >= 20)
        #expect(Self.all.contains { !$0.slow } && Self.all.contains { $0.slow })
    }

    @Test("a transcript prints what the documentation shows", arguments: selected)
    func matches(_ transcript: Transcript) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("conv-demo-transcript-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("Samples"), withDestinationURL: Self.root.appendingPathComponent("Samples"))
        let examples = Self.root.appendingPathComponent("docs/examples")
        for name in try FileManager.default.contentsOfDirectory(atPath: examples.path) where name != "README.md" {
            try FileManager.default.copyItem(at: examples.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        let result = try runBuiltBinary(transcript.arguments, in: folder, binary: GoldenTests.environment["CONV_DEMO_BINARY"].map(URL.init(fileURLWithPath:)))
        let actual = Self.withoutTrailingBlankLines((result.status == 0 ? result.stdout : result.stderr).components(separatedBy: "\n"))
        let expected = Self.withoutTrailingBlankLines(transcript.expected)
        #expect(Self.matches(actual, expected),
                "\(transcript.file):\(transcript.line): the command now prints\n\(actual.joined(separator: "\n"))")
    }

    /// The lines, each without trailing whitespace, and without blank lines at the end.
    static func withoutTrailingBlankLines(_ lines: [String]) -> [String] {
        var lines = lines.map { line in
            var line = Substring(line)
            while line.last?.isWhitespace == true { line = line.dropLast() }
            return String(line)
        }
        while lines.last == "" { lines.removeLast() }
        return lines
    }

    /// Whether `actual` is `expected`, each `...` line of which matches any run of lines.
    static func matches(_ actual: [String], _ expected: [String]) -> Bool {
        guard let cut = expected.firstIndex(of: "...") else { return actual == expected }
        guard actual.count >= cut, Array(actual[..<cut]) == Array(expected[..<cut]) else { return false }
        let rest = Array(expected[(cut + 1)...])
        return (cut...actual.count).contains { start in matches(Array(actual[start...]), rest) }
    }
}
