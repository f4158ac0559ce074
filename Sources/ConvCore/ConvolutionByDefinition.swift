/// The convolution straight from its definition: seven nested loops, no lowering, no
/// GEMM. Slow and obviously correct, it is the oracle `Conv2D`'s tests compare with and
/// the baseline its benchmark measures against. Same semantics, same result up to
/// rounding: taps summed in order (c, i, j), then the bias added.
public func convolutionByDefinition(_ conv: Conv2D, _ input: Tensor) throws(ShapeError) -> Tensor {
    let (shape, values) = try definition(conv, input, summingIn: Float.self)
    return try Tensor(shape: shape, scalars: values)
}

/// The definition summed in Double: each output within a few Double roundings of the
/// exact convolution of the Float operands, what an algorithm's error is measured against.
/// - Returns: the output's shape and values.
public func exactConvolution(_ conv: Conv2D, _ input: Tensor) throws(ShapeError) -> (shape: [Int], values: [Double]) {
    try definition(conv, input, summingIn: Double.self)
}

/// The seven loops, each output summed in `Sum`.
private func definition<Sum: BinaryFloatingPoint>(_ conv: Conv2D, _ input: Tensor, summingIn: Sum.Type) throws(ShapeError) -> ([Int], [Sum]) {
    let (batch, geometry) = try conv.check(input)
    let (h, w) = (geometry.height, geometry.width)
    let outPerGroup = conv.outChannels / conv.groups
    let inPerGroup = conv.inChannels / conv.groups
    let x = input.scalars, kernel = conv.weight.scalars, bias = conv.bias?.scalars
    var output = [Sum](repeating: 0, count: try Tensor.count(of: [batch, conv.outChannels, h.output, w.output]))

    for n in 0..<batch {
        for o in 0..<conv.outChannels {
            let group = o / outPerGroup
            for y in 0..<h.output {
                for xOut in 0..<w.output {
                    var sum: Sum = 0
                    for c in 0..<inPerGroup {
                        let channel = group * inPerGroup + c
                        for i in 0..<h.kernel {
                            let row = y * h.stride - h.padBefore + i * h.dilation
                            guard row >= 0 && row < h.input else { continue }
                            for j in 0..<w.kernel {
                                let column = xOut * w.stride - w.padBefore + j * w.dilation
                                guard column >= 0 && column < w.input else { continue }
                                let weight = kernel[((o * inPerGroup + c) * h.kernel + i) * w.kernel + j]
                                sum += Sum(weight) * Sum(x[((n * conv.inChannels + channel) * h.input + row) * w.input + column])
                            }
                        }
                    }
                    output[((n * conv.outChannels + o) * h.output + y) * w.output + xOut] = sum + Sum(bias?[o] ?? 0)
                }
            }
        }
    }
    return ([batch, conv.outChannels, h.output, w.output], output)
}
