import ConvCore
import Reporting

/// count-params --model's report (and `conv-demo summary`'s): one row per layer and
/// block, then the totals and sizes as torchinfo gives them, and where the model came
/// from.
public struct NetworkReport: Report, Sendable {
    /// How the report is laid out and counted.
    public struct Options: Sendable {
        /// Rows deeper than this are folded into their block's row (torchinfo's `depth`).
        public var depth = 3
        /// Images per batch: the input and activation sizes, and the MACs, scale with it.
        public var batch = 1
        /// Count the bias in the MACs, as torchinfo does.
        public var macsIncludeBias = false

        public init() {}
    }

    public let summary: NetworkSummary
    /// "Samples/models/vgg16.txt", or "given on the command line".
    public let source: String
    public let options: Options
    /// The spec's own input and the parameters there, when `--input` replaced it.
    public let specInput: (shape: NetworkSummary.Shape, parameters: Int)?

    public var text: String { summary.text(source: source, options: options, specInput: specInput) }
    public var json: JSON { summary.json(options: options, specInput: specInput) }
}

/// A count as torchinfo prints its mult-adds: in millions, billions or trillions (M, G, T),
/// two decimals: 714682664 → "714.68 M".
func torchinfoUnits(_ value: Double) -> String {
    let (scale, unit): (Double, String) = value >= 1e12 ? (1e12, "T") : value >= 1e9 ? (1e9, "G") : (1e6, "M")
    return "\(fixed(value / scale, 2)) \(unit)"
}

/// The sizes torchinfo reports, in bytes, for a batch: the input; the activations the
/// forward pass keeps for the backward pass and their gradients (the rule is
/// `NetworkSummary.Row.keptValues`, × 2 for the gradients); the parameters; their sum.
/// torchinfo's own forward/backward figure counts only the outputs of layers with
/// parameters (× 2), leaving out pooling, activations and residual sums, which the
/// backward pass needs as well; it is given beside ours, so the two can be compared.
struct TorchinfoSizes {
    let input: Int
    let forwardBackward: Int
    let torchinfoForwardBackward: Int
    let parameters: Int
    var total: Int { input + forwardBackward + parameters }
    var torchinfoTotal: Int { input + torchinfoForwardBackward + parameters }

    init(_ summary: NetworkSummary, batch: Int) {
        // Each factor is a count the summary computed exactly; their products for a batch
        // are sizes, in Double where a huge batch could pass 64 bits.
        func bytes(_ values: Int, _ factor: Int) -> Int { Int(min(Double(values) * Double(factor) * Double(batch), 9e18)) }
        input = bytes((try? summary.input.elements()) ?? 0, 4)
        forwardBackward = bytes(summary.keptValues, 8)
        torchinfoForwardBackward = bytes(summary.layers.filter { $0.count.parameters > 0 }.reduce(0) { $0 + ((try? $1.output.elements()) ?? 0) }, 8)
        parameters = summary.parameterBytes
    }
}

extension NetworkSummary {
    /// The rows shown at `depth`: every row no deeper, a block at `depth` standing for
    /// what it holds.
    func rows(toDepth depth: Int) -> [Row] { rows.filter { $0.depth <= depth } }

