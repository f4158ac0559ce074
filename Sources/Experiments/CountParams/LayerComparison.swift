import ConvCore
import Reporting

/// count-params' default report: one convolution on an input, the same layer without
/// weight sharing (locally connected), and a fully-connected layer on the same input,
/// counted exactly, with how each count grows with the resolution.
public struct LayerComparison: Report, Sendable {
    let input: Size2D
    let channels: Int
    let filters: Int
    let groups: Int
    let neurons: Int
    let bias: Bool
    let geometry: ConvGeometry
    let convolution: ParameterCount
    let locallyConnected: ParameterCount
    let fullyConnected: ParameterCount
    let bytes: (convolution: Int, locallyConnected: Int, fullyConnected: Int)
    let growth: [Growth]

    /// The three parameter counts at one resolution; nil where the kernel does not fit or
    /// a count is too large for 64 bits.
    public struct Growth: Sendable {
        let input: Size2D
        let values: Int?
        let convolution: Int?
        let locallyConnected: Int?
        let fullyConnected: Int?
    }

    /// The resolutions of the growth table, from MNIST to 4K.
    static let resolutions = [Size2D(28), Size2D(224), Size2D(height: 720, width: 1280), Size2D(height: 1080, width: 1920), Size2D(height: 2160, width: 3840)]

    public init(input: Size2D, channels: Int, kernel: Size2D, filters: Int, stride: Size2D, padding: Padding,
         dilation: Size2D, groups: Int, neurons: Int, bias: Bool) throws(ShapeError) {
        (self.input, self.channels, self.filters, self.groups, self.neurons, self.bias) = (input, channels, filters, groups, neurons, bias)
        func geometry(_ size: Size2D) throws(ShapeError) -> ConvGeometry {
            try ConvGeometry(input: size, kernel: kernel, stride: stride, padding: padding, dilation: dilation)
        }
        func convolution(_ positions: Int) throws(ShapeError) -> ParameterCount {
            try .convolution(inChannels: channels, outChannels: filters, kernel: kernel, groups: groups, bias: bias, outputPositions: positions)
        }
        func locallyConnected(_ positions: Int) throws(ShapeError) -> ParameterCount {
            try .locallyConnected(inChannels: channels, outChannels: filters, kernel: kernel, groups: groups, bias: bias, outputPositions: positions)
        }
        func fullyConnected(_ size: Size2D) throws(ShapeError) -> ParameterCount {
            try .fullyConnected(inFeatures: try exactProduct("the input's values", size.width, size.height, channels), outFeatures: neurons, bias: bias)
        }

        self.geometry = try geometry(input)
        self.convolution = try convolution(self.geometry.positions)
        self.locallyConnected = try locallyConnected(self.geometry.positions)
        self.fullyConnected = try fullyConnected(input)
        bytes = (try self.convolution.bytes, try self.locallyConnected.bytes, try self.fullyConnected.bytes)

        let sizes = Self.resolutions.contains(input) ? Self.resolutions
            : (Self.resolutions + [input]).sorted { (Double($0.width) * Double($0.height), $0.width) < (Double($1.width) * Double($1.height), $1.width) }
        growth = sizes.map { size in
            let positions = (try? geometry(size))?.positions
            return Growth(
                input: size, values: try? exactProduct("", size.width, size.height, channels),
                convolution: positions.flatMap { try? convolution($0).parameters },
                locallyConnected: positions.flatMap { try? locallyConnected($0).parameters },
                fullyConnected: try? fullyConnected(size).parameters)
        }
    }

    var output: Size2D { geometry.output }

    private var kernelText: String {
        "\(filters) filter\(filters == 1 ? "" : "s") of \(geometry.kernel)" + (groups > 1 ? " in \(groups) groups" : "")
    }

