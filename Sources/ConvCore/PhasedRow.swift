/// One row of an input plane laid out for the direct and depthwise kernels: zero-padded,
/// and split by the stride into phases, so that each kernel tap reads its inputs for
/// consecutive outputs as one contiguous run.
///
/// Along the padded row (p_before zeros, the W pixels, zeros) output x's tap j reads the
/// pixel at t = x·s + j·d. The row keeps pixel t in phase t mod s at index ⌊t / s⌋:
///
///     stride 2, padded pixels   t = 0 1 2 3 4 5 6 7 …
///     phase 0:  t = 0 2 4 6 …   phase 1:  t = 1 3 5 7 …
///
/// so tap j's inputs for outputs x = 0, 1, 2, … lie side by side in phase (j·d) mod s
/// from index ⌊j·d / s⌋: one vector load serves eight outputs, whatever the stride.
/// Each phase is long enough for whole strips of `strip` outputs; an output past the end
/// of the row reads zeros or pixels that no stored output needs.
struct PhasedRow {
    let axis: AxisGeometry
    /// Floats per phase.
    let phaseLength: Int

    /// - Parameter strip: outputs computed together; the row has room for whole strips.
    init(_ axis: AxisGeometry, strip: Int) {
        self.axis = axis
        let strips = (axis.output + strip - 1) / strip * strip
        let farthestTap = axis.dilation * (axis.kernel - 1) / axis.stride
        let pixels = (axis.padBefore + axis.input - 1) / axis.stride + 1
        phaseLength = max(strips + farthestTap, pixels)
    }

    /// Floats in the row: all its phases.
    var floats: Int { axis.stride * phaseLength }

    /// Where tap j's run for outputs 0, 1, 2, … starts in the row.
    func tapOffset(_ j: Int) -> Int {
        let t = j * axis.dilation
        return (t % axis.stride) * phaseLength + t / axis.stride
    }

    /// Where input pixel `column` (0 ..< W) lies in the row.
    @inline(__always)
    private func index(ofColumn column: Int) -> Int {
        let t = column + axis.padBefore
        return (t % axis.stride) * phaseLength + t / axis.stride
    }

    /// Lays out the W pixels of one input row, zeros around them.
    /// - Precondition: `row` holds `floats` floats and `pixels` W.
    func gather(_ pixels: UnsafePointer<Float>, into row: UnsafeMutablePointer<Float>) {
        let (width, before) = (axis.input, axis.padBefore)
        if axis.stride == 1 {
            row.update(repeating: 0, count: before)
            (row + before).update(from: pixels, count: width)
            (row + before + width).update(repeating: 0, count: floats - before - width)
        } else {
            row.update(repeating: 0, count: floats)
            for column in 0..<width { row[index(ofColumn: column)] = pixels[column] }
        }
    }

    /// The mirror of `gather`: the W pixels' values out of a row, padding dropped.
    func scatter(_ row: UnsafePointer<Float>, into pixels: UnsafeMutablePointer<Float>) {
        if axis.stride == 1 {
            pixels.update(from: row + axis.padBefore, count: axis.input)
        } else {
            for column in 0..<axis.input { pixels[column] = row[index(ofColumn: column)] }
        }
    }
}
