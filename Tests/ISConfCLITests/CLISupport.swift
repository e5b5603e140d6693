import Foundation
import ISConfTestSupport

/// Runs the real `isconf` binary that `swift test` built beside the test bundle.
enum CLI {
    static let binary: URL =
        ProcessInfo.processInfo.environment["ISCONF_BIN"].map(URL.init(fileURLWithPath:))
        ?? BuiltProducts.executable("isconf")

    static let packageRoot = PackagePaths.root

    static let sample = packageRoot.appendingPathComponent("conf-samples/is-home").path
    static let schema = PackagePaths.shared.appendingPathComponent("schemas/sarif-schema-2.1.0.json")

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    @discardableResult
    /// Runs isconf, or `executable` when given, with `arguments`, in `currentDirectory` when given.
    static func run(
        _ arguments: [String], environment: [String: String] = [:], executable: String? = nil,
        currentDirectory: String? = nil
    ) throws -> Result {
        var overrides: [String: String?] = ["NO_COLOR": nil]
        for (key, value) in environment { overrides[key] = value }
        let result = try ExternalProgram.run(
            executable ?? binary.path, arguments, environment: overrides,
            currentDirectory: currentDirectory)
        return Result(status: result.status, stdout: result.stdout, stderr: result.stderr)
    }
}

extension Scratch {
    /// A copy of the bundled sample IS_HOME.
    func copySample(as name: String) throws -> String {
        let destination = url.appendingPathComponent(name)
        try FileManager.default.copyItem(at: URL(fileURLWithPath: CLI.sample), to: destination)
        return destination.path
    }
}
