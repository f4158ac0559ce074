import ConvCore
import Reporting
import Foundation
import Safetensors
import Testing
import Training

@testable import Experiments

/// count-params --weights: a checkpoint's parameters by module, from its header alone.
struct CheckpointParametersTests {
    private func write(_ bytes: [UInt8]) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("conv-demo-weights-\(UUID().uuidString).safetensors")
        try Data(bytes).write(to: url)
        return url.path
    }

    @Test("ResNet-for-digits' checkpoint: modules to depth 1 and 2, parameters and buffers apart, totals as the spec counts them")
    func groups() throws {
        let text = try String(contentsOf: NetworkSummaryTestsPath.models.appendingPathComponent("resnet-digits.txt"), encoding: .utf8)
        let spec = try NetworkSpec(parsing: text)
        let path = try write(try Checkpoint.file(of: try Sequential(spec, seed: 1), spec: text).encoded())
        defer { try? FileManager.default.removeItem(atPath: path) }
        let summary = try NetworkSummary(spec)

        let top = try CheckpointParameters(file: path, depth: 1)
        #expect(top.groups.map(\.name) == ["bn1", "conv1", "fc", "layer1", "layer2"])
        #expect(top.totalParameters == summary.totalParameters)
        // Running mean and variance, and one batch counter per batch norm.
        let norms = summary.layers.filter { $0.statement.layer == .batchNorm }.count
        #expect(top.totalBuffers == summary.buffers + norms)
        #expect(top.groups.first { $0.name == "fc" }.map { ($0.tensors, $0.parameters, $0.buffers) } ?? (0, 0, 0) == (2, 330, 0))
        let deeper = try CheckpointParameters(file: path, depth: 2)
        #expect(deeper.groups.map(\.name).filter { $0.hasPrefix("layer") } == ["layer1.0", "layer1.1", "layer2.0", "layer2.1"])
        #expect(deeper.groups.reduce(0) { $0 + $1.parameters } == summary.totalParameters)
        #expect(top.dtypes.map(\.name) == ["F32", "I64"])
    }

    @Test("only the header is read: a checkpoint declaring 4 GB of data, sparse on disk, is counted at once")
    func headerOnly() throws {
        let header = #"{"w":{"dtype":"F32","shape":[1000000000],"data_offsets":[0,4000000000]}}"#
        var bytes = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian, Array.init) + Array(header.utf8)
        let path = try write(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: UInt64(bytes.count) + 4_000_000_000)
        try handle.close()
        let counted = try CheckpointParameters(file: path, depth: 1)
        #expect(counted.totalParameters == 1_000_000_000 && counted.groups.map(\.name) == ["w"])
        bytes.removeAll()
    }

    @Test("a file that is not safetensors, or whose data is shorter than its header says, is bad input; a missing one is missing")
    func errors() throws {
        let header = #"{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#
        let short = try write(withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian, Array.init) + Array(header.utf8) + [0, 0, 0, 0])
        defer { try? FileManager.default.removeItem(atPath: short) }
        #expect(throws: UserError(.badInput, "\(short): byte 55: tensor \"w\" ends at data byte 16, past the end of the data, which has 4 bytes")) {
            try CheckpointParameters(file: short, depth: 1)
        }
        let text = try write(Array("hello, world".utf8))
        defer { try? FileManager.default.removeItem(atPath: text) }
        #expect(throws: UserError.self) { try CheckpointParameters(file: text, depth: 1) }
        #expect(throws: UserError(.missingInput, "cannot read the weights file '/no/such.safetensors'")) {
            try CheckpointParameters(file: "/no/such.safetensors", depth: 1)
        }
    }

    @Test("names sort as people read them: numbers by value")
    func order() {
        #expect(["layer1.10", "layer1.2", "fc", "layer1.1"].sorted(by: naturalOrder) == ["fc", "layer1.1", "layer1.2", "layer1.10"])
    }
}

private enum NetworkSummaryTestsPath {
    static let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Samples/models")
}
