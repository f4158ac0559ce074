/// Where each channel's values lie in an [N, C, …] tensor (a Linear output [N, C], a
/// Conv2D output [N, C, H, W]): `batch` runs of `plane` consecutive values, `channels ·
/// plane` apart. A bias gradient and batch normalization's statistics are sums over one
/// channel's values; batch normalization's outputs are computed plane by plane with the
/// channel's statistics, eight values at a time.
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

    /// Calls `body` with each plane of consecutive values, image by image: its indices
    /// and its channel.
    @inline(__always)
    func forEachPlane(_ body: (_ plane: Range<Int>, _ channel: Int) -> Void) {
        for n in 0..<batch {
            for c in 0..<channels {
                let start = (n * channels + c) * plane
                body(start..<start + plane, c)
            }
        }
    }

    /// Σ per channel of `term(plane, channel)`, a plane's sum (a `VectorReader`'s).
    @inline(__always)
    func sums(_ term: (_ plane: Range<Int>, _ channel: Int) -> Double) -> [Double] {
        var sums = [Double](repeating: 0, count: channels)
        forEachPlane { plane, c in sums[c] += term(plane, c) }
        return sums
    }

    /// A tensor of this layout whose every plane `fill` writes, given the plane's indices,
    /// its channel and where to write it.
    @inline(__always)
    func tensor(_ fill: (_ plane: Range<Int>, _ channel: Int, _ output: VectorWriter) -> Void) throws(ShapeError) -> Tensor {
        try Tensor(shape: shape, unsafeUninitialized: { scalars in
            forEachPlane { plane, c in fill(plane, c, VectorWriter(scalars, plane)) }
        })
    }
}

/// Σ over images and positions of a [N, C, H, W] (or [N, C]) tensor, per channel: the
/// bias gradient.
func channelSums(_ tensor: Tensor) throws(ShapeError) -> Tensor {
    let layout = ChannelLayout(tensor.shape)
    let sums = tensor.withUnsafeBufferPointer { values in
        guard layout.plane > 1 else {
            // [N, C], a Linear layer's: a plane is one value, so sum the columns directly.
            var sums = [Double](repeating: 0, count: layout.channels)
            for n in 0..<layout.batch {
                for c in 0..<layout.channels { sums[c] += Double(values[n * layout.channels + c]) }
            }
            return sums
        }
        return layout.sums { plane, _ in VectorReader(values, plane).sum() }
    }
    return try Tensor(shape: [layout.channels], scalars: sums.map { Float($0) })
}
