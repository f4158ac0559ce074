import Foundation

#if canImport(Darwin)
import Darwin
#endif

/// The vector instructions the running CPU can execute, as the operating system reports
/// them: the `flags` of `/proc/cpuinfo` on Linux, `sysctl hw.optional.*` on macOS. Both
/// list only what the kernel has enabled, so AVX-512 shows only where the system also
/// saves its registers. Read once, at the first use.
package struct CPUFeatures: Sendable, Equatable {
    package var avx2 = false
    package var fma = false
    package var avx512f = false

    package init(avx2: Bool = false, fma: Bool = false, avx512f: Bool = false) {
        (self.avx2, self.fma, self.avx512f) = (avx2, fma, avx512f)
    }

    /// The features named on the first `flags` line of a `/proc/cpuinfo` text.
    package init(cpuinfo: String) {
        let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) ?? ""
        let flags = Set(line.drop(while: { $0 != ":" }).dropFirst().split(whereSeparator: { $0 == " " || $0 == "\t" }))
        self.init(avx2: flags.contains("avx2"), fma: flags.contains("fma"), avx512f: flags.contains("avx512f"))
    }

    /// The running CPU's.
    package static let running: CPUFeatures = {
        #if arch(x86_64) && os(Linux)
        return (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)).map(CPUFeatures.init(cpuinfo:)) ?? CPUFeatures()
        #elseif arch(x86_64) && canImport(Darwin)
        func flag(_ name: String) -> Bool {
            var value: Int32 = 0
            var size = MemoryLayout<Int32>.size
            return sysctlbyname(name, &value, &size, nil, 0) == 0 && value != 0
        }
        return CPUFeatures(avx2: flag("hw.optional.avx2_0"), fma: flag("hw.optional.fma"), avx512f: flag("hw.optional.avx512f"))
        #else
        return CPUFeatures()  // arm64: the portable kernel already has NEON and FMA.
        #endif
    }()

    /// Whether code compiled for `instructionSet` runs here.
    package func canRun(_ instructionSet: InstructionSet) -> Bool {
        switch instructionSet {
        case .portable: true
        case .avx2: avx2 && fma
        case .avx512: avx512f && avx2 && fma
        }
    }
}
