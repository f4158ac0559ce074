import ConvCore
import SeededRandom

extension Sequential {
    /// The trainable network a spec describes, made as PyTorch makes the modules of the
    /// same layers: one module per layer line after `input`, in order, named as the spec
    /// names them (`NetworkSpec+Names.swift`), so that a network of unnamed layers is an
    /// `nn.Sequential` (state-dict names `0.weight`, `3.bias`, …) and a named one has the
    /// names the spec gives (`layer1.0.conv1.weight`). A `sequential` block becomes a nested
    /// `Sequential`, a `residual` block a `Residual`.
    ///
    /// Weights are drawn by `weights` (PyTorch's default, `kaiming_uniform_(a=√5)`, unless
    /// told otherwise), biases always as PyTorch's layers draw them, U(±1/√fan_in); batch
    /// norm starts at scale 1, shift 0; dropout draws its masks from its own seed. All from
    /// `seed`, layer by layer in the spec's order, so the same seed gives the same network.
    ///
    /// The network's output is its logits: training fuses log-softmax into the
    /// cross-entropy, so a `softmax` layer is refused here, with the reason.
    /// - Throws: `SpecError` at the layer that cannot be made.
    public init(_ spec: NetworkSpec, input: (Size2D, channels: Int)? = nil, weights: Initializer = .frameworkDefault, seed: UInt64) throws(SpecError) {
        let summary = try NetworkSummary(spec, input: input)  // Every shape checked, with its place.
        var statements = spec.statements[...]
        if case .input? = statements.first?.layer { statements = statements.dropFirst() }
        var builder = Builder(weights: weights, random: SeededGenerator(seed: seed))
        self = try builder.network(Array(statements), names: NetworkSpec.names(of: Array(statements)), from: summary.input).network
    }
}

/// Makes the modules of a spec's statements, drawing their weights in order.
private struct Builder {
    let weights: Initializer
    var random: SeededGenerator

    typealias Shape = NetworkSummary.Shape

    mutating func network(_ statements: [NetworkSpec.Statement], names: [String], from shape: Shape) throws(SpecError) -> (network: Sequential, output: Shape) {
        var shape = shape
        var modules: [any Module] = []
        for statement in statements {
            let (module, output) = try self.module(statement, from: shape)
            modules.append(module)
            shape = output
        }
        return (Sequential(modules, names: names), shape)
    }

    private mutating func module(_ statement: NetworkSpec.Statement, from shape: Shape) throws(SpecError) -> (any Module, Shape) {
        switch statement.layer {
        case .sequential(let inner):
            return try network(inner, names: NetworkSpec.names(of: inner), from: shape)
        case .residual(let branch, let shortcut, let after):
            let (f, sum) = try network(branch, names: NetworkSpec.names(of: branch), from: shape)
            let s = try shortcut.map { (shortcut) throws(SpecError) in try network(shortcut.statements, names: NetworkSpec.names(of: shortcut.statements), from: shape).network }
            let (then, output) = try network(after, names: NetworkSpec.names(of: after, from: branch.count), from: sum)
            return (Residual(f, shortcut: s, shortcutName: shortcut?.name ?? NetworkSpec.Shortcut.defaultName, after: then), output)
        default:
            do throws(ShapeError) {
                return (try layer(statement.layer, from: shape), try NetworkSummary.output(of: statement.layer, from: shape))
            } catch {
                throw SpecError(line: statement.line, column: statement.column, message: error.message)
            }
        }
    }

    private mutating func layer(_ layer: NetworkSpec.Layer, from shape: Shape) throws(ShapeError) -> any Module {
        switch (layer, shape) {
        case (.convolution(let filters, let kernel, let stride, let padding, let dilation, let groups, let bias), .image(_, let channels)):
            let weight = try weights.tensor([filters, channels / groups, kernel.height, kernel.width], using: &random)
            let fanIn = channels / groups * kernel.height * kernel.width
            return try Conv2D(weight: weight, bias: bias ? try Initializer.frameworkDefault.bias(filters, fanIn: fanIn, using: &random) : nil,
                              stride: stride, padding: padding, dilation: dilation, groups: groups)
        case (.locallyConnected(let filters, let kernel, let stride, let padding, let dilation, let bias), .image(let size, let channels)):
            let geometry = try ConvGeometry(input: size, kernel: kernel, stride: stride, padding: padding, dilation: dilation)
            let fanIn = channels * kernel.height * kernel.width
            // Each position's kernel drawn as a convolution's would be: the same fan-in.
            let weight = try weights.tensor([geometry.positions * filters, fanIn], using: &random).reshaped(to: [geometry.positions, filters, fanIn])
            let biases = bias ? try Initializer.frameworkDefault.bias(geometry.positions * filters, fanIn: fanIn, using: &random).reshaped(to: [geometry.positions, filters]) : nil
            return try LocallyConnected2D(weight: weight, bias: biases, inChannels: channels, inputSize: size, kernelSize: kernel,
                                          stride: stride, padding: padding, dilation: dilation)
        case (.fullyConnected(let features, let bias), .features(let count)):
            return try Linear(inFeatures: count, outFeatures: features, weights: weights, biases: bias ? .frameworkDefault : nil, using: &random)
        case (.pooling(let kind, let kernel, let stride, let padding), _):
            return try Pooling2D(kind, kernelSize: kernel, stride: stride, padding: padding)
        case (.adaptiveAveragePooling(let size), _):
            return try AdaptiveAveragePooling2D(outputSize: size)
        case (.flatten, _):
            return Flatten()
        case (.reshape(let size, let channels), _):
            return Reshape(size: size, channels: channels)
        case (.batchNorm, .image(_, let channels)), (.batchNorm, .features(let channels)):
            return try BatchNorm(channels: channels)
        case (.dropout(let probability), _):
            return try Dropout(probability: probability, seed: random.next())
        case (.activation("softmax"), _):
            throw ShapeError("softmax cannot be trained here: the network's output is its logits, and the loss applies log-softmax itself (remove the line)")
        case (.activation(let name), _):
            guard let activation = Activation(rawValue: name) else { throw ShapeError("activation \(name) cannot be trained") }
            return activation
        case (.input, _), (.sequential, _), (.residual, _), (.convolution, .features), (.locallyConnected, .features), (.fullyConnected, .image):
            throw ShapeError("this layer does not fit its input \(shape)")  // NetworkSummary has refused these already.
        }
    }
}
