import Dispatch
import Foundation

/// Removes a run's unfinished outputs (staging directories, temporary files, folders
/// created for them) when the process is interrupted by SIGINT or SIGTERM, then exits
/// with 128 + the signal's number, as a shell reports a process killed by it.
///
/// Outputs register their paths while they are unfinished and unregister them once they
/// are in place. The handlers run on a Dispatch queue, not in signal context, so they may
/// use the file system.
public final class CleanupOnSignal: @unchecked Sendable {  // `paths` is only touched under `lock`.
    public static let shared = CleanupOnSignal()

    private var paths: [URL] = []
    private let lock = NSLock()
    private var sources: [DispatchSourceSignal] = []

    private init() {}

    /// Removes `paths` (in order) if the process is interrupted before `unregister`.
    public func register(_ paths: [URL]) {
        lock.withLock {
            self.paths += paths
            if sources.isEmpty { sources = [SIGINT, SIGTERM].map(install) }
        }
    }

    public func unregister(_ paths: [URL]) {
        lock.withLock { self.paths.removeAll { paths.contains($0) } }
    }

    private func install(_ signalNumber: Int32) -> DispatchSourceSignal {
        signal(signalNumber, SIG_IGN)  // Delivered to the source below instead.
        let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
        source.setEventHandler { [self] in
            lock.lock()  // Held until exit: no output is committed meanwhile.
            for path in paths {
                if (try? FileManager.default.attributesOfItem(atPath: path.path))?[.type] as? FileAttributeType == .typeDirectory,
                   (try? FileManager.default.contentsOfDirectory(atPath: path.path))?.isEmpty != true,
                   !path.lastPathComponent.hasPrefix(".") {
                    continue  // A created folder that now holds something else: left alone.
                }
                try? FileManager.default.removeItem(at: path)
            }
            exit(128 + signalNumber)
        }
        source.resume()
        return source
    }
}
