import Foundation

// The arguments as the system passed them. Each must be UTF-8: decoded leniently, a path
// with other bytes would name another file, which would then be reported missing or,
// worse, written.
var arguments: [String] = []
for index in 1..<Int(CommandLine.argc) {
    guard let pointer = CommandLine.unsafeArgv[index],
          let word = String(data: Data(bytes: pointer, count: strlen(pointer)), encoding: .utf8) else {  // nil unless UTF-8
        exit(failOnEncoding(argument: index))
    }
    arguments.append(word)
}
keepFreedMemoryForReuse()
exit(runConvDemo(arguments))
