import Foundation
import Reporting

/// An input file read whole, with a byte cap applied while reading: not taken from the
/// size the file system reports, which is the link's for a symbolic link and 0 for
/// `/proc` files and pipes. Missing, a directory or unreadable is EX_NOINPUT; larger than
/// the cap is EX_DATAERR.
/// - Parameters:
///   - what: how the file is named in errors, "the weights file".
///   - tooLarge: the end of the refusal "WHAT 'PATH' has more than …".
func readCapped(_ path: String, what: String, maximumBytes: Int, tooLarge: String) throws(UserError) -> [UInt8] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
          let handle = FileHandle(forReadingAtPath: path) else {
        throw UserError(.missingInput, "cannot read \(what) '\(path)'")
    }
    defer { try? handle.close() }
    var bytes: [UInt8] = []
    while bytes.count <= maximumBytes {
        let chunk: Data
        do {
            guard let read = try handle.read(upToCount: min(1 << 20, maximumBytes + 1 - bytes.count)), !read.isEmpty else { break }
            chunk = read
        } catch {
            throw UserError(.missingInput, "cannot read \(what) '\(path)'")
        }
        bytes += chunk
    }
    guard bytes.count <= maximumBytes else { throw UserError(.badInput, "\(what) '\(path)' has more than \(tooLarge)") }
    return bytes
}

/// The small text inputs of the commands (model specs, kernel files): read whole with
/// `readCapped`, as UTF-8 without NUL bytes. Too large, or not text, is EX_DATAERR.
enum TextFile {
    /// A spec or a kernel file is a few lines; a file this large is not one, and is not read.
    static let maximumBytes = 1 << 20

    /// - Parameter what: how the file is named in errors, "the model file".
    static func read(_ path: String, what: String, maximumBytes: Int = maximumBytes) throws(UserError) -> String {
        let bytes = try readCapped(path, what: what, maximumBytes: maximumBytes, tooLarge: "\(grouped(maximumBytes)) bytes; it is not one")
        guard let text = String(data: Data(bytes), encoding: .utf8) else {  // nil for bytes that are not UTF-8
            throw UserError(.badInput, "\(what) '\(path)' is not UTF-8 text")
        }
        if let nul = text.firstIndex(of: "\0") {
            let before = text[..<nul]
            let line = before.reduce(1) { $1.isNewline ? $0 + 1 : $0 }
            let column = before.distance(from: before.lastIndex(where: \.isNewline).map(before.index(after:)) ?? before.startIndex, to: nul) + 1
            throw UserError(.badInput, "\(path):\(line):\(column): a NUL byte; \(what) is text")
        }
        return text
    }
}

/// A path the program found (a sample), as the user would type it: relative to the
/// working directory when it lies inside it, else absolute. Paths the user typed are shown
/// as typed.
func displayPath(_ path: String) -> String {
    let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL.pathComponents
    let there = URL(fileURLWithPath: path).standardizedFileURL.pathComponents
    guard there.count > here.count, Array(there.prefix(here.count)) == here else { return path }
    return there.dropFirst(here.count).joined(separator: "/")
}

/// An output path as a result names it: `-` is standard output.
func shownPath(_ path: String) -> String { path == "-" ? "standard output" : path }
