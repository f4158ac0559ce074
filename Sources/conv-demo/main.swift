import Foundation

exit(runConvDemo(Array(CommandLine.arguments.dropFirst())))
