import ISConfCore
import ISConfXML

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where backups go.
public enum BackupPolicy: Sendable {
    /// `IS_HOME/backup/isconf/<UTC time>/…`; beside a single file, `.isconf-backup/<UTC time>/`.
    case isHome
    case directory(String)
    case none
}

public struct EnableRequest: Sendable {
    public var options: EnableOptions
    public var tomcat: TomcatGeneration?
    /// Edit the XML of an IS 5.9+ home instead of deployment.toml, which regenerates it at every start.
    public var forceXML: Bool
    public var backup: BackupPolicy
    /// False for `--check`: plan and verify, write nothing.
    public var write: Bool
    public var diff: Bool
    /// `--trust-client-cert`: a certificate for the connector's trust store.
    public var trustClientCertificate: ClientCertificateTrust?

    public init(
        options: EnableOptions = EnableOptions(), tomcat: TomcatGeneration? = nil, forceXML: Bool = false,
        backup: BackupPolicy = .isHome, write: Bool = true, diff: Bool = false,
        trustClientCertificate: ClientCertificateTrust? = nil
    ) {
        self.options = options
        self.tomcat = tomcat
        self.forceXML = forceXML
        self.backup = backup
        self.write = write
        self.diff = diff
        self.trustClientCertificate = trustClientCertificate
    }
}

public struct FileOutcome: Sendable {
    public var path: String
    /// The file needed changes.
    public var changed: Bool
    /// The changes were written (false for `--check`, and for files an error stopped).
    public var written = false
    public var changes: [String]
    public var rulesFixed: [String]
    /// Unified diff with secrets masked, when asked for.
    public var diff: String?
    public var backup: String?
    /// The bytes now on disk, when written (the daemon remembers their hash so its own write is not news).
    public var writtenContent: [UInt8]?
    /// For the trust store: the certificate imported, or found already there.
    public var trustedCertificate: TrustStoreImportOutcome?
    /// The file is deployment.toml: the server renders the XML from it at its next start.
    public var isDeploymentToml = false
}

extension FileOutcome {
    /// What `Enabler.write` did; nil: someone else's concurrent edit did the job.
    mutating func record(_ written: (backup: String?, content: [UInt8])?) {
        if let written {
            (backup, writtenContent, self.written) = (written.backup, written.content, true)
        } else {
            (changed, changes) = (false, [])
        }
    }
}

public struct TargetOutcome: Sendable {
    public var files: [FileOutcome] = []
    /// Why this target was left untouched (or only partly written), if it was.
    public var error: TargetFailure?
}

/// A file's verified new contents, as the writer needs them.
protocol PlannedFile {
    var original: SourceFile { get }
    var result: [UInt8] { get }
    var path: String { get }
    var changed: Bool { get }
}

extension FilePlan: PlannedFile {}

/// Carries out `isconf enable` on one target: plan and verify every file first, then write each
/// changed file under the folder lock, compare-and-swap, with a backup.
public enum Enabler {
    static let attempts = 3

