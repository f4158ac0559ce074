import Reporting

/// A benchmark suite's result: its members of the JSON document and its text section.
/// `bench` runs several suites and prints their sections one after another, or one JSON
/// document holding every suite's members.
public struct BenchmarkReport: Report, Sendable {
    public var members: [(String, JSON)]
    public var text: String

    public init(json members: [(String, JSON)], text: String) {
        self.members = members
        self.text = text
    }

    public var json: JSON { .object(members) }

    /// Several suites' reports as one.
    public init(combining reports: [BenchmarkReport]) {
        self.init(json: reports.flatMap(\.members), text: reports.map(\.text).joined(separator: "\n"))
    }
}
