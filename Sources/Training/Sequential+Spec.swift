import ConvCore
import SeededRandom

extension Sequential {
    /// The trainable network a spec describes, made as the `nn.Sequential` of the same
    /// layers is in PyTorch: one module per layer line after `input`, in order, so that
    /// module N is PyTorch's `N.` (state-dict names `0.weight`, `3.bias`, …).
    ///
    /// Weights are drawn by `weights` (PyTorch's default, `kaiming_uniform_(a=√5)`, unless
    /// told otherwise), biases always as PyTorch's layers draw them, U(±1/√fan_in); batch
    /// norm starts at scale 1, shift 0; dropout draws its masks from its own seed. All from
    /// `seed`, layer by layer, so the same seed gives the same network.
    ///
    /// The network's output is its logits: training fuses log-softmax into the
    /// cross-entropy, so a `softmax` layer is refused here, with the reason.
    /// - Throws: `SpecError` at the layer that cannot be made.
    public init(_ spec: NetworkSpec, input: (Size2D, channels: Int)? = nil, weights: Initializer = .frameworkDefault, seed: UInt64) throws(SpecError) {
        let summary = try NetworkSummary(spec, input: input)
        var random = SeededGenerator(seed: seed)
        var modules: [any Module] = []
        var shape = summary.input
        for row in summary.rows {
            let statement = row.statement
            func error(_ message: String) -> ShapeError { ShapeError(message) }
            do throws(ShapeError) {
                switch (statement.layer, shape) {
                case (.convolution(let filters, let kernel, let stride, let padding, let dilation, let groups, let bias), .image(_, let channels)):
                    let weight = try weights.tensor([filters, channels / groups, kernel.height, kernel.width], using: &random)
                    let fanIn = channels / groups * kernel.height * kernel.width
                    modules.append(try Conv2D(weight: weight, bias: bias ? try Initializer.frameworkDefault.bias(filters, fanIn: fanIn, using: &random) : nil,
                                              stride: stride, padding: padding, dilation: dilation, groups: groups))
                case (.locallyConnected(let filters, let kernel, let stride, let padding, let dilation, let bias), .image(let size, let channels)):
                    let geometry = try ConvGeometry(input: size, kernel: kernel, stride: stride, padding: padding, dilation: dilation)
                    let fanIn = channels * kernel.height * kernel.width
                    // Each position's kernel drawn as a convolution's would be: the same fan-in.
                    let weight = try weights.tensor([geometry.positions * filters, fanIn], using: &random).reshaped(to: [geometry.positions, filters, fanIn])
                    let biases = bias ? try Initializer.frameworkDefault.bias(geometry.positions * filters, fanIn: fanIn, using: &random).reshaped(to: [geometry.positions, filters]) : nil
                    modules.append(try LocallyConnected2D(weight: weight, bias: biases, inChannels: channels, inputSize: size, kernelSize: kernel,
                                                          stride: stride, padding: padding, dilation: dilation))
                case (.fullyConnected(let features, let bias), .features(let count)):
                    modules.append(try Linear(inFeatures: count, outFeatures: features, weights: weights, biases: bias ? .frameworkDefault : nil, using: &random))
                case (.pooling(let kind, let kernel, let stride), _):
                    modules.append(try Pooling2D(kind, kernelSize: kernel, stride: stride))
                case (.flatten, _):
                    modules.append(Flatten())
                case (.reshape(let size, let channels), _):
                    modules.append(Reshape(size: size, channels: channels))
                case (.batchNorm, .image(_, let channels)), (.batchNorm, .features(let channels)):
                    modules.append(try BatchNorm(channels: channels))
                case (.dropout(let probability), _):
                    modules.append(try Dropout(probability: probability, seed: random.next()))
                case (.activation("softmax"), _):
                    throw error("softmax cannot be trained here: the network's output is its logits, and the loss applies log-softmax itself (remove the line)")
                case (.activation(let name), _):
                    guard let activation = Activation(rawValue: name) else { throw error("activation \(name) cannot be trained") }
                    modules.append(activation)
                case (.input, _), (.convolution, .features), (.locallyConnected, .features), (.fullyConnected, .image):
                    throw error("this layer does not fit its input \(shape)")  // NetworkSummary has refused these already.
                }
            } catch {
                throw SpecError(line: statement.line, column: statement.column, message: error.message)
            }
            shape = row.output
        }
        self.init(modules)
    }
}
