/// A network's shapes, parameters and multiply-accumulates, layer by layer and block by
/// block: what `conv-demo count-params --model` and `conv-demo summary` print.
public struct NetworkSummary: Sendable {
    /// What flows between layers: an image, or a flat vector after `flatten`.
    public enum Shape: Equatable, Sendable {
        case image(Size2D, channels: Int)
        case features(Int)

        /// The number of values, exactly.
        public func elements() throws(ShapeError) -> Int {
            switch self {
            case .image(let size, let channels): try exactProduct("the number of values", size.width, size.height, channels)
            case .features(let count): count
            }
        }
    }

    /// A layer, or a block with the totals of the layers inside it. Rows come in the
    /// spec's order, each block before what it holds.
    public struct Row: Sendable {
        /// Position among the rows, from 1, `input` not counted.
        public let index: Int
        /// The full dotted name, the prefix of its tensors' names in a checkpoint:
        /// `layer1.0.conv1`, or `3` in a network of unnamed layers.
        public let name: String
        /// 1 for the network's own layers, one more inside each block.
        public let depth: Int
        public let statement: NetworkSpec.Statement
        public let output: Shape
        /// A block's: the sum of the layers inside it.
        public let count: ParameterCount
        /// Values of batch norms' running mean and variance: buffers, not parameters.
        public let buffers: Int
        /// MACs as torchinfo counts them, the bias included: a convolution's
        /// (weights + biases) · positions, a linear layer's weights + biases, a batch norm's
        /// 2 · channels.
        public let macsWithBias: Int
        /// Values of its output that a forward pass keeps for the backward pass: 0 for a
        /// view of its input (flatten, reshape) or an activation computed in place over it
        /// (the ReLU family, hardswish), and for a block whose layers are counted themselves;
        /// a residual block keeps its sum.
        public let keptValues: Int
        /// Input pixels (width × height) that can change one output value; nil once every
        /// pixel can (after `flatten` or a global pooling).
        public let receptiveField: Size2D?
        /// For a convolution: the parameters of a fully-connected layer with the same input
        /// and output sizes, which is what weight sharing saves.
        public let fullyConnectedEquivalent: Equivalent?
        /// How many rows after this one are inside it: 0 for a layer.
        public let descendants: Int

        public var isBlock: Bool {
            switch statement.layer {
            case .sequential, .residual: true
            default: false
            }
        }
    }

    /// A fully-connected equivalent's size: informational, so a count beyond what an `Int`
    /// holds is shown as such rather than failing the summary of a valid network.
    public enum Equivalent: Equatable, Sendable {
        case parameters(Int)
        case beyond64Bits

        public var parameters: Int? {
            if case .parameters(let count) = self { count } else { nil }
        }
    }

    public let input: Shape
    public let output: Shape
    public let rows: [Row]
    /// The rows that are layers, not blocks.
    public var layers: [Row] { rows.filter { !$0.isBlock } }
    public let totalParameters: Int
    public let totalMACs: Int
    public let totalMACsWithBias: Int
    /// Values of the batch norms' running statistics.
    public let buffers: Int
    /// Bytes of the parameters as float32.
    public let parameterBytes: Int
    /// Values a forward pass of one image keeps for the backward pass, the input not
    /// counted: the sum of the rows' `keptValues`.
    public let keptValues: Int
    /// Bytes of the activations of one image as float32: the input, every layer's output and
    /// each residual block's sum, all that this project's own forward pass keeps (it
    /// computes nothing in place).
    public let activationBytes: Int

