import Foundation

/// Another program the tests run as an oracle or a subject (isconf itself, keytool, openssl,
/// python3, diff), with its output collected whole.
public enum ExternalProgram {
    public struct Result: Sendable {
        public var status: Int32
        public var standardOutput: Data
        public var standardError: Data

        public var stdout: String { String(decoding: standardOutput, as: UTF8.self) }
        public var stderr: String { String(decoding: standardError, as: UTF8.self) }
    }

    /// The first executable `tool` on PATH, or nil when it is not installed.
    public static func which(_ tool: String) -> String? {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":").map { "\($0)/\(tool)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs `executable` to its end. `input` goes to its standard input (else it reads nothing);
    /// `environment` entries are set over this process's own, nil values removed.
    public static func run(
        _ executable: String, _ arguments: [String], input: [UInt8]? = nil,
        environment: [String: String?] = [:], currentDirectory: String? = nil
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        if !environment.isEmpty {
            var merged = ProcessInfo.processInfo.environment
            for (key, value) in environment { merged[key] = value }
            process.environment = merged
        }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        let standardInput = input.map { _ in Pipe() }
        if let standardInput { process.standardInput = standardInput } else { process.standardInput = FileHandle.nullDevice }
        try process.run()
        // Input is written and both outputs drained at once, so no pipe's buffer can block the program.
        if let standardInput, let input {
            let bytes = Data(input)
            Thread {
                standardInput.fileHandleForWriting.write(bytes)
                try? standardInput.fileHandleForWriting.close()
            }.start()
        }
        nonisolated(unsafe) var errorData = Data()
        let errorReader = Thread { errorData = errors.fileHandleForReading.readDataToEndOfFile() }
        errorReader.start()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errorReader.isFinished { usleep(1000) }
        return Result(status: process.terminationStatus, standardOutput: outputData, standardError: errorData)
    }
}
