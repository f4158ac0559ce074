/// Where each channel's values lie in an [N, C, …] tensor (a Linear output [N, C], a
/// Conv2D output [N, C, H, W]): `batch` runs of `plane` consecutive values, `channels ·
/// plane` apart. A bias gradient and batch normalization's statistics are sums over one
/// channel's values; batch normalization's outputs are computed value by value with the
/// channel's statistics.
struct ChannelLayout {
    let shape: [Int]
    let batch: Int
    let channels: Int
    let plane: Int
    /// Values per channel: N · H · W.
    var count: Int { batch * plane }

    /// - Precondition: `shape` is [N, C, …].
    init(_ shape: [Int]) {
        precondition(shape.count >= 2, "ChannelLayout: \(shape) is not [N, C, …]")
        self.shape = shape
        batch = shape[0]
        channels = shape[1]
        plane = shape.dropFirst(2).reduce(1, *)
    }

    /// Σ of `term(index, channel)` over each channel's values, in Double: a channel of a
    /// 1080p feature map has two million of them.
    func sums(_ term: (_ index: Int, _ channel: Int) -> Double) -> [Double] {
        var sums = [Double](repeating: 0, count: channels)
        for n in 0..<batch {
            for c in 0..<channels {
                let start = (n * channels + c) * plane
                var sum = 0.0
                for i in start..<start + plane { sum += term(i, c) }
                sums[c] += sum
            }
        }
        return sums
    }

    /// A tensor of this layout whose value at each index is `value(index, channel)`.
    func tensor(_ value: (_ index: Int, _ channel: Int) -> Float) throws(ShapeError) -> Tensor {
        try Tensor(shape: shape, unsafeUninitialized: { scalars in
            for n in 0..<batch {
                for c in 0..<channels {
                    let start = (n * channels + c) * plane
                    for i in start..<start + plane { scalars[i] = value(i, c) }
                }
            }
        })
    }
}

/// Σ over images and positions of a [N, C, H, W] (or [N, C]) tensor, per channel: the
/// bias gradient.
func channelSums(_ tensor: Tensor) throws(ShapeError) -> Tensor {
    let layout = ChannelLayout(tensor.shape)
    return try Tensor(shape: [layout.channels], scalars: layout.sums { i, _ in Double(tensor.scalars[i]) }.map { Float($0) })
}
