import Foundation

/// A directory of results that appears whole or not at all. Every file is written into a
/// hidden staging directory beside it; `commit` renames the staging directory into place
/// in one step (replacing a previous result as a unit), so that a failed, crashed or
/// interrupted run leaves neither a partial result nor a mix of old and new files.
///
/// The directory is marked as a result (a `.conv-demo` file inside): an existing directory
/// is replaced only when it carries that mark or is empty, never when it holds files of
/// someone else's. Folders created on the way to it are removed again if the run fails.
/// Files may be written from several threads.
public final class OutputDirectory: @unchecked Sendable {  // `written` is only touched under `lock`.
    /// The file inside every result directory that marks it as one.
    public static let marker = ".conv-demo"

    public let path: String
    private let url: URL
    private let staging: URL
    /// Folders this run created on the way to `url`, the deepest last.
    private let createdAncestors: [URL]
    private let names: Set<String>
    private var written: Set<String> = []
    private var finished = false
    private let lock = NSLock()

    /// Checks the directory and every name that will be written into it, creates the
    /// folders leading to it and the staging directory: all before any work, so that an
    /// output that cannot be made fails at once.
    /// - Parameter names: every file the result will hold.
    /// - Throws: `UserError` (cannot create) when the path is empty or a file, a directory
    ///   there holds files that are not a result, a name is invalid, too long for the file
    ///   system or given twice, or a folder cannot be created.
    public init(_ path: String, names: [String]) throws(UserError) {
        guard !path.isEmpty else { throw UserError(.cannotCreate, "the output directory's path is empty") }
        self.path = path
        url = URL(fileURLWithPath: path).standardizedFileURL
        var seen = Set<String>()
        for name in names {
            try OutputDirectory.checkName(name, in: path)
            guard seen.insert(name).inserted else { throw UserError(.cannotCreate, "two outputs would both be '\(path)/\(name)'") }
        }
        self.names = seen
        try OutputDirectory.checkReplaceable(url, path: path)
        createdAncestors = try createAncestors(of: url, path: path)
        staging = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).staging-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))")
        CleanupOnSignal.shared.register([staging] + createdAncestors.reversed())
        do {
            try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: false)
        } catch {
            abandon()
            throw UserError(.cannotCreate, "cannot write beside '\(path)': '\(parent(of: path))' is not writable")
        }
    }

    deinit {
        if !finished { abandon() }
    }

    /// Writes one of the files named at `init`; it appears at `commit`.
    public func write(_ bytes: [UInt8], as name: String) throws(UserError) {
        precondition(names.contains(name), "OutputDirectory: '\(name)' was not among the names given at init")
        guard createFile(staging.appendingPathComponent(name).path, bytes) else {
            throw UserError(.cannotCreate, "cannot write '\(path)/\(name)'")
        }
        lock.withLock { _ = written.insert(name) }
    }

    /// Puts the result in place: the staging directory, marked, renamed to the directory's
    /// path, a previous result moved aside first and removed after. Returns the paths of
    /// the files, sorted.
    /// - Precondition: every name given at `init` has been written.
    @discardableResult
    public func commit() throws(UserError) -> [String] {
        precondition(written == names, "OutputDirectory: committed before every file was written")
        guard createFile(staging.appendingPathComponent(OutputDirectory.marker).path, Array("written by conv-demo; replaced as a whole by its next run\n".utf8)) else {
            throw UserError(.cannotCreate, "cannot write into the staging directory beside '\(path)'")
        }
        let manager = FileManager.default
        var previous: URL?
        if (try? manager.contentsOfDirectory(atPath: url.path))?.isEmpty == false {
            let aside = staging.deletingLastPathComponent().appendingPathComponent(staging.lastPathComponent + "-previous")
            guard rename(url.path, aside.path) == 0 else { throw UserError(.cannotCreate, "cannot replace '\(path)'") }
            previous = aside
        }
        guard rename(staging.path, url.path) == 0 else {
            if let previous { _ = rename(previous.path, url.path) }
            throw UserError(.cannotCreate, "cannot move the result into '\(path)'")
        }
        finished = true
        CleanupOnSignal.shared.unregister([staging] + createdAncestors)
        if let previous { try? manager.removeItem(at: previous) }
        return names.sorted().map { "\(path)/\($0)" }
    }

    /// Removes the staging directory and the folders this run created.
    public func abandon() {
        finished = true
        try? FileManager.default.removeItem(at: staging)
        for folder in createdAncestors.reversed() { _ = rmdir(folder.path) }
        CleanupOnSignal.shared.unregister([staging] + createdAncestors)
    }

    /// A file name: not empty, no '/', not `.` or `..` or the marker, short enough for the
    /// file system (NAME_MAX, 255 bytes, on Linux and macOS).
    private static func checkName(_ name: String, in path: String) throws(UserError) {
        guard !name.isEmpty, !name.contains("/"), name != ".", name != "..", name != marker, !name.contains("\0") else {
            throw UserError(.cannotCreate, "'\(abbreviated(name))' cannot be the name of a file in '\(path)'")
        }
        guard name.utf8.count <= 255 else {
            throw UserError(.cannotCreate, "the file name '\(abbreviated(name))' has \(name.utf8.count) bytes; a file system takes at most 255")
        }
    }

    /// The directory may be replaced: it is missing, empty, or a previous result.
    private static func checkReplaceable(_ url: URL, path: String) throws(UserError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else { throw UserError(.cannotCreate, "cannot write into '\(path)': it is a file, not a directory") }
        guard let contents = try? FileManager.default.contentsOfDirectory(atPath: url.path) else {
            throw UserError(.cannotCreate, "cannot read the directory '\(path)'")
        }
        guard contents.isEmpty || contents.contains(marker) else {
            throw UserError(.cannotCreate, "'\(path)' holds files that conv-demo did not write: choose another directory, or empty it")
        }
        guard access(url.deletingLastPathComponent().path, W_OK) == 0 else {
            throw UserError(.cannotCreate, "cannot replace '\(path)': '\(parent(of: path))' is not writable")
        }
    }
}

