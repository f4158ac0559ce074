import Foundation

/// A one-line status on stderr for long work ("timing 2048³ on 2 threads…"), redrawn in
/// place. Only on a terminal: piped or captured stderr gets no carriage-return clutter,
/// and stdout (the result, or the JSON document) is never touched.
public struct Progress: Sendable {
    private let enabled = isatty(STDERR_FILENO) != 0

    public init() {}

    public func update(_ status: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K\(status)".utf8))
    }

    public func clear() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
