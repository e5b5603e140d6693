import ISConfCore

#if canImport(Glibc)
    import Glibc
#endif

/// Thin glue over inotify(7): a non-blocking descriptor the daemon polls, and decoded events.
final class Inotify {
    struct Event {
        var watch: Int32
        var mask: UInt32
        /// The entry's name inside the watched folder; empty for events about the folder itself.
        var name: String
    }

    /// A written, renamed-in, created or deleted entry; a folder itself deleted or moved.
    static let fileEvents = UInt32(
        IN_CLOSE_WRITE | IN_MODIFY | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE
            | IN_DELETE_SELF | IN_MOVE_SELF)
    /// Enough to notice a folder on the way to a file being replaced, removed or created.
    static let pathEvents = UInt32(IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF)
    /// Events that mean the watched folder's inode is gone from that path.
    static let folderGone = UInt32(IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED | IN_UNMOUNT)
    static let overflow = UInt32(IN_Q_OVERFLOW)

    let descriptor: Int32
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

    init() throws(InputError) {
        descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        if descriptor < 0 {
            throw InputError.system(
                errno, path: "inotify", doing: "cannot watch files",
                remedy: errno == EMFILE ? "raise fs.inotify.max_user_instances" : nil)
        }
    }

    deinit { close(descriptor) }

    /// Adds or widens the watch on a folder. The same folder (inode) always gives the same id, also
    /// through another path, so masks are added, never replaced.
    func watch(folder: String, mask: UInt32) -> Result<Int32, InputError> {
        let id = inotify_add_watch(descriptor, folder, mask | UInt32(IN_ONLYDIR) | UInt32(IN_MASK_ADD))
        if id < 0 {
            let code = errno
            return .failure(
                InputError.system(
                    code, path: folder, doing: "cannot watch",
                    remedy: code == ENOSPC ? "raise fs.inotify.max_user_watches" : nil))
        }
        return .success(id)
    }

    func remove(_ watch: Int32) { inotify_rm_watch(descriptor, watch) }

    /// Everything queued now; empty when nothing is.
    func read() -> [Event] {
        var events: [Event] = []
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count <= 0 { return events }
            buffer.withUnsafeBytes { raw in
                var offset = 0
                let header = MemoryLayout<inotify_event>.size
                while offset + header <= count {
                    let base = raw.baseAddress! + offset
                    let watch = base.loadUnaligned(fromByteOffset: 0, as: Int32.self)
                    let mask = base.loadUnaligned(fromByteOffset: 4, as: UInt32.self)
                    let length = Int(base.loadUnaligned(fromByteOffset: 12, as: UInt32.self))
                    let nameBytes = UnsafeRawBufferPointer(start: base + header, count: length)
                    let name = String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self)
                    events.append(Event(watch: watch, mask: mask, name: name))
                    offset += header + length
                }
            }
        }
    }
}
