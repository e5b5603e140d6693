import ISConfCore
import ISConfDomain

/// What the daemon watches for its targets: every file it checks, with the folders whose events
/// concern it, and for each folder the inotify mask and what each entry name in it stands for. A pure
/// value built from the targets, the store files each home's connector names and a resolver of
/// symbolic links; adding the watches is `FolderWatches`'s job.
struct WatchLayout {
    /// Resolves a path through symbolic links; nil when it cannot be resolved.
    typealias Resolve = @Sendable (String) -> String?

    /// The resolver the daemon uses: realpath(3) on the live file system.
    static let resolveOnDisk: Resolve = { try? SafeWriter.resolve($0) }

    enum Kind: Equatable {
        case xml(ConfigRole)
        /// An IS 5.9+ home's deployment.toml, from which the server renders the XML at every start.
        case deploymentToml
    }

    /// An entry in a folder whose events concern a file.
    struct Step: Equatable {
        var folder: String
        var name: String
        /// The entry is the file itself (in its own folder, or its real folder when the path is a
        /// symbolic link), not a folder on the way to it.
        var direct: Bool
    }

    struct File {
        /// Index of the target (in the targets given) the file belongs to.
        var target: Int
        var kind: Kind
        var path: String
        var chain: [Step]
    }

    enum Interest: Equatable {
        /// An event on this name may change the file; `direct` when the name is the file itself, else a
        /// folder on the way (replaced: the file is new whatever its bytes).
        case file(Int, direct: Bool)
        /// deployment.toml of this target: it may have appeared or gone, which changes what is watched.
        case home(Int)
        /// A key store or trust store of this target's HTTPS connector, or a folder on its way.
        case stores(Int)
    }

    struct Folder: Equatable {
        var mask: UInt32 = 0
        var interests: [String: [Interest]] = [:]
    }

    private(set) var files: [File] = []
    private(set) var folders: [String: Folder] = [:]

    /// `storePaths`: by IS_HOME, the store files its connector named at the last refresh.
    init(targets: [LintTarget], storePaths: [String: [String]], resolve: Resolve) {
        for (index, target) in targets.enumerated() {
            var watched = target.files.map { (Kind.xml($0.role), $0.path) }
            if let toml = target.facts.deploymentToml { watched.append((.deploymentToml, toml)) }
            let root = target.facts.root.map(Self.withoutTrailingSlash)
            for (kind, path) in watched where !files.contains(where: { $0.path == path }) {  // a path given twice
                let file = File(target: index, kind: kind, path: path, chain: Self.chain(of: path, root: root, resolve: resolve))
                for step in file.chain { add(step, .file(files.count, direct: step.direct)) }
                files.append(file)
            }
            guard let home = target.facts.root, let root else { continue }
            let conf = root + "/repository/conf"
            folders[conf, default: Folder()].mask |= Inotify.fileEvents
            folders[conf, default: Folder()].interests["deployment.toml", default: []].append(.home(index))
            for store in storePaths[home] ?? [] {
                for step in Self.chain(of: store, root: root, resolve: resolve) { add(step, .stores(index)) }
            }
        }
    }

    private mutating func add(_ step: Step, _ interest: Interest) {
        folders[step.folder, default: Folder()].mask |= step.direct ? Inotify.fileEvents : Inotify.pathEvents
        folders[step.folder, default: Folder()].interests[step.name, default: []].append(interest)
    }

    /// The folder of the file and the folders above it up to IS_HOME (two levels for a single file),
    /// plus the real folder when the path is a symbolic link.
    static func chain(of path: String, root: String?, resolve: Resolve) -> [Step] {
        var steps: [Step] = []
        var current = path
        let levels = root == nil ? 2 : Int.max
        while steps.count < levels {
            let folder = SafeWriter.parent(of: current)
            let name = String(current.split(separator: "/").last ?? Substring(current))
            if folder == current || name.isEmpty { break }
            steps.append(Step(folder: folder, name: name, direct: steps.isEmpty))
            if let root, current == root || folder == root || !folder.hasPrefix(root) { break }
            current = folder
        }
        // The IS_HOME itself, from the folder holding it: a home moved away and another put in its
        // place (`mv home home.old; cp -r fresh home`) is seen when the new one appears.
        if let root, steps.last?.folder == root {
            let above = SafeWriter.parent(of: root)
            let name = String(root.split(separator: "/").last ?? "")
            if above != root, !name.isEmpty, name != ".", name != ".." { steps.append(Step(folder: above, name: name, direct: false)) }
        }
        // A symbolic link: the real file's folder too (where `enable` writes).
        let name = String(path.split(separator: "/").last ?? "")
        if let resolved = resolve(path), let folder = resolve(SafeWriter.parent(of: path)), resolved != folder + "/" + name {
            steps.append(Step(folder: SafeWriter.parent(of: resolved), name: String(resolved.split(separator: "/").last ?? ""), direct: true))
        }
        return steps
    }

    static func withoutTrailingSlash(_ path: String) -> String {
        var path = Substring(path)
        while path.count > 1, path.hasSuffix("/") { path = path.dropLast() }
        return String(path)
    }
}
