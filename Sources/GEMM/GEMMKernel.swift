import Foundation
import _GEMMKernelsPortable
#if canImport(_GEMMKernelsAVX2)
import _GEMMKernelsAVX2
#endif
#if canImport(_GEMMKernelsAVX512)
import _GEMMKernelsAVX512
#endif

/// One GEMM kernel compiled into this build: loops 2 and 1 (BLIS's macro-kernel) around
/// a micro-kernel, and the packing of the operands, for one instruction set.
///
/// The same kernel source is compiled once per instruction set, each in a target of its
/// own with that set's code-generation flags (`_GEMMKernelsPortable`, `_GEMMKernelsAVX2`,
/// `_GEMMKernelsAVX512`), and `sgemm` runs the widest one the running CPU has
/// (`selected`). So one binary uses AVX-512 where there is AVX-512 and still runs on any
/// x86-64, whatever machine built it. Every kernel has MR = 6 rows, so op(A) is packed
/// the same way for all; only NR, the width of B̃'s panels, differs. Kernels with a fused
/// multiply-add give the same bits as each other; the portable x86-64 kernel's separate
/// multiply and add differ from them in the last bits.
public struct GEMMKernel: Sendable, CustomStringConvertible {
    /// MR: the rows of every kernel's tile.
    public static let rows = 6

    public let instructionSet: InstructionSet
    /// NR: the columns of its tile, two vectors.
    public let columns: Int
    /// Floats per vector register.
    public let vectorLanes: Int
    /// Whether each product and sum is rounded once (a fused multiply-add) or twice.
    public let fusedMultiplyAdd: Bool
    /// `MacroKernel.multiply` of its target.
    let macroKernel: MultiplyBlock
    /// `Packing.packPanels` of its target.
    private let packPanels: PackPanels

    /// "avx2: a 6×16 tile on SIMD8<Float>, fused multiply-add (AVX2 + FMA)".
    public var description: String {
        let arithmetic = fusedMultiplyAdd ? "fused multiply-add" : "separate multiply and add"
        return "\(instructionSet.rawValue): a \(Self.rows)×\(columns) tile on SIMD\(vectorLanes)<Float>, \(arithmetic) (\(instructionSet))"
    }

    /// The kernels this build holds, the portable one first.
    public static let compiled: [GEMMKernel] = {
        var kernels = [GEMMKernel(
            .portable, _GEMMKernelsPortable.MacroKernel.tile, _GEMMKernelsPortable.MacroKernel.vectorLanes,
            _GEMMKernelsPortable.MacroKernel.fusedMultiplyAdd, _GEMMKernelsPortable.MacroKernel.multiply,
            _GEMMKernelsPortable.Packing.packPanels)]
        #if canImport(_GEMMKernelsAVX2)
        kernels.append(GEMMKernel(
            .avx2, _GEMMKernelsAVX2.MacroKernel.tile, _GEMMKernelsAVX2.MacroKernel.vectorLanes,
            _GEMMKernelsAVX2.MacroKernel.fusedMultiplyAdd, _GEMMKernelsAVX2.MacroKernel.multiply,
            _GEMMKernelsAVX2.Packing.packPanels))
        #endif
        #if canImport(_GEMMKernelsAVX512)
        kernels.append(GEMMKernel(
            .avx512, _GEMMKernelsAVX512.MacroKernel.tile, _GEMMKernelsAVX512.MacroKernel.vectorLanes,
            _GEMMKernelsAVX512.MacroKernel.fusedMultiplyAdd, _GEMMKernelsAVX512.MacroKernel.multiply,
            _GEMMKernelsAVX512.Packing.packPanels))
        #endif
        return kernels
    }()

    /// The compiled kernels the running CPU can run, the portable one first.
    public static let available = compiled.filter { CPUFeatures.running.canRun($0.instructionSet) }

    /// The kernel `sgemm` uses: the one `CONV_DEMO_KERNEL` names, else the widest available.
    /// (An environment variable that names no available kernel is reported by
    /// `fromEnvironment()`, which the command-line tool checks first; here it is ignored.)
    public static let selected: GEMMKernel = ((try? fromEnvironment()) ?? nil) ?? available.last!