    func text(source: String, options: NetworkReport.Options, specInput: (shape: Shape, parameters: Int)?) -> String {
        var table = TextTable([("#", .right), ("name", .left), ("layer", .left), ("output", .right), ("params", .right), ("MACs", .right),
                               ("receptive field", .right), ("FC equivalent", .right)])
        table.append(["", "", "input", input.text, "", "", "", ""])
        let shown = rows(toDepth: options.depth)
        for row in shown {
            let folded = row.isBlock && row.depth == options.depth && row.descendants > 0
            table.append(["\(row.index)", row.name, String(repeating: "  ", count: row.depth - 1) + row.statement.layer.text + (folded ? " (folded)" : ""),
                          row.output.text, grouped(row.count.parameters), grouped(options.macsIncludeBias ? row.macsWithBias : row.count.macs),
                          row.receptiveField.map { "\($0)" } ?? "all",
                          row.fullyConnectedEquivalent.map { $0.parameters.map(grouped) ?? "—" } ?? ""])
        }
        let convolutions = layers.filter { $0.fullyConnectedEquivalent != nil }
        let shared = convolutions.reduce(0) { $0 + $1.count.parameters }  // Part of the total, which fits.
        let unshared = (try? convolutions.reduce(0) { (sum: Int, row) throws(ShapeError) in
            guard let parameters = row.fullyConnectedEquivalent?.parameters else { throw ShapeError("") }
            return try exactSum("", sum, parameters)
        }).map(grouped) ?? "more than 64 bits can count"
        let comparison = convolutions.isEmpty ? "" : """

            \(convolutions.count == 1 ? "The convolution holds" : "The \(convolutions.count) convolutions hold") \(grouped(shared)) parameters; \(convolutions.count == 1 ? "a fully-connected layer" : "fully-connected layers") with the same
            input\(convolutions.count == 1 ? "" : "s") and output\(convolutions.count == 1 ? "" : "s") would hold \(unshared) (FC equivalent: in · out weights, plus out biases).

            """
        let macs = options.macsIncludeBias ? totalMACsWithBias : totalMACs
        let batchMACs = Double(macs) * Double(options.batch)
        let sizes = TorchinfoSizes(self, batch: options.batch)
        func megabytes(_ bytes: Int) -> String { fixed(Double(bytes) / 1e6, 2) }
        let lines = [
            "total parameters      \(grouped(totalParameters)) (\(humanBytes(parameterBytes)) as float32)",
            "trainable parameters  \(grouped(totalParameters))",
            "non-trainable         0" + (buffers > 0 ? "; the batch norms' running means and variances (\(grouped(buffers)) values) are buffers, not parameters" : ""),
            "total MACs            \(grouped(macs))\(options.macsIncludeBias ? ", the bias included" : "") (≈ \(decimalUnits(2 * Double(macs), "FLOPs")) at 2 per MAC)"
                + (options.batch > 1 ? "; \(decimalUnits(batchMACs, "MACs")) for the batch" : "")
                + (options.macsIncludeBias ? "\n                      torchinfo's \"Total mult-adds\": \(torchinfoUnits(batchMACs))" : ""),
            "",
            "for a batch of \(options.batch), in torchinfo's units (MB = 1,000,000 bytes):",
            "  input size (MB)                  \(megabytes(sizes.input))",
            "  forward/backward pass size (MB)  \(megabytes(sizes.forwardBackward))   (torchinfo: \(megabytes(sizes.torchinfoForwardBackward)))",
            "  params size (MB)                 \(megabytes(sizes.parameters))",
            "  estimated total size (MB)        \(megabytes(sizes.total))   (torchinfo: \(megabytes(sizes.torchinfoTotal)))",
        ]
        var header = "Model: \(source)"
        if let specInput {
            header += "\nInput: \(input.text) in place of the spec's \(specInput.shape.text): the same layers at another resolution,\n"
                + (specInput.parameters == totalParameters
                    ? "with the same \(grouped(totalParameters)) parameters (the MACs and sizes change)."
                    : "with \(grouped(totalParameters)) parameters here and \(grouped(specInput.parameters)) at \(specInput.shape.text) (a layer after flatten sees another number of features).")
        }
        return """
            \(header)

            \(table.rendered())
            \(lines.joined(separator: "\n"))
            \(comparison)
            \(notes(options).joined(separator: "\n"))

            """
    }

    /// What the columns and sizes mean, a line each.
    private func notes(_ options: NetworkReport.Options) -> [String] {
        var notes = ["Sizes are width × height × channels.",
                     "MACs are per image and " + (options.macsIncludeBias ? "count the bias, as torchinfo does."
                                                                           : "exclude the bias (--macs-include-bias counts it, as torchinfo does)."),
                     "Receptive field: the input pixels one output value can see (\"all\" after flatten or a global pooling)."]
        if rows.contains(where: \.isBlock) {
            notes.append("A block's row (sequential, residual) holds the totals of its layers"
                         + (rows.contains { $0.depth > options.depth } ? "; rows below depth \(options.depth) are folded into it (--depth)." : "."))
        }
        notes += ["Forward/backward pass: each layer's output and its gradient, except views (flatten, reshape)",
                  "and activations computed in place (relu, relu6, leakyrelu, hardswish); a residual block keeps its sum.",
                  "torchinfo counts the outputs of layers with parameters only."]
        return notes
    }

