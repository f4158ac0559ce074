import Foundation

/// Asks glibc to keep large allocations in its heap, so that freed memory is reused.
///
/// By default glibc maps each allocation over 32 MiB (the output of a layer on a 1080p
/// image) afresh and unmaps it when freed, so every call of such a layer pays one page
/// fault per 4 KiB, each page zeroed by the kernel: on the 1080p benchmark layers that
/// took more time than the convolution itself. With mmap off and up to 1 GiB of freed
/// memory kept (`M_MMAP_MAX` 0, `M_TRIM_THRESHOLD` 1 GiB), the next call reuses the
/// pages it freed, as a caching allocator would. Peak memory does not grow; what was
/// freed is not returned to the system until the process exits. Elsewhere (macOS, musl)
/// nothing changes.
func keepFreedMemoryForReuse() {
    #if os(Linux)
    // mallopt is in <malloc.h>, which Swift's Glibc module does not import; its
    // parameters' values are glibc's ABI: M_TRIM_THRESHOLD = -1, M_MMAP_MAX = -4.
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
    let mallopt = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
    _ = mallopt(-4, 0)
    _ = mallopt(-1, 1 << 30)
    #endif
}
