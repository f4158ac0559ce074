/// A plain-text table: a header, a rule, rows; each column padded to its widest cell,
/// numbers right-aligned so their digits line up.
public struct TextTable: Sendable {
    public enum Alignment: Sendable { case left, right }

    public var columns: [(title: String, alignment: Alignment)]
    public var rows: [[String]] = []

    public init(_ columns: [(String, Alignment)]) {
        self.columns = columns.map { (title: $0.0, alignment: $0.1) }
    }

    public mutating func append(_ row: [String]) { rows.append(row) }

    public func rendered(indent: String = "  ") -> String {
        let widths = columns.indices.map { column in
            ([columns[column].title] + rows.map { $0[column] }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            let padded = cells.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return columns[column].alignment == .left ? cell + padding : padding + cell
            }
            return indent + padded.joined(separator: "  ").replacingTrailingSpaces()
        }
        let rule = indent + widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ")
        return ([line(columns.map(\.title)), rule] + rows.map(line)).joined(separator: "\n") + "\n"
    }
}

private extension String {
    func replacingTrailingSpaces() -> String {
        String(self[..<(lastIndex(where: { $0 != " " }).map(index(after:)) ?? startIndex)])
    }
}
