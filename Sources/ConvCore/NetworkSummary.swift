/// A network's shapes, parameters and multiply-accumulates, layer by layer: what
/// `conv-demo count-params --model` prints.
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

    public struct Row: Sendable {
        /// Position in the spec, from 1, `input` not counted.
        public let index: Int
        public let statement: NetworkSpec.Statement
        public let output: Shape
        public let count: ParameterCount
        /// Input pixels (width × height) that can change one output value; nil once every
        /// pixel can (after `flatten`).
        public let receptiveField: Size2D?
        /// For a convolution: the parameters of a fully-connected layer with the same input
        /// and output sizes, which is what weight sharing saves.
        public let fullyConnectedEquivalent: Equivalent?
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
    public let rows: [Row]
    public let totalParameters: Int
    public let totalMACs: Int
    /// Bytes of the parameters as float32.
    public let parameterBytes: Int
    /// Bytes of the activations of one image as float32: the input and every layer's output,
    /// all that a forward pass keeps for the backward pass.
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

        var shape = input
        var field = ReceptiveField()
        var rows: [Row] = []
        var totals = (parameters: 0, macs: 0, activations: 0)
        for statement in statements {
            do throws(ShapeError) {
                let (output, count, equivalent) = try Self.apply(statement.layer, to: shape, field: &field)
                rows.append(Row(index: rows.count + 1, statement: statement, output: output, count: count,
                                receptiveField: field.size, fullyConnectedEquivalent: equivalent))
                totals.parameters = try exactSum("the network's parameters", totals.parameters, count.parameters)
                totals.macs = try exactSum("the network's multiply-accumulates", totals.macs, count.macs)
                totals.activations = try exactSum("the network's activations", totals.activations, try output.elements())
                shape = output
            } catch {
                throw SpecError(line: statement.line, column: statement.column, message: error.message)
            }
        }
        self.rows = rows
        totalParameters = totals.parameters
        totalMACs = totals.macs
        do throws(ShapeError) {
            parameterBytes = try exactProduct("the parameters' bytes", totals.parameters, 4)
            activationBytes = try exactProduct("the activations' bytes", try exactSum("the network's activations", totals.activations, try input.elements()), 4)
        } catch {
            throw SpecError(line: 1, column: 1, message: error.message)
        }
    }

    /// One layer on its input shape: its output shape, its counts and, for a convolution,
    /// its fully-connected equivalent; the receptive field grows as it goes.
    private static func apply(_ layer: NetworkSpec.Layer, to shape: Shape, field: inout ReceptiveField) throws(ShapeError) -> (Shape, ParameterCount, Equivalent?) {
        switch (layer, shape) {
        case (.input, _):
            throw ShapeError("'input' must be the first layer, and come only once")
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
        case (.pooling(_, let kernel, let stride), .image(let size, let channels)):
            let geometry = try ConvGeometry(input: size, kernel: kernel, stride: stride)
            try field.grow(by: geometry)
            return (.image(geometry.output, channels: channels), .zero, nil)
        case (.convolution, .features(let count)), (.pooling, .features(let count)), (.locallyConnected, .features(let count)):
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
        func axis(_ field: Int, _ jump: Int, _ geometry: AxisGeometry) throws(ShapeError) -> (Int, Int) {
            (try exactSum("the receptive field", field, try exactProduct("the receptive field", geometry.span - 1, jump)),
             try exactProduct("the receptive field's step", jump, geometry.stride))
        }
        let (height, heightJump) = try axis(field.height, jump.height, geometry.height)
        let (width, widthJump) = try axis(field.width, jump.width, geometry.width)
        field = Size2D(height: height, width: width)
        jump = Size2D(height: heightJump, width: widthJump)
    }

    mutating func coverEverything() { everything = true }
}
