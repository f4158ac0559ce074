import Foundation

// The arguments as the system passed them. Each must be UTF-8: decoded leniently, a path
// with other bytes would name another file, which would then be reported missing or,
// worse, written.
var arguments: [String] = []
for index in 1..<Int(CommandLine.argc) {
    guard let word = CommandLine.unsafeArgv[index].flatMap({ String(validatingCString: $0) }) else {
        exit(failOnEncoding(argument: index))
    }
    arguments.append(word)
}
exit(runConvDemo(arguments))