    public var text: String {
        let values = (try? exactProduct("", input.width, input.height, channels)).map(grouped) ?? "too many"
        var table = TextTable([("", .left), ("convolution", .right), ("locally connected", .right), ("fully connected", .right)])
        table.append(["layer", kernelText + ", shared", "a kernel per position", "\(grouped(neurons)) neurons"])
        table.append(["weights", grouped(convolution.weights), grouped(locallyConnected.weights), grouped(fullyConnected.weights)])
        table.append(["biases", grouped(convolution.biases), grouped(locallyConnected.biases), grouped(fullyConnected.biases)])
        table.append(["parameters", grouped(convolution.parameters), grouped(locallyConnected.parameters), grouped(fullyConnected.parameters)])
        table.append(["float32 memory", humanBytes(bytes.convolution), humanBytes(bytes.locallyConnected), humanBytes(bytes.fullyConnected)])
        let outputText = "\(output)×\(filters)"
        table.append(["output (W×H×C)", outputText, outputText, grouped(neurons)])
        table.append(["MACs", grouped(convolution.macs), grouped(locallyConnected.macs), grouped(fullyConnected.macs)])
        table.append(["uses of each weight", grouped(geometry.positions), "1", "1"])

        var growthTable = TextTable([("input", .left), ("values", .right), ("convolution", .right), ("locally connected", .right), ("fully connected", .right)])
        for row in growth {
            func cell(_ value: Int?) -> String { value.map(grouped) ?? "—" }
            growthTable.append(["\(row.input)" + (row.input == input ? " (this input)" : ""), cell(row.values),
                                cell(row.convolution), cell(row.locallyConnected), cell(row.fullyConnected)])
        }
        return """
            Weight sharing on a \(input)×\(channels) input (width × height × channels): \(values) values

            \(table.rendered())
              locally connected / convolution: \(ratio(locallyConnected.parameters, convolution.parameters)) the parameters (what sharing alone saves)
              fully connected / convolution:   \(ratio(fullyConnected.parameters, convolution.parameters)) the parameters

            The convolution's output, ⌊(n + 2p − d·(k − 1) − 1) / s⌋ + 1 per axis:
              width:  \(geometry.width.formula)
              height: \(geometry.height.formula)
            Its \(grouped(convolution.weights)) weights are used at every one of the \(grouped(geometry.positions)) output positions.
            MACs (multiply-accumulates) exclude the bias; FLOPs ≈ 2 · MACs. "—": the kernel does not fit,
            or the count exceeds 64 bits.

            How the parameters grow with the resolution (\(channels) channel\(channels == 1 ? "" : "s"), \(kernelText), \(grouped(neurons)) neurons):

            \(growthTable.rendered())
            """
    }

    public var json: JSON {
        func counts(_ count: ParameterCount, bytes: Int) -> [(String, JSON)] {
            [("weights", .int(count.weights)), ("biases", .int(count.biases)), ("params", .int(count.parameters)),
             ("macs", .int(count.macs)), ("bytes", .int(bytes))]
        }
        let shape = JSON.object([("width", .int(output.width)), ("height", .int(output.height)), ("channels", .int(filters))])
        func optional(_ value: Int?) -> JSON { value.map(JSON.int) ?? .null }
        return .object([
            ("input", .object([("width", .int(input.width)), ("height", .int(input.height)), ("channels", .int(channels))])),
            ("conv", .object(counts(convolution, bytes: bytes.convolution) + [("reuse", .int(geometry.positions)), ("output", shape)])),
            ("locally_connected", .object(counts(locallyConnected, bytes: bytes.locallyConnected) + [("output", shape)])),
            ("fc", .object([("in_features", .int(fullyConnected.weights / neurons)), ("out_features", .int(neurons))]
                + counts(fullyConnected, bytes: bytes.fullyConnected))),
            ("growth", .array(growth.map { row in
                .object([("width", .int(row.input.width)), ("height", .int(row.input.height)),
                         ("conv_params", optional(row.convolution)), ("locally_connected_params", optional(row.locallyConnected)),
                         ("fc_params", optional(row.fullyConnected))])
            })),
        ])
    }
}
