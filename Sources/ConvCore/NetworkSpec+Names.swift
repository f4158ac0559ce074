extension NetworkSpec {
    /// The names of neighbouring statements: each the one written, or else its position
    /// among them counted from `first`, as `nn.Sequential` numbers its modules. A layer's
    /// full name joins its blocks' names with dots (`layer1.0.conv1`); a residual block's
    /// branch and `then` layers are numbered on from one another, and its shortcut's
    /// layers go under the shortcut's name (`layer2.0.downsample.0`).
    public static func names(of statements: [Statement], from first: Int = 0) -> [String] {
        statements.enumerated().map { $1.name ?? String(first + $0) }
    }

    /// `prefix.name`, or `name` at the top.
    public static func path(_ prefix: String, _ name: String) -> String {
        prefix.isEmpty ? name : prefix + "." + name
    }

    /// Refuses two neighbours of one name, which would give two tensors one name.
    static func checkNames(_ statements: [Statement]) throws(SpecError) {
        try checkScope(zip(names(of: statements), statements).map { ($0, $1) })
        for statement in statements {
            switch statement.layer {
            case .sequential(let inner):
                try checkNames(inner)
            case .residual(let branch, let shortcut, let after):
                var scope = zip(names(of: branch), branch).map { ($0, $1) } + zip(names(of: after, from: branch.count), after).map { ($0, $1) }
                if let shortcut, let first = shortcut.statements.first {
                    // The shortcut's name stands where its first layer does.
                    scope.append((shortcut.name, Statement(layer: .flatten, name: shortcut.name, line: first.line, column: first.column)))
                    try checkNames(shortcut.statements)
                }
                try checkScope(scope)
                for part in [branch, after] { try checkNamesInside(part) }
            default:
                break
            }
        }
    }

    /// The blocks among `statements` checked inside, their own names already checked.
    private static func checkNamesInside(_ statements: [Statement]) throws(SpecError) {
        for statement in statements {
            switch statement.layer {
            case .sequential, .residual: try checkNames([statement])
            default: break
            }
        }
    }

    private static func checkScope(_ scope: [(String, Statement)]) throws(SpecError) {
        var seen: [String: Statement] = [:]
        for (name, statement) in scope {
            if let earlier = seen[name] {
                let (first, second) = earlier.line < statement.line || (earlier.line == statement.line && earlier.column < statement.column)
                    ? (earlier, statement) : (statement, earlier)
                throw SpecError(line: second.line, column: second.column,
                                message: "the name '\(name)' is already used at line \(first.line) in the same block (neighbours need names of their own)")
            }
            seen[name] = statement
        }
    }
}

extension NetworkSpec.Layer {
    var isInput: Bool {
        if case .input = self { true } else { false }
    }
}
