import ConvCore
import Reporting

/// count-params --model's report: one row per layer, then the totals, and where the model
/// came from.
public struct NetworkReport: Report, Sendable {
    public let summary: NetworkSummary
    /// "Samples/models/vgg16.txt", or "given on the command line".
    public let source: String

    public var text: String { summary.text(source: source) }
    public var json: JSON { summary.json }
}

extension NetworkSummary {
    func text(source: String) -> String {
        var table = TextTable([("#", .right), ("layer", .left), ("output", .right), ("params", .right), ("MACs", .right),
                               ("receptive field", .right), ("FC equivalent", .right)])
        table.append(["", "input", input.text, "", "", "", ""])
        for row in rows {
            table.append(["\(row.index)", row.statement.layer.text, row.output.text, grouped(row.count.parameters),
                          grouped(row.count.macs), row.receptiveField.map { "\($0)" } ?? "all",
                          row.fullyConnectedEquivalent.map { $0.parameters.map(grouped) ?? "—" } ?? ""])
        }
        let convolutions = rows.filter { $0.fullyConnectedEquivalent != nil }
        let shared = convolutions.reduce(0) { $0 + $1.count.parameters }  // Part of the total, which fits.
        let unshared = (try? convolutions.reduce(0) { (sum: Int, row) throws(ShapeError) in
            guard let parameters = row.fullyConnectedEquivalent?.parameters else { throw ShapeError("") }
            return try exactSum("", sum, parameters)
        }).map(grouped) ?? "more than 64 bits can count"
        let comparison = convolutions.isEmpty ? "" : """

            \(convolutions.count == 1 ? "The convolution holds" : "The \(convolutions.count) convolutions hold") \(grouped(shared)) parameters; \(convolutions.count == 1 ? "a fully-connected layer" : "fully-connected layers") with the same
            input\(convolutions.count == 1 ? "" : "s") and output\(convolutions.count == 1 ? "" : "s") would hold \(unshared) (FC equivalent: in · out weights, plus out biases).

            """
        return """
            Model: \(source)

            \(table.rendered())
            total parameters      \(grouped(totalParameters)) (\(humanBytes(parameterBytes)) as float32)
            total MACs            \(grouped(totalMACs)) (≈ \(decimalUnits(2 * Double(totalMACs), "FLOPs")) at 2 per MAC)
            activations           \(humanBytes(activationBytes)) for one image (the input and every layer's output, float32)
            \(comparison)
            Sizes are width × height × channels; MACs exclude the bias; receptive field: the input
            pixels one output value can see ("all" after flatten).

            """
    }

    var json: JSON {
        .object([
            ("input", input.json),
            ("layers", .array(rows.map { row in
                .object([
                    ("index", .int(row.index)), ("type", .string(row.statement.layer.type)), ("description", .string(row.statement.layer.text)),
                    ("output", row.output.json), ("params", .int(row.count.parameters)), ("macs", .int(row.count.macs)),
                    ("receptive_field", row.receptiveField?.json ?? .null),
                    ("fc_equivalent_params", row.fullyConnectedEquivalent?.parameters.map(JSON.int) ?? .null),
                ])
            })),
            ("total_params", .int(totalParameters)), ("total_macs", .int(totalMACs)),
            ("param_bytes", .int(parameterBytes)), ("activation_bytes", .int(activationBytes)),
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
    /// The keyword of the layer: conv, relu, maxpool, fc, …
    var type: String {
        switch self {
        case .input: "input"
        case .convolution: "conv"
        case .activation(let name): name
        case .pooling(let mode, _, _): mode == .max ? "maxpool" : "avgpool"
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
        case .pooling(_, let kernel, let stride):
            return "\(type) \(kernel)" + (stride == kernel ? "" : ", stride \(stride)")
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
        case .input, .activation, .flatten, .batchNorm:
            return type
        }
    }
}
