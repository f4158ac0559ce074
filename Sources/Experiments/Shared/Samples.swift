import Foundation

/// The project's `Samples/` folder, which commands use when no input is given. Found next
/// to the sources this binary was built from (so `swift run` works from any directory),
/// else in the working directory.
let samplesDirectory: URL? = {
    // This file is Sources/Experiments/Shared/Samples.swift.
    let besideSources = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Samples")
    let inWorkingDirectory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Samples")
    return [besideSources, inWorkingDirectory].first { url in
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}()