    /// - Parameter inputOverride: the input size to use instead of the spec's `input` line;
    ///   a spec without one needs it.
    public init(_ spec: NetworkSpec, input inputOverride: (Size2D, channels: Int)? = nil) throws(SpecError) {
        var statements = spec.statements[...]
        var input: Shape? = inputOverride.map { .image($0.0, channels: $0.channels) }
        if let first = statements.first, case .input(let size, let channels) = first.layer {
            input = input ?? .image(size, channels: channels)
            statements = statements.dropFirst()
        }
        guard let input else {
            throw SpecError(line: 1, column: 1, message: "the network has no input size: start it with a line such as 'input 224x224x3', or give --input")
        }
        self.input = input

        var walk = Walk()
        output = try walk.rows(Array(statements), names: NetworkSpec.names(of: Array(statements)), prefix: "", depth: 1, from: input)
        rows = walk.rows
        let layers = rows.filter { !$0.isBlock }
        do throws(ShapeError) {
            func sum(_ what: String, _ value: (Row) throws(ShapeError) -> Int) throws(ShapeError) -> Int {
                try total(what, of: layers, value)
            }
            totalParameters = try sum("the network's parameters") { $0.count.parameters }
            totalMACs = try sum("the network's multiply-accumulates") { $0.count.macs }
            totalMACsWithBias = try sum("the network's multiply-accumulates") { $0.macsWithBias }
            buffers = try sum("the network's buffers") { $0.buffers }
            keptValues = try total("the network's activations", of: rows) { $0.keptValues }
            parameterBytes = try exactProduct("the parameters' bytes", totalParameters, 4)
            let everyOutput = try total("the network's activations", of: rows) { (row) throws(ShapeError) in
                row.isBlock ? row.keptValues : try row.output.elements()  // A residual block's sum, besides its layers.
            }
            activationBytes = try exactProduct("the activations' bytes", try exactSum("the network's activations", everyOutput, try input.elements()), 4)
        } catch {
            throw SpecError(line: 1, column: 1, message: error.message)
        }
    }

    /// The shape a layer (not a block) makes of its input.
    /// - Throws: `ShapeError` when the layer does not fit its input.
    public static func output(of layer: NetworkSpec.Layer, from shape: Shape) throws(ShapeError) -> Shape {
        var field = ReceptiveField()
        return try apply(layer, to: shape, field: &field).output
    }

    /// Goes through the statements depth first, a row for each, and carries the shape and
    /// the receptive field along.
    private struct Walk {
        var rows: [Row] = []
        var field = ReceptiveField()

        /// Rows for `statements` on `shape`, named `prefix.name`; their output.
        mutating func rows(_ statements: [NetworkSpec.Statement], names: [String], prefix: String, depth: Int, from shape: Shape) throws(SpecError) -> Shape {
            var shape = shape
            for (statement, name) in zip(statements, names) {
                shape = try row(statement, name: NetworkSpec.path(prefix, name), depth: depth, from: shape)
            }
            return shape
        }