    /// An IS 5.9+ home gets its deployment.toml enabled instead, unless `forceXML` (`enableDeploymentToml`).
    /// `alreadyRead` holds files the caller has just read (the daemon, which reads to see whether a
    /// file changed at all); they are planned from as they are. A retry after a concurrent change
    /// always reads again.
    public static func run(
        _ target: LintTarget, _ request: EnableRequest, stamp: String = Backups.utcStamp(),
        alreadyRead: [SourceFile] = []
    ) -> TargetOutcome {
        var outcome = TargetOutcome()
        if target.facts.deploymentToml != nil, !request.forceXML {
            return enableDeploymentToml(target, request, stamp: stamp, alreadyRead: alreadyRead)
        }
        var plans: [FilePlan] = []
        for (role, path) in target.files {
            do {
                plans.append(
                    try plan(
                        path: path, role: role, target: target, request: request,
                        source: alreadyRead.first { $0.path == path }))
            } catch {
                outcome.error = TargetFailure(error)
                return outcome
            }
        }
        // The trust store is planned and verified with the files: a wrong password stops the target before any write.
        var storePlan: TrustStoreImportPlan?
        if let trust = request.trustClientCertificate {
            do { storePlan = try planStore(trust, target: target, request: request, plans: plans) } catch {
                outcome.error = TargetFailure(error)
                return outcome
            }
        }
        let storeOutcome = storePlan.map { [$0.fileOutcome] } ?? []
        if request.write {
            // Refuse before the first write what would stop a later one, so a home is not left half done.
            for path in plans.filter(\.changed).map(\.path) + [storePlan?.replacedStore].compactMap({ $0 }) {
                do { try SafeWriter.checkReplaceable(try SafeWriter.resolve(path)) } catch {
                    outcome.error = TargetFailure(error)
                    outcome.files =
                        plans.map { FileOutcome(path: $0.path, changed: $0.changed, changes: $0.changes, rulesFixed: $0.rulesFixed) }
                        + storeOutcome
                    return outcome
                }
            }
        }
        for (index, plan) in plans.enumerated() {
            var file = FileOutcome(path: plan.path, changed: plan.changed, changes: plan.changes, rulesFixed: plan.rulesFixed)
            if request.diff, plan.changed {
                let name = relativeName(plan.path, target: target)
                file.diff = maskedDiff(plan, name: name)
            }
            if request.write, plan.changed {
                do {
                    let written = try write(
                        plan, name: relativeName(plan.path, target: target), target: target, request: request,
                        stamp: stamp
                    ) { () throws(InputError) in
                        try self.plan(path: plan.path, role: plan.role, target: target, request: request)
                    }
                    file.record(written)
                } catch {
                    outcome.files.append(file)
                    outcome.files +=
                        plans[(index + 1)...].map {
                            FileOutcome(path: $0.path, changed: $0.changed, changes: $0.changes, rulesFixed: $0.rulesFixed)
                        } + storeOutcome
                    outcome.error = TargetFailure(error)
                    rollBack(&outcome, originals: plans.map(\.original), stamp: stamp)
                    return outcome
                }
            }
            outcome.files.append(file)
        }
        if let storePlan {
            outcome.files.append(writeStore(storePlan, request: request, stamp: stamp, error: &outcome.error))
            if outcome.error != nil { rollBack(&outcome, originals: plans.map(\.original), stamp: stamp) }
        }
        return outcome
    }

    /// After a write failed part-way through a target, puts every file this run wrote back as it was
    /// (compare-and-swap: a file someone saved since is left as they saved it), so that an error
    /// leaves the IS_HOME as it found it; the error then says what was put back, or what could not be
    /// and where its backup is.
    static func rollBack(_ outcome: inout TargetOutcome, originals: [SourceFile], stamp: String) {
        guard var failure = outcome.error else { return }
        for index in outcome.files.indices.reversed() where outcome.files[index].written {
            let file = outcome.files[index]
            guard let content = file.writtenContent, let original = originals.first(where: { $0.path == file.path }) else { continue }
            do {
                let resolved = try SafeWriter.resolve(file.path)
                let result = try SafeWriter.withDirectoryLock(for: resolved) { () throws(InputError) in
                    try SafeWriter.replace(resolved, expecting: content, with: original.bytes)
                }
                guard result == .written else {
                    failure.leftovers.insert(TargetFailure.Leftover(path: file.path, reason: .savedSince), at: 0)
                    continue
                }
                if let backup = file.backup { Backups.discard(backup, stamp: stamp) }
                outcome.files[index].written = false
                outcome.files[index].backup = nil
                outcome.files[index].writtenContent = nil
                failure.restored.insert(file.path, at: 0)
            } catch {
                failure.leftovers.insert(TargetFailure.Leftover(path: file.path, reason: .failed(error, backup: file.backup)), at: 0)
            }
        }
        outcome.error = failure
    }

    /// Writes the trust store `--trust-client-cert` planned, after the configuration files.
    static func writeStore(
        _ storePlan: TrustStoreImportPlan, request: EnableRequest, stamp: String,
        error: inout TargetFailure?
    ) -> FileOutcome {
        var file = storePlan.fileOutcome
        guard request.write, storePlan.changesStore else { return file }
        do {
            let written = try TrustStoreImporter.write(storePlan, stamp: stamp)
            file.trustedCertificate = written
            file.backup = written.backup
            file.written = true
            // Someone else's concurrent import did the job.
            if case .alreadyPresent = written.action { (file.changed, file.changes, file.written) = (false, [], false) }
        } catch let failure {
            error = TargetFailure(failure)
        }
        return file
    }

