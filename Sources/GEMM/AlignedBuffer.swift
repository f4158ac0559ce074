/// Scratch floats aligned to a cache line (64 bytes), so that packed panels and im2col
/// rows start on one and a 16-float panel row is one line, not two. Freed explicitly:
/// it is scratch for one call, not storage.
public struct AlignedBuffer: @unchecked Sendable {  // Each worker writes only its own buffer or its own part.
    public let base: UnsafeMutablePointer<Float>

    /// `count` uninitialized floats (at least one, so `base` is always valid).
    public init(count: Int) {
        base = UnsafeMutableRawPointer.allocate(byteCount: max(1, count) * MemoryLayout<Float>.stride, alignment: 64)
            .bindMemory(to: Float.self, capacity: max(1, count))
    }

    public func deallocate() { base.deallocate() }
}
