import ConvCore

/// Sizes as users type them: width × height, like a screen resolution. `1920x1080` is
/// 1920 wide and 1080 tall, `7x1` is 7 wide and 1 tall (PyTorch's `(1, 7)`), a single
/// number `N` is N × N. `x`, `X` and `×` all separate the two.
extension ParsedArguments {
    /// A `WxH` or `N` option, if given.
    func size(_ name: String) throws -> Size2D? {
        try string(name).map { try parseSize($0, option: name) }
    }

    /// A `WxHxC` option, `WxH` meaning one channel, if given.
    func sizeWithChannels(_ name: String) throws -> (size: Size2D, channels: Int)? {
        guard let text = string(name) else { return nil }
        let parts = splitSize(text)
        guard parts.count == 3 else { return (try parseSize(text, option: name), 1) }
        guard let channels = Int(parts[2]) else {
            throw CLIError.usage("\(name): '\(text)' is not WxH or WxHxC (width × height × channels, e.g. 1920x1080x3)", command: command)
        }
        return (try parseSize(parts[0] + "x" + parts[1], option: name), channels)
    }

    /// `--padding P|PWxPH|same|valid`, if given.
    func padding(_ name: String) throws -> Padding? {
        switch string(name) {
        case nil: return nil
        case "same": return .same
        case "valid": return .valid
        case let text?: return .explicit(try parseSize(text, option: name))
        }
    }

    private func parseSize(_ text: String, option: String) throws -> Size2D {
        let parts = splitSize(text)
        let numbers = parts.compactMap { Int($0) }
        guard numbers.count == parts.count, (1...2).contains(numbers.count) else {
            throw CLIError.usage("\(option): '\(text)' is not N or WxH (width × height, e.g. 1920x1080)", command: command)
        }
        return numbers.count == 1 ? Size2D(numbers[0]) : Size2D(height: numbers[1], width: numbers[0])
    }

    private func splitSize(_ text: String) -> [String] {
        text.split(omittingEmptySubsequences: false, whereSeparator: { "xX×".contains($0) }).map(String.init)
    }
}
