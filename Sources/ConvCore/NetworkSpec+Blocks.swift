extension NetworkSpec {
    /// Reads statements one at a time into the blocks open at that point: a stack whose
    /// bottom is the whole network and whose top receives the next layer. `residual`,
    /// `sequential` and `repeat` open a block, `shortcut` and `then` move a residual block
    /// to its next part, `end` closes the innermost block and hands it to the one around it.
    struct Parser {
        private var stack = [Block(kind: .network, name: nil, keyword: Word(text: "", line: 1, column: 1), start: Word(text: "", line: 1, column: 1))]

        /// An open block and what it has received so far.
        private struct Block {
            enum Kind { case network, sequential, residual, repeated(Int) }
            enum Part { case branch, shortcut, after }

            let kind: Kind
            let name: String?
            let keyword: Word
            /// The statement's first word: its name, or else its keyword.
            let start: Word
            var branch: [Statement] = []
            var shortcut: (name: String, keyword: Word, statements: [Statement])?
            var after: (keyword: Word, statements: [Statement])?
            var part = Part.branch
            /// The layers (not blocks) inside, with repeats counted out.
            var layers = 0

            mutating func append(_ statement: Statement) {
                switch part {
                case .branch: branch.append(statement)
                case .shortcut: shortcut!.statements.append(statement)
                case .after: after!.statements.append(statement)
                }
            }
        }

        mutating func take(_ allWords: [Word]) throws(SpecError) {
            var words = allWords[...]
            let name = try Self.name(&words)
            let keyword = words.first!
            let start = allWords[0]  // Where the statement is written: its name, or else its keyword.
            var arguments = Arguments(keyword: keyword, words: Array(words.dropFirst()))
            switch keyword.text.lowercased() {
            case "residual", "sequential":
                try arguments.finish()
                stack.append(Block(kind: keyword.text.lowercased() == "residual" ? .residual : .sequential, name: name, keyword: keyword, start: start))
            case "repeat":
                let count = try arguments.positionalInteger("how many times, such as 'repeat 3'")
                try arguments.finish()
                stack.append(Block(kind: .repeated(count), name: name, keyword: keyword, start: start))
            case "shortcut":
                try arguments.finish()
                guard case .residual = stack.last!.kind else { throw keyword.error("'shortcut' belongs inside a residual block, after its branch") }
                guard stack.last!.part == .branch else { throw keyword.error("a residual block has one shortcut, before 'then'") }
                try Self.refuseEmpty(stack.last!)
                stack[stack.count - 1].shortcut = (name ?? Shortcut.defaultName, keyword, [])
                stack[stack.count - 1].part = .shortcut
            case "then":
                try Self.refuseName(name, keyword)
                try arguments.finish()
                guard case .residual = stack.last!.kind else { throw keyword.error("'then' belongs inside a residual block, before the layers applied to its sum") }
                guard stack.last!.part != .after else { throw keyword.error("a residual block has one 'then'") }
                try Self.refuseEmpty(stack.last!)
                stack[stack.count - 1].after = (keyword, [])
                stack[stack.count - 1].part = .after
            case "end":
                try Self.refuseName(name, keyword)
                try arguments.finish()
                guard stack.count > 1 else { throw keyword.error("'end' closes no block: there is no residual, sequential or repeat open") }
                let block = stack.removeLast()
                try Self.refuseEmpty(block)
                let (statements, layers) = try Self.close(block)
                for statement in statements { stack[stack.count - 1].append(statement) }
                try add(layers, at: block.keyword)
            default:
                stack[stack.count - 1].append(try NetworkSpec.layer(Array(words), name: name, at: start))
                try add(1, at: keyword)
            }
        }

        /// The network's statements, once every block is closed.
        func finish() throws(SpecError) -> [Statement] {
            if stack.count > 1, let open = stack.last {
                throw open.keyword.error("\(open.keyword.text.lowercased()) is never closed: end it with 'end'")
            }
            return stack[0].branch
        }

        /// Counts `layers` more in the innermost open block.
        private mutating func add(_ layers: Int, at word: Word) throws(SpecError) {
            stack[stack.count - 1].layers += layers
            guard stack[stack.count - 1].layers <= NetworkSpec.maximumLayers else {
                throw word.error("the network would have more than \(NetworkSpec.maximumLayers) layers")
            }
        }

        /// What a closed block becomes in the block around it, and how many layers that is.
        private static func close(_ block: Block) throws(SpecError) -> ([Statement], layers: Int) {
            let (line, column) = (block.start.line, block.start.column)
            switch block.kind {
            case .network:
                return (block.branch, block.layers)
            case .sequential:
                return ([Statement(layer: .sequential(block.branch), name: block.name, line: line, column: column)], block.layers)
            case .residual:
                let shortcut = block.shortcut.map { Shortcut(name: $0.name, statements: $0.statements) }
                let layer = Layer.residual(branch: block.branch, shortcut: shortcut, after: block.after?.statements ?? [])
                return ([Statement(layer: layer, name: block.name, line: line, column: column)], block.layers)
            case .repeated(let count):
                guard block.layers <= NetworkSpec.maximumLayers / count else {
                    throw block.keyword.error("repeat \(count) of \(block.layers) layers would make more than \(NetworkSpec.maximumLayers)")
                }
                if count > 1, let named = block.branch.first(where: { $0.name != nil }) {
                    throw SpecError(line: named.line, column: named.column,
                                    message: "a repeated layer cannot be named: its \(count) copies would share '\(named.name!)' (name the repeat instead)")
                }
                let copies = Array(repeatElement(block.branch, count: count).joined())
                guard let name = block.name else { return (copies, block.layers * count) }
                return ([Statement(layer: .sequential(copies), name: name, line: line, column: column)], block.layers * count)
            }
        }

        /// A block, or the part of a residual block just finished, must hold a layer.
        private static func refuseEmpty(_ block: Block) throws(SpecError) {
            switch block.part {
            case .branch where block.branch.isEmpty:
                throw block.keyword.error("\(block.keyword.text.lowercased()) needs at least one layer inside")
            case .shortcut where block.shortcut!.statements.isEmpty:
                throw block.shortcut!.keyword.error("shortcut needs at least one layer (leave it out for the identity)")
            case .after where block.after!.statements.isEmpty:
                throw block.after!.keyword.error("then needs at least one layer (leave it out when nothing follows the sum)")
            default:
                break
            }
        }

        private static func refuseName(_ name: String?, _ keyword: Word) throws(SpecError) {
            if name != nil { throw keyword.error("'\(keyword.text)' cannot be named") }
        }

        /// Takes a leading `name:` off the words (`conv1:` alone, or `conv1:conv`), checked:
        /// letters, digits and `_`, in parts joined by single dots.
        private static func name(_ words: inout ArraySlice<Word>) throws(SpecError) -> String? {
            let first = words.first!
            guard let colon = first.text.firstIndex(of: ":") else { return nil }
            let name = String(first.text[..<colon])
            let parts = name.split(separator: ".", omittingEmptySubsequences: false)
            guard !name.isEmpty, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } }) else {
                throw first.error("expected a name such as 'conv1:' or 'layer1.0:' (letters, digits, _ and dots), got '\(first.text)'")
            }
            let rest = String(first.text[first.text.index(after: colon)...])
            words = words.dropFirst()
            if !rest.isEmpty {
                words.insert(Word(text: rest, line: first.line, column: first.column + name.count + 1), at: words.startIndex)
            }
            guard !words.isEmpty else { throw first.error("the name '\(name)' needs a layer after it") }
            return name
        }
    }
}