        private mutating func row(_ statement: NetworkSpec.Statement, name: String, depth: Int, from shape: Shape) throws(SpecError) -> Shape {
            func located(_ error: ShapeError) -> SpecError { SpecError(line: statement.line, column: statement.column, message: error.message) }
            let first = rows.count
            rows.append(Row(index: 0, name: name, depth: depth, statement: statement, output: shape, count: .zero, buffers: 0, macsWithBias: 0,
                            keptValues: 0, receptiveField: nil, fullyConnectedEquivalent: nil, descendants: 0))  // Filled in below.
            let output: Shape
            var keptValues = 0
            switch statement.layer {
            case .sequential(let inner):
                output = try rows(inner, names: NetworkSpec.names(of: inner), prefix: name, depth: depth + 1, from: shape)
            case .residual(let branch, let shortcut, let after):
                let start = field
                let sum = try rows(branch, names: NetworkSpec.names(of: branch), prefix: name, depth: depth + 1, from: shape)
                let branchField = field
                var other = shape
                if let shortcut {
                    field = start
                    other = try rows(shortcut.statements, names: NetworkSpec.names(of: shortcut.statements),
                                     prefix: NetworkSpec.path(name, shortcut.name), depth: depth + 1, from: shape)
                }
                guard sum == other else {
                    throw located(ShapeError("the branch makes \(sum) but the \(shortcut == nil ? "identity shortcut passes" : "shortcut makes") \(other): the two must agree to be added"
                                             + (shortcut == nil ? " (a shortcut such as 'conv N k=1 s=S' can match them)" : "")))
                }
                field = branchField.union(field)
                do throws(ShapeError) { keptValues = try sum.elements() } catch { throw located(error) }
                output = try rows(after, names: NetworkSpec.names(of: after, from: branch.count), prefix: name, depth: depth + 1, from: sum)
            default:
                do throws(ShapeError) {
                    let (layerOutput, count, equivalent) = try NetworkSummary.apply(statement.layer, to: shape, field: &field)
                    rows[first] = Row(index: first + 1, name: name, depth: depth, statement: statement, output: layerOutput, count: count,
                                      buffers: statement.layer == .batchNorm ? 2 * count.biases : 0,
                                      macsWithBias: try NetworkSummary.macsWithBias(statement.layer, count, layerOutput),
                                      keptValues: statement.layer.keepsNoOutput ? 0 : try layerOutput.elements(),
                                      receptiveField: field.size, fullyConnectedEquivalent: equivalent, descendants: 0)
                    return layerOutput
                } catch {
                    throw located(error)
                }
            }
            let inside = rows[(first + 1)...].filter { !$0.isBlock }
            do throws(ShapeError) {
                func sum(_ what: String, _ value: (Row) -> Int) throws(ShapeError) -> Int {
                    try total(what, of: inside, value)
                }
                let count = try ParameterCount(weights: try sum("the block's weights") { $0.count.weights },
                                               biases: try sum("the block's biases") { $0.count.biases },
                                               macs: try sum("the block's multiply-accumulates") { $0.count.macs })
                rows[first] = Row(index: first + 1, name: name, depth: depth, statement: statement, output: output, count: count,
                                  buffers: try sum("the block's buffers") { $0.buffers },
                                  macsWithBias: try sum("the block's multiply-accumulates") { $0.macsWithBias },
                                  keptValues: keptValues, receptiveField: field.size, fullyConnectedEquivalent: nil,
                                  descendants: rows.count - first - 1)
            } catch {
                throw located(error)
            }
            return output
        }
    }

    /// torchinfo's count: every weight and bias once per output position of a convolution,
    /// once for a linear layer; a batch norm's scale and shift once per image.
    private static func macsWithBias(_ layer: NetworkSpec.Layer, _ count: ParameterCount, _ output: Shape) throws(ShapeError) -> Int {
        switch (layer, output) {
        case (.convolution, .image(let size, _)):
            try exactSum("the multiply-accumulates", count.macs, try exactProduct("the multiply-accumulates", count.biases, size.height, size.width))
        case (.locallyConnected, _), (.fullyConnected, _), (.batchNorm, _):
            try exactSum("the multiply-accumulates", count.macs, count.biases, layer == .batchNorm ? count.weights : 0)
        default:
            count.macs
        }
    }

