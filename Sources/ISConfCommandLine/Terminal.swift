#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

public enum Terminal {
    /// Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org).
    public static func wantsColour(fileDescriptor: Int32) -> Bool {
        isatty(fileDescriptor) == 1 && getenv("NO_COLOR") == nil
    }

    /// Writes all of `text` in as few system calls as possible.
    public static func write(_ text: String, to fileDescriptor: Int32) {
        guard !text.isEmpty else { return }
        var text = text
        text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(fileDescriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }
}
