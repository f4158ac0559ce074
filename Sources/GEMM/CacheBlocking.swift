/// The cache block sizes of the five loops: KC fixed, MC and NC derived from the running
/// CPU's caches (`CPUCaches.running`) by a rule measured on two machines (docs/gemm.md,
/// "Why these block sizes"; docs/performance.md, "Choosing the block sizes"):
///
/// | size | packed operand       | rule                                          | 512 KiB L2, 8 MiB L3 |
/// |------|----------------------|-----------------------------------------------|----------------------|
/// | KC   | B̃ micro-panel KC×NR  | 512, on every CPU                             | 512 (32 KiB panel)   |
/// | MC   | Ã block MC×KC        | Ã in 3/8 of one core's L2, a multiple of MR, 24…384 | 96 (192 KiB)   |
/// | NC   | B̃ block KC×NC        | B̃ in 1/4 of L3, a multiple of 64, 256…1024   | 1024 (2 MiB)         |
///
/// KC is larger than the classic "B̃ micro-panel in half of L1" because the twelve FMAs
/// of a step of k take long enough for L2 to deliver the bytes of Ã and B̃ the step
/// reads many times over; a larger KC halves the traffic of C instead, which is read and
/// written once per pass. KC also fixes the order in which each element's sum over k is
/// accumulated, so it is the same on every CPU: the values of C depend on k alone, never
/// on the thread count, the caches or the kernel's tile. MC and NC only decide which
/// tiles are computed together. A wider NC measured no faster (its B̃ outgrows the
/// caches' share of other cores' work), hence the cap. A CPU whose caches the system
/// does not report gets the sizes in the last column.
struct CacheBlocking: Sendable {
    /// Greatest depth of the rank-k update done per pass of loop 4. Loop 4 splits k into
    /// equal passes of at most KC, so k = 576 is 2 × 288, not 512 + a thin 64.
    static let kc = 512
    /// Greatest number of rows of A packed per pass of loop 3 (a multiple of MR).
    let mc: Int
    /// Greatest number of columns of B packed per pass of loop 5 (a multiple of every NR).
    let nc: Int

    /// The sizes for the running CPU, which `sgemm` uses.
    static let running = CacheBlocking(CPUCaches.running)

    /// The sizes the rule gives for `caches`.
    init(_ caches: CPUCaches) {
        self.init(mc: Self.rowBlock(l2PerCore: caches.l2?.bytesPerCore), nc: Self.columnBlock(l3: caches.l3?.bytes))
    }

    /// Given sizes, for tests that show the values of C do not depend on them.
    /// - Precondition: `mc` is a multiple of MR and `nc` of 64.
    init(mc: Int, nc: Int) {
        precondition(mc > 0 && mc % GEMMKernel.rows == 0 && nc > 0 && nc % 64 == 0, "CacheBlocking: MC = \(mc), NC = \(nc)")
        (self.mc, self.nc) = (mc, nc)
    }

    /// MC for a core with `bytes` of L2: Ã (MC × KC floats) in 3/8 of it.
    static func rowBlock(l2PerCore bytes: Int?) -> Int {
        let mr = GEMMKernel.rows
        guard let bytes else { return 96 }
        let rows = 3 * bytes / 8 / (kc * MemoryLayout<Float>.size) / mr * mr
        return min(max(rows, 4 * mr), 64 * mr)
    }

    /// NC for an L3 of `bytes`: B̃ (KC × NC floats) in a quarter of it.
    static func columnBlock(l3 bytes: Int?) -> Int {
        guard let bytes else { return 1024 }
        let columns = bytes / 4 / (kc * MemoryLayout<Float>.size) / 64 * 64
        return min(max(columns, 256), 1024)
    }

    /// The depth of each pass of loop 4 over k: the passes are equal, each at most KC.
    static func passDepth(_ k: Int) -> Int { ceilDiv(k, ceilDiv(k, kc)) }
}