    /// One layer on its input shape: its output shape, its counts and, for a convolution,
    /// its fully-connected equivalent; the receptive field grows as it goes.
    private static func apply(_ layer: NetworkSpec.Layer, to shape: Shape, field: inout ReceptiveField) throws(ShapeError) -> (output: Shape, ParameterCount, Equivalent?) {
        switch (layer, shape) {
        case (.input, _):
            throw ShapeError("'input' must be the first layer, and come only once")
        case (.sequential, _), (.residual, _):
            throw ShapeError("a block is not a layer")  // The walk takes blocks apart first.
        case (.convolution(let filters, let kernel, let stride, let padding, let dilation, let groups, let bias), .image(let size, let channels)):
            guard channels % groups == 0 else { throw ShapeError("groups \(groups) do not divide the \(channels) input channels") }
            guard filters % groups == 0 else { throw ShapeError("groups \(groups) do not divide the \(filters) output channels") }
            let geometry = try ConvGeometry(input: size, kernel: kernel, stride: stride, padding: padding, dilation: dilation)
            let output = Shape.image(geometry.output, channels: filters)
            try field.grow(by: geometry)
            let count = try ParameterCount.convolution(
                inChannels: channels, outChannels: filters, kernel: kernel, groups: groups, bias: bias, outputPositions: geometry.positions)
            let equivalent = (try? ParameterCount.fullyConnected(inFeatures: try shape.elements(), outFeatures: try output.elements(), bias: bias))
                .map { Equivalent.parameters($0.parameters) } ?? .beyond64Bits
            return (output, count, equivalent)
        case (.locallyConnected(let filters, let kernel, let stride, let padding, let dilation, let bias), .image(let size, let channels)):
            let geometry = try ConvGeometry(input: size, kernel: kernel, stride: stride, padding: padding, dilation: dilation)
            try field.grow(by: geometry)
            let count = try ParameterCount.locallyConnected(
                inChannels: channels, outChannels: filters, kernel: kernel, groups: 1, bias: bias, outputPositions: geometry.positions)
            return (.image(geometry.output, channels: filters), count, nil)
        case (.pooling(_, let kernel, let stride, let padding), .image(let size, let channels)):
            // PyTorch's limit: a window must never lie wholly in the padding.
            guard 2 * padding.height <= kernel.height, 2 * padding.width <= kernel.width else {
                throw ShapeError("pooling padding \(padding) is more than half the window \(kernel)")
            }
            let geometry = try ConvGeometry(input: size, kernel: kernel, stride: stride, padding: .explicit(padding))
            try field.grow(by: geometry)
            return (.image(geometry.output, channels: channels), .zero, nil)
        case (.adaptiveAveragePooling(let size), .image(let inputSize, let channels)):
            // Bins of about input/output pixels each: the field grows to the widest bin, and
            // a 1×1 output sees everything.
            if size == Size2D(1) { field.coverEverything() } else { try field.grow(byBinsOf: inputSize, into: size) }
            return (.image(size, channels: channels), .zero, nil)
        case (.convolution, .features(let count)), (.pooling, .features(let count)), (.locallyConnected, .features(let count)),
             (.adaptiveAveragePooling, .features(let count)):
            throw ShapeError("this layer needs an image (width × height × channels), but its input is \(count) flat features: put it before flatten")
        case (.activation, _), (.dropout, _):
            return (shape, .zero, nil)
        case (.batchNorm, .image(_, let channels)), (.batchNorm, .features(let channels)):
            return (shape, try ParameterCount(weights: channels, biases: channels, macs: 0), nil)
        case (.flatten, _):
            field.coverEverything()
            return (.features(try shape.elements()), .zero, nil)
        case (.fullyConnected(let features, let bias), .features(let count)):
            return (.features(features), try ParameterCount.fullyConnected(inFeatures: count, outFeatures: features, bias: bias), nil)
        case (.reshape(let size, let channels), .features(let count)):
            let maps = Shape.image(size, channels: channels)
            guard try maps.elements() == count else {
                throw ShapeError("reshape \(size)×\(channels) holds \(try maps.elements()) values, but its input has \(count) features")
            }
            return (maps, .zero, nil)
        case (.reshape, .image(let size, let channels)):
            throw ShapeError("reshape turns flat features back into maps, but its input is already the image \(size)×\(channels)")
        case (.fullyConnected, .image(let size, let channels)):
            throw ShapeError("fc needs flat features, but its input is the image \(size)×\(channels): add 'flatten' before it (fc never flattens implicitly)")
        }
    }
}

extension NetworkSummary.Shape: CustomStringConvertible {
    /// "56×56×64" or "1000 features", for messages.
    public var description: String {
        switch self {
        case .image(let size, let channels): "\(size)×\(channels)"
        case .features(let count): "\(count) features"
        }
    }
}

