import Foundation

/// Where a command writes its files, so that a failed run leaves nothing behind and no
/// file is ever seen half-written: every file is written into a hidden staging folder
/// inside the directory, and only when all are written are they moved into place, each
/// by a rename (atomic on one file system). The directory is created if it is missing,
/// and removed again if the run fails. Files may be written from several threads.
public final class OutputDirectory: @unchecked Sendable {  // `staged` is only touched under `lock`.
    public let url: URL
    private let staging: URL
    private let createdDirectory: Bool
    private var staged: [String] = []
    private var committed = false
    private let lock = NSLock()

    /// Creates (or checks) the directory and its staging folder: an output that cannot be
    /// created is an error here, before any work.
    public init(_ path: String) throws(UserError) {
        url = URL(fileURLWithPath: path)
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        let existed = manager.fileExists(atPath: url.path, isDirectory: &isDirectory)
        if existed && !isDirectory.boolValue {
            throw UserError(.cannotCreate, "cannot write into '\(path)': it is a file, not a directory")
        }
        do {
            if !existed { try manager.createDirectory(at: url, withIntermediateDirectories: true) }
        } catch {
            throw UserError(.cannotCreate, "cannot create the directory '\(path)'")
        }
        createdDirectory = !existed
        staging = url.appendingPathComponent(".conv-demo-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))")
        do {
            try manager.createDirectory(at: staging, withIntermediateDirectories: false)
        } catch {
            if createdDirectory { try? manager.removeItem(at: url) }
            throw UserError(.cannotCreate, "cannot write into the directory '\(path)'")
        }
    }

    deinit {
        if !committed { abandon() }
    }

    /// Writes a file into the staging folder; it appears in the directory at `commit`.
    public func write(_ bytes: [UInt8], as name: String) throws(UserError) {
        guard createFile(staging.appendingPathComponent(name).path, bytes) else {
            throw UserError(.cannotCreate, "cannot write '\(url.appendingPathComponent(name).path)'")
        }
        lock.withLock { staged.append(name) }
    }

    /// Moves every staged file into the directory, replacing files of the same names, and
    /// removes the staging folder. Returns the paths written.
    @discardableResult
    public func commit() throws(UserError) -> [String] {
        for name in staged {
            guard rename(staging.appendingPathComponent(name).path, url.appendingPathComponent(name).path) == 0 else {
                throw UserError(.cannotCreate, "cannot move '\(name)' into '\(url.path)'")
            }
        }
        committed = true
        try? FileManager.default.removeItem(at: staging)
        return staged.map { url.appendingPathComponent($0).path }
    }

    /// Removes the staging folder, and the directory if this run created it.
    public func abandon() {
        try? FileManager.default.removeItem(at: staging)
        if createdDirectory { try? FileManager.default.removeItem(at: url) }
    }
}

/// Writes one file atomically: into a temporary file beside it, then renamed over it, so
/// that the file is either complete or absent (or its old self) whatever happens.
public func writeAtomically(_ bytes: [UInt8], to path: String) throws(UserError) {
    let target = URL(fileURLWithPath: path)
    let temporary = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).\(UUID().uuidString.prefix(8)).tmp")
    guard createFile(temporary.path, bytes), rename(temporary.path, target.path) == 0 else {
        try? FileManager.default.removeItem(at: temporary)
        throw UserError(.cannotCreate, "cannot write '\(path)'")
    }
}

/// Creates (or replaces) a file holding `bytes`, without copying them first.
private func createFile(_ path: String, _ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBytes { buffer in
        FileManager.default.createFile(
            atPath: path,
            contents: Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!),
                           count: buffer.count, deallocator: .none))
    }
}
