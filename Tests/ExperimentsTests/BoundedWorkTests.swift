import ConvCore
import Experiments
import Foundation
import Reporting
import Testing

/// Hostile settings and files: each is refused before any work, with the culprit named
/// and the right kind of error, and leaves nothing behind.
struct BoundedWorkTests {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Samples")

    private func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("conv-demo-bounds-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    private func experiment(in folder: URL) -> FeatureMapExperiment {
        var experiment = FeatureMapExperiment()
        experiment.image = Self.samples.appendingPathComponent("camera.pgm").path
        experiment.output = folder.appendingPathComponent("a/b/maps").path
        experiment.threads = 1
        return experiment
    }

    private func error(_ body: () throws -> Void) -> UserError? {
        do { try body() } catch let error as UserError { return error } catch { return nil }
        return nil
    }

    @Test("padding that makes the maps huge is a usage error sized before any allocation; products past 64 bits too")
    func hugePadding() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        for padding in [10_000, 100_000, 500_000_000, Int.max / 4] {
            var experiment = experiment(in: folder)
            experiment.padding = .explicit(Size2D(padding))
            let refusal = try #require(error { _ = try experiment.run { _ in } })
            #expect(refusal.kind == .usage, "\(padding): \(refusal.message)")
            #expect(refusal.message.contains("--memory-limit") || refusal.message.contains("64-bit") || refusal.message.contains("Int"), "\(refusal.message)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test("an image larger than the memory limit allows is bad input, refused before its samples are allocated")
    func imageBeyondTheLimit() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        var experiment = experiment(in: folder)
        experiment.memoryLimit = 1 << 20
        let refusal = try #require(error { _ = try experiment.run { _ in } })
        #expect(refusal.kind == .badInput)
        #expect(refusal.message.hasSuffix("a 512×512 image (262,144 pixels) would need about 11.5 MiB; the limit is 1 MiB (raise it with --memory-limit)"))
        // A header claiming 2^28 pixels, on a file of a few bytes: refused by the limit, not read.
        let claim = folder.appendingPathComponent("claim.pgm")
        #expect(FileManager.default.createFile(atPath: claim.path, contents: Data("P5 16384 16384 255\n".utf8)))
        experiment.image = claim.path
        experiment.memoryLimit = defaultMemoryLimit
        let big = try #require(error { _ = try experiment.run { _ in } })
        #expect(big.kind == .badInput && big.message.hasSuffix("claim.pgm: a 16384×16384 image (268,435,456 pixels) would need about 11.5 GiB; the limit is 4 GiB (raise it with --memory-limit)"), "\(big.message)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["claim.pgm"])
    }

    @Test("many kernels from a file: the maps' memory is bad input of the file, and the names are checked by hashing")
    func manyKernels() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("many.txt")
        #expect(FileManager.default.createFile(atPath: file.path, contents: Data((0..<60_000).map { "kernel k\($0)\n1\n" }.joined().utf8)))
        var experiment = experiment(in: folder)
        experiment.kernels = [file.path]
        let refusal = try #require(error { _ = try experiment.run { _ in } })
        #expect(refusal.kind == .badInput && refusal.message.contains("60000 maps of up to 512×512 from '") && refusal.message.contains("' and the kernels of '\(file.path)' would need about"), "\(refusal.message)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["many.txt"])
    }

    @Test("a kernel named like a random filter's map clashes before any work")
    func randomNameClash() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("clash.txt")
        #expect(FileManager.default.createFile(atPath: file.path, contents: Data("kernel random-2\n1\n".utf8)))
        var experiment = experiment(in: folder)
        experiment.kernels = [file.path]
        experiment.random = .init(count: 3, size: Size2D(3), scheme: .frameworkDefault, initializer: .frameworkDefault, seed: 1)
        #expect(throws: UserError(.usage, "two maps are named random-2 (--random names its maps random-1, random-2, …): each map needs a name of its own")) {
            _ = try experiment.run { _ in }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["clash.txt"])
    }

    @Test("a directory of someone else's files is never written into, and stays as it was")
    func foreignDirectory() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        var experiment = experiment(in: folder)
        experiment.output = folder.path
        #expect(FileManager.default.createFile(atPath: folder.appendingPathComponent("notes.txt").path, contents: Data()))
        let refusal = try #require(error { _ = try experiment.run { _ in } })
        #expect(refusal.kind == .cannotCreate)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["notes.txt"])
    }

    @Test("text inputs are read with a byte cap, whatever size the file system reports: links, /dev/zero, /proc")
    func cappedReads() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let link = folder.appendingPathComponent("zero.txt")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "/dev/zero")
        #expect(throws: UserError(.badInput, "the model file '\(link.path)' has more than 1,048,576 bytes; it is not one")) {
            _ = try ModelSource(link.path)
        }
        let big = folder.appendingPathComponent("big.txt")
        #expect(FileManager.default.createFile(atPath: big.path, contents: Data(repeating: UInt8(ascii: "#"), count: (1 << 20) + 1)))
        let bigLink = folder.appendingPathComponent("small-looking.txt")
        try FileManager.default.createSymbolicLink(atPath: bigLink.path, withDestinationPath: big.path)
        #expect(throws: UserError(.badInput, "the model file '\(bigLink.path)' has more than 1,048,576 bytes; it is not one")) {
            _ = try ModelSource(bigLink.path)
        }
        #if os(Linux)
        let status = try ModelSource("/proc/self/status")  // Reported as 0 bytes; read all the same.
        #expect(status.text.hasPrefix("Name:"))
        #endif
        let nul = folder.appendingPathComponent("nul.txt")
        #expect(FileManager.default.createFile(atPath: nul.path, contents: Data("input 8x8\nconv 2\0 k=3\n".utf8)))
        #expect(throws: UserError(.badInput, "\(nul.path):2:7: a NUL byte; the model file is text")) { _ = try ModelSource(nul.path) }
    }
}
