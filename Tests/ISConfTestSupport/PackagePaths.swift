import Foundation
import Testing

/// Where the package and what sits beside it are, found from this file's own path
/// (<root>/Tests/ISConfTestSupport/PackagePaths.swift) rather than the working directory.
public enum PackagePaths {
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared` beside the package: real WSO2 files and schemas the repository does not hold.
    public static let shared: URL = root.deletingLastPathComponent().appendingPathComponent("shared")
}

/// The real WSO2 files in `../shared/corpus/wso2`; tests that read them are skipped when it is absent.
public enum Corpus {
    public static let directory: String = PackagePaths.shared.appendingPathComponent("corpus/wso2").path

    public static let available: Bool = {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) && isDirectory.boolValue
    }()

    public static let skipReason: Comment =
        "../shared/corpus/wso2 is absent: corpus tests need the shared WSO2 files beside the package"

    public static func path(_ name: String) -> String { directory + "/" + name }
}
