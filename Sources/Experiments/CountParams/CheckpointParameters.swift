import Foundation
import Reporting
import Safetensors

/// `count-params --weights FILE`: the parameters of any safetensors checkpoint, from its
/// header alone (tensor names and shapes, never the data, so a checkpoint of any size is
/// read in a few kilobytes), grouped by the modules their names give.
///
/// A tensor's module is its name without the last part (`layer1.0.conv1` for
/// `layer1.0.conv1.weight`); `depth` keeps that many leading parts, so that depth 1
/// groups ResNet-18's tensors into conv1, bn1, layer1 … fc. Tensors named as PyTorch names
/// a batch norm's running statistics (`running_mean`, `running_var`,
/// `num_batches_tracked`) are buffers, counted apart: a checkpoint holds them, training
/// never changes them by gradient.
public struct CheckpointParameters: Report, Sendable {
    public struct Group: Sendable {
        public let name: String
        public let tensors: Int
        public let parameters: Int
        public let buffers: Int
    }

    public let file: String
    public let depth: Int
    public let groups: [Group]
    public let totalParameters: Int
    public let totalBuffers: Int
    /// How many tensors of each dtype, by dtype name.
    public let dtypes: [(name: String, tensors: Int)]
    public let fileBytes: Int

    public static let bufferNames: Set<String> = ["running_mean", "running_var", "num_batches_tracked"]

    /// - Throws: `UserError`: the file missing or unreadable (66), not safetensors or
    ///   counts beyond 64 bits (65).
    public init(file: String, depth: Int) throws(UserError) {
        let header = try Self.readHeader(file)
        var groups: [String: (tensors: Int, parameters: Int, buffers: Int)] = [:]
        var totals = (parameters: 0, buffers: 0)
        var dtypes: [String: Int] = [:]
        for entry in header.entries {
            let parts = entry.name.split(separator: ".", omittingEmptySubsequences: false)
            let module = parts.count == 1 ? entry.name : parts.dropLast().prefix(depth).joined(separator: ".")
            let isBuffer = parts.count > 1 && Self.bufferNames.contains(String(parts.last!))
            let (elements, overflow) = entry.shape.reduce((1, false)) { product, dimension in
                let (next, overflow) = product.0.multipliedReportingOverflow(by: dimension)
                return (next, product.1 || overflow)
            }
            var group = groups[module] ?? (0, 0, 0)
            group.tensors += 1
            let sums = isBuffer ? (group.buffers.addingReportingOverflow(elements), totals.buffers.addingReportingOverflow(elements))
                                : (group.parameters.addingReportingOverflow(elements), totals.parameters.addingReportingOverflow(elements))
            guard !overflow, !sums.0.overflow, !sums.1.overflow else {
                throw UserError(.badInput, "\(file): tensor '\(entry.name)' makes a count beyond 64 bits")
            }
            if isBuffer { (group.buffers, totals.buffers) = (sums.0.partialValue, sums.1.partialValue) } else {
                (group.parameters, totals.parameters) = (sums.0.partialValue, sums.1.partialValue)
            }
            groups[module] = group
            dtypes[entry.dtype.rawValue, default: 0] += 1
        }
        self.file = file
        self.depth = depth
        self.groups = groups.keys.sorted(by: naturalOrder).map { Group(name: $0, tensors: groups[$0]!.tensors, parameters: groups[$0]!.parameters, buffers: groups[$0]!.buffers) }
        (totalParameters, totalBuffers) = totals
        self.dtypes = dtypes.keys.sorted().map { ($0, dtypes[$0]!) }
        fileBytes = header.fileSize
    }

    /// The header of a safetensors file and the file's size, read without its data.
    private static func readHeader(_ path: String) throws(UserError) -> (entries: [SafetensorsHeader.Entry], fileSize: Int) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
              let handle = FileHandle(forReadingAtPath: path),
              let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int else {
            throw UserError(.missingInput, "cannot read the weights file '\(path)'")
        }
        defer { try? handle.close() }
        do {
            let first = [UInt8](try handle.read(upToCount: 8) ?? Data())
            // A length beyond the limit or the file is refused by the header's own checks.
            let length = SafetensorsHeader.headerLength(first).map { min($0, UInt64(SafetensorsFile.defaultHeaderLimit), UInt64(max(size - 8, 0))) } ?? 0
            let rest = [UInt8](try handle.read(upToCount: Int(length)) ?? Data())
            let bytes = first + rest
            let header = try bytes.withUnsafeBytes { buffer throws(SafetensorsError) in try SafetensorsHeader(reading: buffer, fileSize: size) }
            return (header.entries, size)
        } catch let error as SafetensorsError {
            throw UserError(.badInput, "\(path): \(error)")
        } catch {
            throw UserError(.missingInput, "cannot read the weights file '\(path)'")
        }
    }

    public var text: String {
        var table = TextTable([("module", .left), ("tensors", .right), ("params", .right), ("buffers", .right)])
        for group in groups {
            table.append([group.name, grouped(group.tensors), grouped(group.parameters), group.buffers == 0 ? "" : grouped(group.buffers)])
        }
        return """
            Weights: \(file) (\(humanBytes(fileBytes)), \(dtypes.map { "\(grouped($0.tensors)) \($0.name)" }.joined(separator: ", ")) tensors)

            \(table.rendered())
            total parameters  \(grouped(totalParameters))
            buffers           \(grouped(totalBuffers))\(totalBuffers > 0 ? " (batch norms' running statistics: saved, not trained; not parameters)" : "")

            Modules are tensor names without their last part, to depth \(depth) (--depth); from the header
            alone, so the counts hold whatever framework wrote the file.

            """
    }

    public var json: JSON {
        .object([
            ("file", .string(file)), ("file_bytes", .int(fileBytes)), ("depth", .int(depth)),
            ("modules", .array(groups.map { .object([("name", .string($0.name)), ("tensors", .int($0.tensors)), ("params", .int($0.parameters)), ("buffers", .int($0.buffers))]) })),
            ("total_params", .int(totalParameters)), ("buffers", .int(totalBuffers)),
            ("dtypes", .object(dtypes.map { ($0.name, JSON.int($0.tensors)) })),
        ])
    }
}

/// Dotted names in reading order, numbers by value: `layer1.2` before `layer1.10`.
func naturalOrder(_ a: String, _ b: String) -> Bool {
    let (left, right) = (a.split(separator: ".", omittingEmptySubsequences: false), b.split(separator: ".", omittingEmptySubsequences: false))
    for (x, y) in zip(left, right) where x != y {
        if let m = Int(x), let n = Int(y) { return m < n }
        return x < y
    }
    return left.count < right.count
}
