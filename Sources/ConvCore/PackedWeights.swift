import Foundation
import GEMM

/// A convolution's weights in the layout its forward pass reads them in (the GEMM's
/// packed kernels, or their Winograd transforms, packed), kept from one call to the next
/// until the weights change: a layer applied to image after image packs them once.
///
/// `Conv2D` holds one and replaces it with an empty one whenever its weight is set, so an
/// entry always describes the weights of the layer that holds it; copies of a layer that
/// keep their weights share it. Entries past `limitBytes` in all are computed and used but
/// not kept, so a layer never holds more than that beside its weights. The backward pass
/// packs its own layouts each time: in training the weights change after every step.
final class PackedWeights: @unchecked Sendable {  // `entries` and `bytes` only under `lock`.
    /// Which layout: the GEMM's kernels, or one Winograd tiling's forward transforms.
    enum Layout: Hashable {
        case gemm
        case winograd(WinogradTile)
    }

    /// The most floats-in-bytes one layer keeps.
    static let limitBytes = 64 << 20

    private let lock = NSLock()
    private var entries: [Layout: [PackedMatrix]] = [:]
    private var bytes = 0

    /// The packed matrices of `layout`, made by `pack` the first time and kept while they fit.
    func matrices(_ layout: Layout, pack: () -> [PackedMatrix]) -> [PackedMatrix] {
        if let kept = lock.withLock({ entries[layout] }) { return kept }
        let matrices = pack()
        let size = matrices.reduce(0) { $0 + $1.bytes }
        lock.withLock {
            if entries[layout] == nil && bytes + size <= Self.limitBytes {
                entries[layout] = matrices
                bytes += size
            }
        }
        return matrices
    }

    /// Whether `layout` is kept (for tests).
    func holds(_ layout: Layout) -> Bool { lock.withLock { entries[layout] != nil } }
}
