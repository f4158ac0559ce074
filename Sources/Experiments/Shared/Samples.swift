import Foundation

/// The project's `Samples/` folder, which commands use when no input is given: the one in
/// the working directory (the package root, where the README's commands run), else the one
/// next to the sources this binary was built from (so `swift run` works from any directory).
let samplesDirectory: URL? = {
    // This file is Sources/Experiments/Shared/Samples.swift.
    let besideSources = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Samples")
    let inWorkingDirectory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Samples")
    return [inWorkingDirectory, besideSources].first { url in
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}()
