import ArgumentParser
import ISConfCore
import ISConfDomain

/// How a fix is made and kept: shared by `enable` and `watch`, which write the same way.
public struct FixOptions: ParsableArguments {
    @Option(help: "Comma-separated SHA-1 or SHA-256 thumbprints of the client certificates allowed to log in; sets WhiteListEnabled=true.")
    public var whitelist: String?

    @Option(name: .customLong("username-header"), help: "The HTTP header that names the user (UsernameHeader; default UserName).")
    public var usernameHeader: String?

    @Option(name: .customLong("backup-dir"), help: "Keep backups here instead of IS_HOME/backup/isconf.")
    public var backupDir: String?

    @Flag(name: .customLong("no-backup"), help: "Keep no backup.")
    public var noBackup = false

    @Option(help: "Read client-auth values as Tomcat 7 (IS 5.8 and older) or 9 (IS 5.9+) does, instead of deciding from the IS_HOME.")
    public var tomcat: TomcatGeneration?

    public init() {}

    public func validate() throws {
        if noBackup, backupDir != nil { throw ValidationError("--no-backup and --backup-dir exclude each other") }
        do { _ = try enableOptions() } catch { throw ValidationError(error.description) }
    }

    public func enableOptions() throws(InputError) -> EnableOptions {
        if let usernameHeader, !EnableOptions.validHeaderName(usernameHeader) {
            throw InputError(path: "--username-header", .invalidArgument, "\"\(usernameHeader)\" is not an HTTP header name")
        }
        return EnableOptions(
            whitelist: try whitelist.map { text throws(InputError) in try EnableOptions.parseWhitelist(text) },
            usernameHeader: usernameHeader)
    }

    public var backup: BackupPolicy { noBackup ? .none : backupDir.map { .directory($0) } ?? .isHome }
}

extension TomcatGeneration: ExpressibleByArgument {}