extension NetworkSpec.Layer {
    /// A view of its input (flatten, reshape) or computed in place over it (the ReLU family
    /// and hardswish, as torchvision's networks run them): it keeps no output of its own.
    var keepsNoOutput: Bool {
        switch self {
        case .flatten, .reshape: true
        case .activation(let name): ["relu", "relu6", "leakyrelu", "hardswish"].contains(name)
        default: false
        }
    }
}

/// The receptive field: how many input pixels, per axis, can change one value of the
/// current layer. Each window of span d·(k − 1) + 1 widens it by (span − 1) steps of the
/// current jump, the distance in input pixels between neighbouring values; a stride
/// multiplies the jump. Padding does not change it.
struct ReceptiveField {
    private var field = Size2D(1)
    private var jump = Size2D(1)
    private var everything = false

    var size: Size2D? { everything ? nil : field }

    mutating func grow(by geometry: ConvGeometry) throws(ShapeError) {
        try grow(span: Size2D(height: geometry.height.span, width: geometry.width.span),
                 stride: Size2D(height: geometry.height.stride, width: geometry.width.stride))
    }

    /// Adaptive pooling of `input` into `output` bins: a window as wide as the widest bin
    /// (they overlap where out does not divide n), and a stride of about n / out.
    mutating func grow(byBinsOf input: Size2D, into output: Size2D) throws(ShapeError) {
        try grow(span: Size2D(height: Self.widestBin(input.height, output.height), width: Self.widestBin(input.width, output.width)),
                 stride: Size2D(height: max(1, input.height / output.height), width: max(1, input.width / output.width)))
    }

    /// The widest of adaptive pooling's `out` bins over `n` pixels, without listing them
    /// (out may be huge). With n = q·out + r, bin i spans q + ⌈(a + r) / out⌉ pixels, where
    /// a = i·n mod out runs over the multiples of g = gcd(out, r) below out: so every bin
    /// has q pixels when r = 0, and otherwise q + 1, or q + 2 for some when r > g.
    static func widestBin(_ n: Int, _ out: Int) -> Int {
        let (q, r) = n.quotientAndRemainder(dividingBy: out)
        guard r > 0 else { return q }
        var (a, b) = (out, r)
        while b != 0 { (a, b) = (b, a % b) }
        return r > a ? q + 2 : q + 1
    }

    private mutating func grow(span: Size2D, stride: Size2D) throws(ShapeError) {
        func axis(_ field: Int, _ jump: Int, _ span: Int, _ stride: Int) throws(ShapeError) -> (Int, Int) {
            (try exactSum("the receptive field", field, try exactProduct("the receptive field", span - 1, jump)),
             try exactProduct("the receptive field's step", jump, stride))
        }
        let (height, heightJump) = try axis(field.height, jump.height, span.height, stride.height)
        let (width, widthJump) = try axis(field.width, jump.width, span.width, stride.width)
        field = Size2D(height: height, width: width)
        jump = Size2D(height: heightJump, width: widthJump)
    }

    mutating func coverEverything() { everything = true }

    /// What a sum of two paths from one input sees: the larger field on each axis.
    func union(_ other: ReceptiveField) -> ReceptiveField {
        var union = self
        union.everything = everything || other.everything
        union.field = Size2D(height: max(field.height, other.field.height), width: max(field.width, other.field.width))
        union.jump = Size2D(height: max(jump.height, other.jump.height), width: max(jump.width, other.jump.width))
        return union
    }
}

/// The sum of `value` over `rows`, exactly.
private func total(_ what: String, of rows: some Collection<NetworkSummary.Row>, _ value: (NetworkSummary.Row) throws(ShapeError) -> Int) throws(ShapeError) -> Int {
    var sum = 0
    for row in rows { sum = try exactSum(what, sum, try value(row)) }
    return sum
}
