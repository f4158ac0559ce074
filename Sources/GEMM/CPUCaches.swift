import Foundation

#if canImport(Darwin)
import Darwin
#endif

/// The data caches of the running CPU, for the block sizes (`CacheBlocking`): each level's
/// size and how many cores share it, from `/sys/devices/system/cpu/cpu0/cache` on Linux
/// and `sysctl hw.perflevel0.*` (the performance cores) or `hw.*cachesize` on macOS.
/// A level the system does not report is nil.
package struct CPUCaches: Sendable, Equatable {
    /// One level: its size in bytes and the cores that share it.
    package struct Level: Sendable, Equatable {
        package var bytes: Int
        package var sharedBy: Int

        package init(bytes: Int, sharedBy: Int) { (self.bytes, self.sharedBy) = (bytes, max(1, sharedBy)) }

        /// One core's share.
        package var bytesPerCore: Int { bytes / sharedBy }
    }

    package var l2: Level?
    package var l3: Level?

    package init(l2: Level? = nil, l3: Level? = nil) { (self.l2, self.l3) = (l2, l3) }

    /// The running CPU's.
    package static let running: CPUCaches = {
        #if os(Linux)
        return CPUCaches(sysfs: "/sys/devices/system/cpu/cpu0/cache")
        #elseif canImport(Darwin)
        func value(_ name: String) -> Int? {
            var value: Int64 = 0
            var size = MemoryLayout<Int64>.size
            return sysctlbyname(name, &value, &size, nil, 0) == 0 && value > 0 ? Int(value) : nil
        }
        func level(_ sizeName: String, sharedBy sharingName: String? = nil) -> Level? {
            value(sizeName).map { Level(bytes: $0, sharedBy: sharingName.flatMap(value) ?? 1) }
        }
        return CPUCaches(
            l2: level("hw.perflevel0.l2cachesize", sharedBy: "hw.perflevel0.cpusperl2") ?? level("hw.l2cachesize"),
            l3: level("hw.perflevel0.l3cachesize", sharedBy: "hw.perflevel0.cpusperl3") ?? level("hw.l3cachesize"))
        #else
        return CPUCaches()
        #endif
    }()

    /// The caches described under a Linux `cache` folder: `index*/level`, `type`, `size`
    /// (`512K`, `32M`) and `shared_cpu_list` (`0-1,4`) in each.
    package init(sysfs folder: String) {
        self.init()
        let indices = (try? FileManager.default.contentsOfDirectory(atPath: folder))?.filter { $0.hasPrefix("index") } ?? []
        for index in indices {
            func read(_ name: String) -> String? {
                (try? String(contentsOfFile: "\(folder)/\(index)/\(name)", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            guard let type = read("type"), type == "Data" || type == "Unified",
                  let level = read("level").flatMap({ Int($0) }),
                  let bytes = read("size").flatMap(Self.bytes(fromSize:))
            else { continue }
            let found = Level(bytes: bytes, sharedBy: read("shared_cpu_list").map(Self.count(ofCPUList:)) ?? 1)
            if level == 2 { l2 = found } else if level == 3 { l3 = found }
        }
    }

    /// `512K` → 524288, `32M` → 33554432, `1024` → 1024; nil for anything else.
    static func bytes(fromSize text: String) -> Int? {
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        guard let last = text.last else { return nil }
        let (digits, unit) = units[last].map { (text.dropLast(), $0) } ?? (Substring(text), 1)
        guard let number = Int(digits), number > 0, number <= Int(Int32.max) else { return nil }
        return number * unit
    }

    /// The number of CPUs in a list such as `0-3,8,10-11`; at least 1.
    static func count(ofCPUList list: String) -> Int {
        let count = list.split(separator: ",").reduce(0) { total, part in
            let bounds = part.split(separator: "-").compactMap { Int($0) }
            guard let first = bounds.first, let last = bounds.last, last >= first, last - first < 1 << 16 else { return total }
            return total + last - first + 1
        }
        return max(1, count)
    }
}
