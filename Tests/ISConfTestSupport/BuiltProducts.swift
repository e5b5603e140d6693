import Foundation

/// The executables `swift build` made for this package, found beside the running test bundle.
public enum BuiltProducts {
    /// `name` in the build folder the tests run from, else `.build/debug/name`.
    public static func executable(_ name: String) -> URL {
        var directory = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return PackagePaths.root.appendingPathComponent(".build/debug/" + name)
    }
}
