import ConvCore
import Training

/// What a network's first layer applies at a few output positions, for the page that
/// shows sharing: for each position, the weights each output channel uses there, as a
/// small picture. A convolution uses its kernels everywhere, so every position shows the
/// same ones; a locally connected layer has a kernel of its own per position; a
/// fully-connected layer (followed by `reshape`) weighs the whole input at every position.
public struct FirstLayerWeights: Sendable {
    /// Output positions (x, y), the same for every variant of one input size.
    public let positions: [(x: Int, y: Int)]
    /// Per position, per output channel: width × height weights, row by row.
    public let pictures: [[(width: Int, height: Int, weights: [Float])]]

    /// Three positions of a width × height output: near the top-left corner, the centre,
    /// near the bottom-right corner.
    static func positions(width: Int, height: Int) -> [(x: Int, y: Int)] {
        [(width / 7, height / 7), (width / 2, height / 2), (width - 1 - width / 7, height - 1 - height / 7)]
    }

    /// The first layer of `network` with weights, if it is one this page can show on a
    /// one-channel input of size `input`: a convolution, a locally connected layer, or
    /// a fully-connected layer whose output a `reshape` makes into maps.
    init?(_ network: Sequential, input: Size2D) {
        let modules = network.modules
        guard let index = modules.firstIndex(where: { !$0.parameters.isEmpty }) else { return nil }
        if let conv = modules[index] as? Conv2D, conv.weight.shape[1] == 1 {
            let (outputs, height, width) = (conv.weight.shape[0], conv.weight.shape[2], conv.weight.shape[3])
            guard let geometry = try? ConvGeometry(input: input, kernel: Size2D(height: height, width: width), stride: conv.stride,
                                                   padding: conv.padding, dilation: conv.dilation) else { return nil }
            let kernels = (0..<outputs).map { o in (width, height, Array(conv.weight.scalars[(o * height * width)..<((o + 1) * height * width)])) }
            positions = Self.positions(width: geometry.width.output, height: geometry.height.output)
            pictures = positions.map { _ in kernels }
        } else if let local = modules[index] as? LocallyConnected2D, local.inChannels == 1 {
            let (kernel, outputs, columns) = (local.kernelSize, local.outChannels, local.geometry.width.output)
            let taps = kernel.height * kernel.width
            positions = Self.positions(width: columns, height: local.geometry.height.output)
            let values = local.weight.scalars
            pictures = positions.map { position in
                let p = position.y * columns + position.x
                return (0..<outputs).map { o in (kernel.width, kernel.height, Array(values[((p * outputs + o) * taps)..<((p * outputs + o + 1) * taps)])) }
            }
        } else if let linear = modules[index] as? Linear, index + 1 < modules.count, let maps = modules[index + 1] as? Reshape,
                  linear.inFeatures == input.width * input.height {
            let plane = maps.size.width * maps.size.height
            positions = Self.positions(width: maps.size.width, height: maps.size.height)
            let values = linear.weight.scalars
            pictures = positions.map { position in
                (0..<maps.channels).map { o in
                    let unit = o * plane + position.y * maps.size.width + position.x
                    return (input.width, input.height, Array(values[(unit * linear.inFeatures)..<((unit + 1) * linear.inFeatures)]))
                }
            }
        } else {
            return nil
        }
    }
}
