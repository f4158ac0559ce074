import Foundation
import Testing

@testable import GEMM

/// Which kernel runs and with which block sizes: the CPU's features and caches as the
/// operating system reports them, the rule that turns them into MC and NC, and the
/// environment variable that forces a kernel.
struct KernelChoiceTests {
    @Test("the flags of /proc/cpuinfo say which instruction sets can run")
    func cpuinfoFlags() {
        let zen3 = CPUFeatures(cpuinfo: "processor\t: 0\nflags\t\t: fpu sse2 avx fma avx2 bmi2\nbugs\t\t: sysret_ss_attrs\n")
        #expect(zen3 == CPUFeatures(avx2: true, fma: true, avx512f: false))
        #expect(zen3.canRun(.portable) && zen3.canRun(.avx2) && !zen3.canRun(.avx512))
        let zen4 = CPUFeatures(cpuinfo: "flags : fpu avx2 fma avx512f avx512dq avx512vl\nflags : ignored")
        #expect(zen4.canRun(.avx512))
        // AVX2 without FMA (VIA, some emulators) runs only the portable kernel; "avx512fp16" is not "avx512f".
        let odd = CPUFeatures(cpuinfo: "flags : avx2 avx512fp16")
        #expect(odd == CPUFeatures(avx2: true) && !odd.canRun(.avx2) && !odd.canRun(.avx512))
        #expect(CPUFeatures(cpuinfo: "") == CPUFeatures())
        #expect(CPUFeatures(cpuinfo: "model name : flags avx2 fma") == CPUFeatures())
    }

    @Test("the kernels this CPU runs: the portable one always, the widest selected unless one is named")
    func availableKernels() {
        #expect(GEMMKernel.compiled.first?.instructionSet == .portable)
        #expect(GEMMKernel.available.map(\.instructionSet) == GEMMKernel.available.map(\.instructionSet).sorted())
        #expect(GEMMKernel.available.allSatisfy { CPUFeatures.running.canRun($0.instructionSet) && $0.columns == 2 * $0.vectorLanes })
        if ProcessInfo.processInfo.environment[GEMMKernel.environmentVariable] == nil {
            #expect(GEMMKernel.selected.instructionSet == GEMMKernel.available.last?.instructionSet)
        }
        #if arch(x86_64)
        #expect(!GEMMKernel.compiled[0].fusedMultiplyAdd, "x86-64's portable kernel must not call fmaf per lane")
        #endif
    }

    @Test("CONV_DEMO_KERNEL names a kernel, or fails with the reason and what this CPU runs")
    func environmentVariable() throws {
        #expect(try GEMMKernel.fromEnvironment([:]) == nil)
        #expect(try GEMMKernel.fromEnvironment(["CONV_DEMO_KERNEL": ""]) == nil)
        #expect(try GEMMKernel.fromEnvironment(["CONV_DEMO_KERNEL": "PORTABLE"])?.instructionSet == .portable)
        do {
            _ = try GEMMKernel.named("sse9")
            Issue.record("an unknown kernel was accepted")
        } catch {
            #expect(error.description == "CONV_DEMO_KERNEL=sse9: no such kernel (portable, avx2, avx512)")
        }
        for set in InstructionSet.allCases where !GEMMKernel.available.contains(where: { $0.instructionSet == set }) {
            do {
                _ = try GEMMKernel.named(set.rawValue)
                Issue.record("\(set) was accepted")
            } catch {
                #expect(error.description.hasPrefix("CONV_DEMO_KERNEL=\(set.rawValue): this "), "\(error)")
                #expect(error.description.hasSuffix(GEMMKernel.available.map(\.instructionSet.rawValue).joined(separator: ", ") + ")"))
            }
        }
    }

    @Test("a Linux cache folder gives each level's size and sharing")
    func sysfsCaches() {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/sysfs-cache").path
        let caches = CPUCaches(sysfs: folder)
        #expect(caches.l2 == CPUCaches.Level(bytes: 1 << 20, sharedBy: 2))
        #expect(caches.l3 == CPUCaches.Level(bytes: 32 << 20, sharedBy: 16))
        #expect(caches.l2?.bytesPerCore == 512 << 10)
        #expect(CPUCaches(sysfs: "/nonexistent") == CPUCaches())
        #expect(CPUCaches.bytes(fromSize: "512K") == 512 << 10)
        #expect(CPUCaches.bytes(fromSize: "32M") == 32 << 20)
        #expect(CPUCaches.bytes(fromSize: "4096") == 4096)
        for bad in ["", "K", "-1K", "0K", "12Q", "99999999999999999999K"] { #expect(CPUCaches.bytes(fromSize: bad) == nil, "\(bad)") }
        #expect(CPUCaches.count(ofCPUList: "0-7,16-23") == 16)
        #expect(CPUCaches.count(ofCPUList: "3") == 1)
        #expect(CPUCaches.count(ofCPUList: "garbage") == 1)
    }

    @Test("MC and NC follow the stated rule: Ã in 3/8 of a core's L2, B̃ in 1/4 of L3, within bounds")
    func blockSizes() {
        #expect(CacheBlocking.rowBlock(l2PerCore: 512 << 10) == 96)      // Zen 1 to 3: the measured 96
        #expect(CacheBlocking.rowBlock(l2PerCore: 1 << 20) == 192)       // Zen 4, Skylake-SP
        #expect(CacheBlocking.rowBlock(l2PerCore: 256 << 10) == 48)      // Haswell
        #expect(CacheBlocking.rowBlock(l2PerCore: 3 << 20) == 384)       // Apple M1's 12 MiB shared by 4: capped
        #expect(CacheBlocking.rowBlock(l2PerCore: 16 << 10) == 24)       // tiny: at least four tiles
        #expect(CacheBlocking.rowBlock(l2PerCore: nil) == 96)
        #expect(CacheBlocking.columnBlock(l3: 8 << 20) == 1024)
        #expect(CacheBlocking.columnBlock(l3: 32 << 20) == 1024)
        #expect(CacheBlocking.columnBlock(l3: 4 << 20) == 512)
        #expect(CacheBlocking.columnBlock(l3: 1 << 20) == 256)
        #expect(CacheBlocking.columnBlock(l3: nil) == 1024)
        let running = CacheBlocking.running
        #expect(running.mc % GEMMKernel.rows == 0 && running.nc % 64 == 0)
    }
}
