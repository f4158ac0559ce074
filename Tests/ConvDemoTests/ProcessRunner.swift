import Foundation
import Testing

/// What one run of the built `conv-demo` produced.
struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// The directory SwiftPM builds products into, where `conv-demo` sits beside the tests.
let productsDirectory: URL = {
    #if os(macOS)
    if let bundle = Bundle.allBundles.first(where: { $0.bundlePath.hasSuffix(".xctest") }) {
        return bundle.bundleURL.deletingLastPathComponent()
    }
    #endif
    return Bundle.main.bundleURL
}()

/// Runs `conv-demo` (or `binary`) with `arguments`, in `directory` if given, with these
/// variables added to the environment, and waits for it. Output goes to temporary files,
/// so no amount of it can block the child on a full pipe.
func runBuiltBinary(_ arguments: [String], in directory: URL? = nil, binary: URL? = nil, environment: [String: String] = [:]) throws -> ProcessResult {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("conv-demo-run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let stdoutURL = scratch.appendingPathComponent("stdout"), stderrURL = scratch.appendingPathComponent("stderr")
    guard FileManager.default.createFile(atPath: stdoutURL.path, contents: nil),
          FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
    else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: scratch.path]) }

    let process = Process()
    process.executableURL = binary ?? productsDirectory.appendingPathComponent("conv-demo")
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
    process.standardError = try FileHandle(forWritingTo: stderrURL)
    try process.run()
    process.waitUntilExit()
    return ProcessResult(
        status: process.terminationStatus,
        stdout: try String(contentsOf: stdoutURL, encoding: .utf8),
        stderr: try String(contentsOf: stderrURL, encoding: .utf8))
}

/// Compares `text` with the golden file `Fixtures/name`. With `CONV_DEMO_UPDATE_GOLDEN=1`
/// in the environment it rewrites the file instead (then review the diff).
func expectGolden(_ text: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
    if ProcessInfo.processInfo.environment["CONV_DEMO_UPDATE_GOLDEN"] == "1" {
        try text.write(to: url, atomically: true, encoding: .utf8)
        return
    }
    let golden = try String(contentsOf: url, encoding: .utf8)
    #expect(text == golden, "differs from Fixtures/\(name)", sourceLocation: sourceLocation)
}