    func json(options: NetworkReport.Options, specInput: (shape: Shape, parameters: Int)?) -> JSON {
        let sizes = TorchinfoSizes(self, batch: options.batch)
        return .object([
            ("input", input.json),
            ("layers", .array(rows(toDepth: options.depth).map { row in
                .object([
                    ("index", .int(row.index)), ("name", .string(row.name)), ("depth", .int(row.depth)),
                    ("type", .string(row.statement.layer.type)), ("description", .string(row.statement.layer.text)),
                    ("kernel", row.statement.layer.kernel?.json ?? .null),
                    ("output", row.output.json), ("params", .int(row.count.parameters)),
                    ("macs", .int(options.macsIncludeBias ? row.macsWithBias : row.count.macs)),
                    ("receptive_field", row.receptiveField?.json ?? .null),
                    ("fc_equivalent_params", row.fullyConnectedEquivalent?.parameters.map(JSON.int) ?? .null),
                    ("folded", .bool(row.isBlock && row.depth == options.depth && row.descendants > 0)),
                ])
            })),
            ("total_params", .int(totalParameters)), ("trainable_params", .int(totalParameters)), ("non_trainable_params", .int(0)),
            ("buffers", .int(buffers)),
            ("total_macs", .int(options.macsIncludeBias ? totalMACsWithBias : totalMACs)), ("macs_include_bias", .bool(options.macsIncludeBias)),
            ("batch", .int(options.batch)), ("depth", .int(options.depth)),
            ("param_bytes", .int(parameterBytes)), ("activation_bytes", .int(activationBytes)),
            ("input_bytes", .int(sizes.input)), ("forward_backward_bytes", .int(sizes.forwardBackward)), ("total_bytes", .int(sizes.total)),
            ("torchinfo_forward_backward_bytes", .int(sizes.torchinfoForwardBackward)), ("torchinfo_total_bytes", .int(sizes.torchinfoTotal)),
            ("spec_input", specInput.map { .object([("shape", $0.shape.json), ("params", .int($0.parameters))]) } ?? .null),
        ])
    }
}

extension NetworkSummary.Shape {
    var text: String {
        switch self {
        case .image(let size, let channels): "\(size)×\(channels)"
        case .features(let count): grouped(count)
        }
    }

    var json: JSON {
        switch self {
        case .image(let size, let channels): .object([("width", .int(size.width)), ("height", .int(size.height)), ("channels", .int(channels))])
        case .features(let count): .object([("features", .int(count))])
        }
    }
}

extension NetworkSpec.Layer {
    /// The window of a windowed layer (conv, local, pooling), width × height.
    var kernel: Size2D? {
        switch self {
        case .convolution(_, let kernel, _, _, _, _, _), .locallyConnected(_, let kernel, _, _, _, _), .pooling(_, let kernel, _, _): kernel
        default: nil
        }
    }

    /// The keyword of the layer: conv, relu, maxpool, fc, …
    var type: String {
        switch self {
        case .input: "input"
        case .convolution: "conv"
        case .activation(let name): name
        case .pooling(let mode, _, _, _): mode == .max ? "maxpool" : "avgpool"
        case .adaptiveAveragePooling(let size): size == Size2D(1) ? "globalavgpool" : "adaptiveavgpool"
        case .sequential: "sequential"
        case .residual: "residual"
        case .flatten: "flatten"
        case .fullyConnected: "fc"
        case .batchNorm: "batchnorm"
        case .locallyConnected: "local"
        case .dropout: "dropout"
        case .reshape: "reshape"
        }
    }

    /// A windowed layer's description, then the settings that differ from the defaults:
    /// "conv 64, 3×3", "stride 2×2", "padding 1×1", "dilation 2×2".
    private static func windowed(_ head: String, stride: Size2D, padding: Padding, dilation: Size2D) -> [String] {
        var parts = [head]
        if stride != Size2D(1) { parts.append("stride \(stride)") }
        switch padding {
        case .explicit(let size) where size != Size2D(0): parts.append("padding \(size)")
        case .same: parts.append("padding same")
        default: break
        }
        if dilation != Size2D(1) { parts.append("dilation \(dilation)") }
        return parts
    }

    /// The layer and its hyperparameters, sizes width × height: "conv 64, 3×3, padding 1×1".
    var text: String {
        switch self {
        case .convolution(let filters, let kernel, let stride, let padding, let dilation, let groups, let bias):
            var parts = Self.windowed("conv \(filters), \(kernel)", stride: stride, padding: padding, dilation: dilation)
            if groups != 1 { parts.append("groups \(groups)") }
            if !bias { parts.append("no bias") }
            return parts.joined(separator: ", ")
        case .pooling(_, let kernel, let stride, let padding):
            return "\(type) \(kernel)" + (stride == kernel ? "" : ", stride \(stride)") + (padding == Size2D(0) ? "" : ", padding \(padding)")
        case .adaptiveAveragePooling(let size):
            return size == Size2D(1) ? type : "\(type) \(size)"
        case .residual(_, let shortcut, _):
            return shortcut == nil ? "residual" : "residual, shortcut \(shortcut!.name)"
        case .fullyConnected(let features, let bias):
            return "fc \(grouped(features))" + (bias ? "" : ", no bias")
        case .locallyConnected(let filters, let kernel, let stride, let padding, let dilation, let bias):
            var parts = Self.windowed("local \(filters), \(kernel)", stride: stride, padding: padding, dilation: dilation)
            if !bias { parts.append("no bias") }
            return parts.joined(separator: ", ")
        case .dropout(let probability):
            return "dropout \(decimal(probability))"
        case .reshape(let size, let channels):
            return "reshape \(size)×\(channels)"
        case .input, .activation, .flatten, .batchNorm, .sequential:
            return type
        }
    }
}
