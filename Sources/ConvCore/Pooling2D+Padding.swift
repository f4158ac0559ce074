/// Pooling with padding, by its definition: each window clipped to the real pixels it
/// covers. A padding pixel would never win a maximum (it is −∞) and adds nothing to a sum
/// (it is 0), so leaving it out is the same as padding, with no padded copy of the input,
/// and a window whose real pixels are all −∞ still routes its gradient to one of them, as
/// PyTorch does (a −∞ padding pixel would have won that tie and kept the gradient).
/// PyTorch's p ≤ ⌊k/2⌋ leaves every window at least one real pixel: a window ends at
/// k − p ≥ 1 or later and starts at n + p − k < n or earlier.
extension Pooling2D {
    func paddedForward(_ input: Tensor, _ geometry: ConvGeometry) throws(ShapeError) -> Tensor {
        let windows = ClippedWindows(geometry, planes: input.shape[0] * input.shape[1])
        return try Tensor(shape: [input.shape[0], input.shape[1], geometry.height.output, geometry.width.output], unsafeUninitialized: { output in
            input.withUnsafeBufferPointer { x in
                switch kind {
                case .max: windows.forEach { window, plane, rows, columns in output[window] = x[windows.winner(x, plane, rows, columns)] }
                case .average: windows.forEach { window, plane, rows, columns in output[window] = windows.sum(x, plane, rows, columns) / windows.area }
                }
            }
        })
    }

    /// Max pooling's gradient goes to the real pixel that won; average pooling's share of
    /// each padding pixel, g/(kh·kw) apiece, goes nowhere, as the padding is no input.
    func paddedBackward(_ input: Tensor, _ outputGradient: Tensor, _ geometry: ConvGeometry) throws(ShapeError) -> Tensor {
        let windows = ClippedWindows(geometry, planes: input.shape[0] * input.shape[1])
        var gradient = try Tensor(shape: input.shape)
        gradient.withUnsafeMutableBufferPointer { gradient in
            input.withUnsafeBufferPointer { x in
                outputGradient.withUnsafeBufferPointer { upstream in
                    windows.forEach { window, plane, rows, columns in
                        switch kind {
                        case .max: gradient[windows.winner(x, plane, rows, columns)] += upstream[window]
                        case .average: windows.spread(upstream[window] / windows.area, plane, rows, columns, into: gradient)
                        }
                    }
                }
            }
        }
        return gradient
    }

    /// The windows of one padded geometry over `planes` planes of an [N, C, H, W] buffer,
    /// in output order, each as the rows and columns of the input it covers.
    struct ClippedWindows {
        /// Per output row (column), the input rows (columns) its windows cover: o·s − p
        /// ..< o·s − p + k, clipped to 0..<n. Never empty (p ≤ ⌊k/2⌋).
        let rows: [Range<Int>], columns: [Range<Int>]
        let (inputHeight, inputWidth, planes): (Int, Int, Int)
        /// kh·kw, padding included: the divisor of every mean.
        let area: Float

        init(_ geometry: ConvGeometry, planes: Int) {
            func clipped(_ axis: AxisGeometry) -> [Range<Int>] {
                (0..<axis.output).map { o in
                    let start = o * axis.stride - axis.padBefore
                    return max(0, start)..<min(axis.input, start + axis.kernel)
                }
            }
            rows = clipped(geometry.height)
            columns = clipped(geometry.width)
            (inputHeight, inputWidth, self.planes) = (geometry.height.input, geometry.width.input, planes)
            area = Float(geometry.height.kernel * geometry.width.kernel)
        }

        /// Every window in output order: its index, the flat index of its plane's first
        /// pixel, and the rows and columns it covers.
        func forEach(_ body: (_ window: Int, _ plane: Int, _ rows: Range<Int>, _ columns: Range<Int>) -> Void) {
            var window = 0
            for plane in 0..<planes {
                for rowRange in rows {
                    for columnRange in columns {
                        body(window, plane * inputHeight * inputWidth, rowRange, columnRange)
                        window += 1
                    }
                }
            }
        }

        /// The pixel of the window with the largest value: the first on a tie, the first
        /// NaN if there is one, as the unpadded windows choose.
        func winner(_ values: UnsafeBufferPointer<Float>, _ plane: Int, _ rows: Range<Int>, _ columns: Range<Int>) -> Int {
            let first = plane + rows.lowerBound * inputWidth + columns.lowerBound
            var (best, largest) = (first, values[first])
            for row in rows {
                for pixel in plane + row * inputWidth + columns.lowerBound..<plane + row * inputWidth + columns.upperBound {
                    // Larger, or a NaN where the best is not one: `!(v <= largest)` holds for both.
                    let value = values[pixel]
                    let wins = !(value <= largest) && largest == largest
                    best = wins ? pixel : best
                    largest = wins ? value : largest
                }
            }
            return best
        }

        func sum(_ values: UnsafeBufferPointer<Float>, _ plane: Int, _ rows: Range<Int>, _ columns: Range<Int>) -> Float {
            var sum: Float = 0
            for row in rows {
                for pixel in plane + row * inputWidth + columns.lowerBound..<plane + row * inputWidth + columns.upperBound { sum += values[pixel] }
            }
            return sum
        }

        func spread(_ value: Float, _ plane: Int, _ rows: Range<Int>, _ columns: Range<Int>, into values: UnsafeMutableBufferPointer<Float>) {
            for row in rows {
                for pixel in plane + row * inputWidth + columns.lowerBound..<plane + row * inputWidth + columns.upperBound { values[pixel] += value }
            }
        }
    }
}