    /// The import `--trust-client-cert` asks for, into the trust store of the catalina-server.xml
    /// just planned (or read, when it needs no change).
    static func planStore(
        _ trust: ClientCertificateTrust, target: LintTarget, request: EnableRequest,
        plans: [FilePlan]
    ) throws(InputError) -> TrustStoreImportPlan {
        guard let path = target.files.first(where: { $0.role == .catalinaServer })?.path else {
            throw InputError(
                path: target.files.first?.path ?? "?", .invalidArgument, "--trust-client-cert needs an IS_HOME, to find the trust store its connector uses")
        }
        let planned = plans.first { $0.role == .catalinaServer }?.original
        let catalina = if let planned { planned } else { try SourceFile.read(path: path) }
        return try trust.plan(catalina: catalina, facts: target.facts, tomcat: request.tomcat, backup: request.backup)
    }

    private static func plan(
        path: String, role: ConfigRole, target: LintTarget, request: EnableRequest,
        source: SourceFile? = nil
    ) throws(InputError) -> FilePlan {
        let source = if let source { source } else { try SourceFile.read(path: path) }
        return try Remediation.plan(source, role: role, facts: target.facts, tomcat: request.tomcat, options: request.options)
    }

    /// Writes one file, saved as `name` in the backups; if it changed since it was read, reads and
    /// plans again with `planAgain` (a few times at most). Nil when a concurrent edit made the change unnecessary.
    static func write<Plan: PlannedFile>(
        _ first: Plan, name: String, target: LintTarget, request: EnableRequest, stamp: String,
        planAgain: () throws(InputError) -> Plan
    ) throws(InputError) -> (backup: String?, content: [UInt8])? {
        var plan = first
        let resolved = try SafeWriter.resolve(plan.path)
        for _ in 0..<attempts {
            let (original, result) = (plan.original, plan.result)
            var backup: String?
            let outcome: SafeWriter.Outcome
            do {
                outcome = try SafeWriter.withDirectoryLock(for: resolved) { () throws(InputError) in
                    try SafeWriter.replace(resolved, expecting: original.bytes, with: result) { info throws(InputError) in
                        backup = try saveBackup(original, name: name, mode: info.st_mode, target: target, policy: request.backup, stamp: stamp)
                    }
                }
            } catch {
                // The file was not replaced: a backup of it would be a failed run's leftover.
                if let backup { Backups.discard(backup, stamp: stamp) }
                throw error
            }
            if outcome == .written { return (backup, result) }
            if let backup { Backups.discard(backup, stamp: stamp) }
            plan = try planAgain()
            if !plan.changed { return nil }
        }
        throw InputError(path: plan.path, .changedMeanwhile, "kept changing while isconf was writing it (\(attempts) tries); not changed")
    }

    private static func saveBackup(
        _ original: SourceFile, name: String, mode: mode_t, target: LintTarget, policy: BackupPolicy,
        stamp: String
    ) throws(InputError) -> String? {
        switch policy {
        case .none:
            return nil
        case .directory(let directory):
            return try Backups(root: directory, stamp: stamp).save(original, relativePath: name, mode: mode)
        case .isHome:
            if let root = target.facts.root {
                return try Backups(root: root + "/backup/isconf", stamp: stamp).save(original, relativePath: name, mode: mode)
            }
            let folder = SafeWriter.parent(of: original.path) + "/.isconf-backup"
            return try Backups(root: folder, stamp: stamp).save(original, relativePath: name, mode: mode)
        }
    }

    /// The diff of a planned file with every secret masked by its parsed span (both versions parse:
    /// the plan was verified), then line by line as a second guard.
    static func maskedDiff(_ plan: FilePlan, name: String) -> String {
        let old = (try? XMLDocument.parse(plan.original)).map(redactSecrets(in:))
        let new = (try? XMLDocument.parse(SourceFile(path: plan.path, bytes: plan.result))).map(redactSecrets(in:))
        guard let old, let new else { return "" }
        return UnifiedDiff.make(old: old, new: new, oldName: "a/" + name, newName: "b/" + name, redact: redactSecrets(in:))
    }

    /// The path below IS_HOME (repository/conf/…), or the file name for a single file.
    static func relativeName(_ path: String, target: LintTarget) -> String {
        if target.facts.root != nil, let role = target.files.first(where: { $0.path == path })?.role { return role.relativePath }
        return path.split(separator: "/").last.map(String.init) ?? path
    }
}