    /// The environment variable that forces a kernel: `portable`, `avx2` or `avx512`.
    public static let environmentVariable = "CONV_DEMO_KERNEL"

    /// The available kernel that `CONV_DEMO_KERNEL` names, nil where it is unset or empty.
    /// - Throws: `GEMMKernel.Unavailable` where it names no kernel, one this build lacks
    ///   or one the running CPU cannot run.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws(Unavailable) -> GEMMKernel? {
        guard let name = environment[environmentVariable], !name.isEmpty else { return nil }
        return try named(name)
    }

    /// The available kernel for the instruction set `name` (`portable`, `avx2`, `avx512`).
    public static func named(_ name: String) throws(Unavailable) -> GEMMKernel {
        guard let instructionSet = InstructionSet(rawValue: name.lowercased()) else { throw .unknown(name) }
        guard CPUFeatures.running.canRun(instructionSet) else { throw .notOnThisCPU(instructionSet) }
        guard let kernel = available.first(where: { $0.instructionSet == instructionSet }) else { throw .notInThisBuild(instructionSet) }
        return kernel
    }

    /// Why a named kernel cannot run.
    public enum Unavailable: Error, CustomStringConvertible {
        case unknown(String)
        case notOnThisCPU(InstructionSet)
        case notInThisBuild(InstructionSet)

        public var description: String {
            let names = GEMMKernel.available.map(\.instructionSet.rawValue).joined(separator: ", ")
            return switch self {
            case .unknown(let name): "\(GEMMKernel.environmentVariable)=\(name): no such kernel (\(InstructionSet.allCases.map(\.rawValue).joined(separator: ", ")))"
            case .notOnThisCPU(let set): "\(GEMMKernel.environmentVariable)=\(set.rawValue): this CPU has no \(set) (it runs: \(names))"
            case .notInThisBuild(let set): "\(GEMMKernel.environmentVariable)=\(set.rawValue): this build has no \(set) kernel (it has: \(names))"
            }
        }
    }

    /// A target's `MacroKernel.multiply`: C (rows × columns, leading dimension ldc) =
    /// α · Ã · B̃ + β · C for one packed block of op(A) and one of op(B).
    typealias MultiplyBlock = @Sendable (
        _ depth: Int, _ packedA: UnsafeBufferPointer<Float>, _ rows: Int,
        _ packedB: UnsafeBufferPointer<Float>, _ columns: Range<Int>,
        _ alpha: Float, _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int) -> Void

    /// A target's `Packing.packPanels`: a strided depth × width view into panels.
    private typealias PackPanels = @Sendable (
        _ base: UnsafePointer<Float>, _ rowStride: Int, _ columnStride: Int, _ depth: Int, _ columns: Range<Int>,
        _ width: Int, _ panelWidth: Int, _ buffer: UnsafeMutableBufferPointer<Float>) -> Void

    private init(
        _ instructionSet: InstructionSet, _ tile: (rows: Int, columns: Int), _ lanes: Int, _ fused: Bool,
        _ macroKernel: @escaping MultiplyBlock,
        _ packPanels: @escaping PackPanels
    ) {
        precondition(tile.rows == Self.rows, "GEMMKernel: the \(instructionSet) kernel has \(tile.rows) rows, not \(Self.rows)")
        precondition(64 % tile.columns == 0, "GEMMKernel: NR = \(tile.columns) does not divide the column blocks (multiples of 64)")
        (self.instructionSet, columns, vectorLanes, fusedMultiplyAdd, self.macroKernel) = (instructionSet, tile.columns, lanes, fused, macroKernel)
        self.packPanels = packPanels
    }

    /// Packs columns `columns` of the depth × width view `x` into panels of `panelWidth`
    /// columns (`Packing.packPanels`, with this kernel's vectors).
    func pack(_ x: StridedMatrix, depth: Int, columns: Range<Int>, width: Int, panelWidth: Int, into buffer: UnsafeMutableBufferPointer<Float>) {
        packPanels(x.base, x.rowStride, x.columnStride, depth, columns, width, panelWidth, buffer)
    }
}