/// The folders leading to `url` that are missing, created, the outermost first.
private func createAncestors(of url: URL, path: String) throws(UserError) -> [URL] {
    var missing: [URL] = []
    var folder = url.deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: folder.path), folder.path != "/" {
        missing.insert(folder, at: 0)
        folder = folder.deletingLastPathComponent()
    }
    var created: [URL] = []
    for folder in missing {
        guard mkdir(folder.path, 0o777) == 0 else {
            for made in created.reversed() { _ = rmdir(made.path) }
            throw UserError(.cannotCreate, "cannot create the directories leading to '\(path)'")
        }
        created.append(folder)
    }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.deletingLastPathComponent().path, isDirectory: &isDirectory), isDirectory.boolValue else {
        throw UserError(.cannotCreate, "cannot create '\(path)': '\(parent(of: path))' is not a directory")
    }
    return created
}

/// The folder a path names its file or directory in, as the user typed it ("." for none).
private func parent(of path: String) -> String {
    let parent = (path as NSString).deletingLastPathComponent
    return parent.isEmpty ? "." : parent
}

/// Checks, before any work, that a file can be written at `path`: its folder exists and is
/// writable, and it is not a directory.
/// - Throws: `UserError` (cannot create), naming the path.
public func checkWritable(_ path: String) throws(UserError) {
    guard !path.isEmpty else { throw UserError(.cannotCreate, "an output file's path is empty") }
    let url = URL(fileURLWithPath: path)
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
        throw UserError(.cannotCreate, "cannot write '\(path)': it is a directory")
    }
    let folder = parent(of: path)
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
        throw UserError(.cannotCreate, "cannot write '\(path)': there is no directory '\(folder)'")
    }
    guard access(folder, W_OK) == 0 else { throw UserError(.cannotCreate, "cannot write '\(path)': '\(folder)' is not writable") }
    guard url.lastPathComponent.utf8.count <= 255 else {
        throw UserError(.cannotCreate, "cannot write '\(abbreviated(path))': its name is longer than 255 bytes")
    }
}

/// Writes one file atomically: into a temporary file beside it, then renamed over it, so
/// that the file is either complete or absent (or its old self) whatever happens.
public func writeAtomically(_ bytes: [UInt8], to path: String) throws(UserError) {
    let target = URL(fileURLWithPath: path)
    let temporary = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent.prefix(200)).\(UUID().uuidString.prefix(8)).tmp")
    CleanupOnSignal.shared.register([temporary])
    defer { CleanupOnSignal.shared.unregister([temporary]) }
    guard createFile(temporary.path, bytes), rename(temporary.path, target.path) == 0 else {
        try? FileManager.default.removeItem(at: temporary)
        throw UserError(.cannotCreate, "cannot write '\(path)'")
    }
}

/// Creates (or replaces) a file holding `bytes`: `open`, `write` until all are written,
/// `close`. No temporary file and no `fsync` per file (Foundation's atomic
/// `createFile` does both): the callers make the result appear whole by a rename of
/// their own, and a rename is what makes a run's result atomic against the run failing
/// or being interrupted. Against the machine losing power, as for `cp` or `tar`, the
/// file system's own journal is what protects it; an `fsync` of each of featuremap's 36
/// files made the run wait for the disk for most of its time.
private func createFile(_ path: String, _ bytes: [UInt8]) -> Bool {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
    guard descriptor >= 0 else { return false }
    let written = bytes.withUnsafeBytes { buffer -> Bool in
        var offset = 0
        while offset < buffer.count {
            let count = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            offset += count
        }
        return true
    }
    return close(descriptor) == 0 && written
}
