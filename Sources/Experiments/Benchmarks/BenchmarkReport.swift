import Reporting

/// Several benchmark suites' results as one report, as `bench` prints them: their texts one
/// after another, and one JSON document holding every suite's members.
public struct BenchmarkReport: Report {
    public let suites: [any Report]

    public init(combining suites: [any Report]) {
        self.suites = suites
    }

    public var text: String { suites.map(\.text).joined(separator: "\n") }

    public var json: JSON {
        .object(suites.flatMap { suite -> [(String, JSON)] in
            if case .object(let members) = suite.json { members } else { [] }
        })
    }
}
