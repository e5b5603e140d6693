import ISConfCore

#if canImport(Glibc)
    import Glibc
#endif

/// What another thread tells the watch loop. Each message is one byte on the loop's control pipe;
/// the bytes are known here only.
enum ControlMessage: CaseIterable, Equatable, Sendable {
    /// Finish the check in flight, then leave the loop (the service group shutting down gracefully).
    case stop
    /// The `--on-change` command ended: the next one may start.
    case onChangeFinished

    var byte: UInt8 {
        switch self {
        case .stop: UInt8(ascii: "s")
        case .onChangeFinished: UInt8(ascii: "c")
        }
    }

    /// The message a byte stands for; nil for a byte no sender writes.
    init?(byte: UInt8) {
        guard let message = Self.allCases.first(where: { $0.byte == byte }) else { return nil }
        self = message
    }

    /// The messages in `bytes`, in order, skipping bytes that stand for none.
    static func decode(_ bytes: some Sequence<UInt8>) -> [ControlMessage] { bytes.compactMap(Self.init(byte:)) }
}

/// A non-blocking pipe into the loop: any thread sends, the loop polls `descriptor` and receives.
final class ControlPipe: Sendable {
    /// The read end, for poll(2).
    let descriptor: Int32
    private let writeEnd: Int32

    init() throws(InputError) {
        var ends: [Int32] = [0, 0]
        if pipe(&ends) != 0 { throw InputError.system(errno, path: "pipe") }
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, O_NONBLOCK)
        }
        descriptor = ends[0]
        writeEnd = ends[1]
    }

    deinit {
        close(descriptor)
        close(writeEnd)
    }

    func send(_ message: ControlMessage) {
        var byte = message.byte
        _ = write(writeEnd, &byte, 1)
    }

    /// Everything sent since the last call, in order.
    func receive() -> [ControlMessage] {
        var messages: [ControlMessage] = []
        var bytes = [UInt8](repeating: 0, count: 64)
        while true {
            let count = read(descriptor, &bytes, bytes.count)
            if count <= 0 { return messages }
            messages += ControlMessage.decode(bytes[..<count])
        }
    }
}
