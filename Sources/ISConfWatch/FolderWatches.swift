import ISConfCore
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// The inotify watches in place for a layout's folders. One watch id may stand for several folder
/// paths (the same inode reached another way); a folder replaced by a new one is watched anew when
/// `watch(_:)` is called again, and a missing one is noticed from the folder above it.
final class FolderWatches {
    private let inotify: Inotify
    private let logger: Logger
    private var masks: [String: UInt32] = [:]
    private var watchByFolder: [String: Int32] = [:]
    private var foldersByWatch: [Int32: Set<String>] = [:]

    init(logger: Logger) throws(InputError) {
        inotify = try Inotify()
        self.logger = logger
    }

    /// The inotify descriptor, for poll(2).
    var descriptor: Int32 { inotify.descriptor }

    /// Everything queued now.
    func read() -> [Inotify.Event] { inotify.read() }

    /// Drops every watch and watches the folders of `layout` instead.
    func replace(with layout: WatchLayout) {
        for watch in foldersByWatch.keys { inotify.remove(watch) }
        masks = layout.folders.mapValues(\.mask)
        watchByFolder = [:]
        foldersByWatch = [:]
        for folder in masks.keys.sorted() { watch(folder) }
    }

    /// The folder paths a watch id stands for; nil for an id no longer in use.
    func folders(of watch: Int32) -> Set<String>? { foldersByWatch[watch] }

    /// (Re-)watches a folder of the layout; a folder replaced by a new one gets a new watch and the old
    /// one is dropped.
    func watch(_ path: String) {
        guard let mask = masks[path] else { return }
        switch inotify.watch(folder: path, mask: mask) {
        case .success(let id):
            if let old = watchByFolder[path], old != id { unlink(watch: old, from: path) }
            watchByFolder[path] = id
            foldersByWatch[id, default: []].insert(path)
        case .failure(let error):
            if let old = watchByFolder[path] { unlink(watch: old, from: path) }
            watchByFolder[path] = nil
            // A missing folder is watched for from the one above it.
            if access(path, F_OK) == 0 { logger.warning("cannot watch folder", metadata: ["folder": "\(path)", "error": "\(error)"]) }
        }
    }

    /// The kernel dropped the watch (IN_IGNORED): its folders are no longer watched.
    func forget(watch id: Int32) {
        for path in foldersByWatch[id] ?? [] { watchByFolder[path] = nil }
        foldersByWatch[id] = nil
    }

    private func unlink(watch id: Int32, from path: String) {
        foldersByWatch[id]?.remove(path)
        if foldersByWatch[id]?.isEmpty == true {
            foldersByWatch[id] = nil
            inotify.remove(id)
        }
    }
}
