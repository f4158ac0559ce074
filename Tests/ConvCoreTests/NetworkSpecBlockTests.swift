import Testing

@testable import ConvCore

/// The block language: residual, sequential and repeat, names, and their mistakes.
struct NetworkSpecBlockTests {
    @Test("a residual block with a shortcut and 'then', nested in a named sequential, on lines and with ';'")
    func residualBlock() throws {
        let spec = try NetworkSpec(parsing: """
            input 8x8x4
            stage: sequential
              block: residual
                conv1: conv 8 k=3 s=2 p=1; relu
              down: shortcut
                conv 8 k=1 s=2
              then
                relu
              end
            end
            residual; conv 8 k=3 p=1; end
            """)
        let layers = spec.statements.map(\.layer)
        #expect(layers.count == 3)
        guard case .sequential(let stage) = layers[1], case .residual(let branch, let shortcut, let after) = stage[0].layer else {
            Issue.record("expected a sequential holding a residual block, got \(layers[1])")
            return
        }
        #expect(spec.statements[1].name == "stage" && stage[0].name == "block")
        #expect(branch.map(\.name) == ["conv1", nil])
        #expect(branch[0].layer == .convolution(filters: 8, kernel: Size2D(3), stride: Size2D(2), padding: .explicit(Size2D(1)),
                                                 dilation: Size2D(1), groups: 1, bias: true))
        #expect(shortcut?.name == "down" && shortcut?.statements.count == 1 && shortcut?.statements[0].line == 6)
        #expect(after.map(\.layer) == [.activation("relu")])
        guard case .residual(let inline, nil, let none) = layers[2] else { Issue.record("expected the one-line residual block"); return }
        #expect(inline.count == 1 && none.isEmpty && spec.statements[2].line == 11)
    }

    @Test("repeat: unnamed, its copies join the block around it and are numbered on; named, it is a group of them")
    func repeats() throws {
        let spec = try NetworkSpec(parsing: "input 4x4x1; conv 2 k=1; repeat 3; relu; conv 2 k=1; end; twice: repeat 2; residual; conv 2 k=1; end; end")
        #expect(spec.statements.count == 1 + 1 + 6 + 1)
        #expect(NetworkSpec.names(of: Array(spec.statements.dropFirst())) == ["0", "1", "2", "3", "4", "5", "6", "twice"])
        guard case .sequential(let copies) = spec.statements.last!.layer else { Issue.record("a named repeat is a sequential"); return }
        #expect(copies.count == 2 && NetworkSpec.names(of: copies) == ["0", "1"])
    }

    @Test("names: 'name:' alone or joined to the keyword, dotted, and unnamed layers by position")
    func names() throws {
        let spec = try NetworkSpec(parsing: "input 4x4x1\nconv1:conv 2 k=1\nlayer1.0: relu\nflatten")
        #expect(spec.statements.map(\.name) == [nil, "conv1", "layer1.0", nil])
        #expect(spec.statements[1].column == 1)  // where the statement starts: its name
        #expect(NetworkSpec.names(of: Array(spec.statements.dropFirst())) == ["conv1", "layer1.0", "2"])
        #expect(NetworkSpec.path("", "fc") == "fc" && NetworkSpec.path("layer1.0", "conv1") == "layer1.0.conv1")
    }

    @Test("every block mistake names its line and column", arguments: [
        ("input 4x4x1\nresidual\n  relu", 2, 1, "residual is never closed: end it with 'end'"),
        ("input 4x4x1\nrelu\nend", 3, 1, "'end' closes no block: there is no residual, sequential or repeat open"),
        ("input 4x4x1\nshortcut", 2, 1, "'shortcut' belongs inside a residual block, after its branch"),
        ("input 4x4x1\nsequential; then; end", 2, 13, "'then' belongs inside a residual block, before the layers applied to its sum"),
        ("input 4x4x1\nresidual; shortcut; relu; end", 2, 1, "residual needs at least one layer inside"),
        ("input 4x4x1\nresidual; relu; shortcut; end", 2, 17, "shortcut needs at least one layer (leave it out for the identity)"),
        ("input 4x4x1\nresidual; relu; then; end", 2, 17, "then needs at least one layer (leave it out when nothing follows the sum)"),
        ("input 4x4x1\nresidual; relu; then; relu; shortcut; relu; end", 2, 29, "a residual block has one shortcut, before 'then'"),
        ("input 4x4x1\nresidual; relu; shortcut; relu; shortcut; relu; end", 2, 33, "a residual block has one shortcut, before 'then'"),
        ("input 4x4x1\nsequential\nend", 2, 1, "sequential needs at least one layer inside"),
        ("input 4x4x1\nrepeat; relu; end", 2, 1, "repeat needs how many times, such as 'repeat 3' after it"),
        ("input 4x4x1\nrepeat 0; relu; end", 2, 8, "expected how many times, such as 'repeat 3', a whole number ≥ 1, got '0'"),
        ("input 4x4x1\nrepeat 2\n  a: relu\nend", 3, 3, "a repeated layer cannot be named: its 2 copies would share 'a' (name the repeat instead)"),
        ("input 4x4x1\nx: relu\nx: tanh", 3, 1, "the name 'x' is already used at line 2 in the same block (neighbours need names of their own)"),
        ("input 4x4x1\n1: relu\nrelu", 3, 1, "the name '1' is already used at line 2 in the same block (neighbours need names of their own)"),
        ("input 4x4x1\nresidual\n  relu\nshortcut: shortcut\n  relu\nthen\n  shortcut: relu\nend", 7, 3,
         "the name 'shortcut' is already used at line 5 in the same block (neighbours need names of their own)"),
        ("input 4x4x1\nbad-name: relu", 2, 1, "expected a name such as 'conv1:' or 'layer1.0:' (letters, digits, _ and dots), got 'bad-name:'"),
        ("input 4x4x1\na..b: relu", 2, 1, "expected a name such as 'conv1:' or 'layer1.0:' (letters, digits, _ and dots), got 'a..b:'"),
        ("input 4x4x1\nlonely:", 2, 1, "the name 'lonely' needs a layer after it"),
        ("input 4x4x1\nx: end", 2, 4, "'end' cannot be named"),
        ("input 4x4x1\nrepeat 1000\nrepeat 1000\nrelu\nend\nend", 2, 1, "repeat 1000 of 1000 layers would make more than 100000"),
        ("input 4x4x1\nsequential extra\nrelu\nend", 2, 12, "unexpected 'extra' after sequential"),
    ])
    func errors(text: String, line: Int, column: Int, message: String) {
        #expect(throws: SpecError(line: line, column: column, message: message)) { try NetworkSpec(parsing: text) }
    }

    @Test("repeats nested to billions of layers are refused before any copy is made")
    func nestedRepeatsAreBounded() {
        let text = "input 4x4x1\n" + String(repeating: "repeat 1000\n", count: 5) + "relu\n" + String(repeating: "end\n", count: 5)
        #expect(throws: SpecError.self) { try NetworkSpec(parsing: text) }
    }
}
