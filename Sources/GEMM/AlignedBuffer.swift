/// Scratch floats aligned to a cache line (64 bytes), so that packed panels and im2col
/// rows start on one and a 16-float panel row is one line, not two.
///
/// Non-copyable: exactly one owner frees it, when it goes out of scope. The floats are
/// lent out only for the length of a closure, as a buffer of their real count, so no
/// pointer into them outlives them and every extent taken from them is checked against
/// what was allocated. Scratch for one call, not storage: the floats start uninitialized.
package struct AlignedBuffer: ~Copyable {
    private let base: UnsafeMutablePointer<Float>
    package let count: Int

    /// `count` uninitialized floats.
    package init(count: Int) {
        precondition(count >= 0, "AlignedBuffer: negative count \(count)")
        self.count = count
        // At least one float, so that the address is always a real one.
        base = UnsafeMutableRawPointer.allocate(byteCount: max(1, count) * MemoryLayout<Float>.stride, alignment: 64)
            .bindMemory(to: Float.self, capacity: max(1, count))
    }

    deinit { base.deallocate() }

    /// `count` rounded up to whole cache lines (16 floats), so that buffers cut from one
    /// allocation at multiples of it each start on a line of their own.
    package static func cacheLines(_ count: Int) -> Int { (count + 15) / 16 * 16 }

    /// Runs `body` on the floats.
    package func withUnsafeMutableBufferPointer<Result, Failure: Error>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try body(UnsafeMutableBufferPointer(start: base, count: count))
    }
}
