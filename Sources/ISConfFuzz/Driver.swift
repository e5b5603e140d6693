import ISConfCore

// Without libFuzzer (a plain `swift build`): a deterministic random-mutation driver over the same
// harness, and a replayer for saved inputs.
//
//   ISConfFuzz [--seconds N] [--iterations N] [--seed S] [--crash-dir D] SEED_FILE_OR_DIR...
//   ISConfFuzz --replay FILE...
//
// Exit status: 0 no violation, 1 violations found (saved to the crash folder), 64 usage.
// A crash (a trap in isconf) kills the process; the input that caused it is then left in
// <crash-dir>/current-input.xml.
//
// Built with -DFUZZING (and -sanitize=fuzzer), `main` hands over to libFuzzer instead.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@main
struct FuzzDriver {
    static func main() {
        #if FUZZING
            runLibFuzzer()
        #else
            runDriver()
        #endif
    }

    static func runDriver() -> Never {
        var seconds: Double?
        var iterations: Int?
        var seed: UInt64 = 1
        var crashDir = "stress/fuzz-crashes"
        var replay = false
        var inputs: [String] = []
        var arguments = CommandLine.arguments.dropFirst()
        func value(_ flag: String) -> String {
            guard let next = arguments.popFirst() else { usage("\(flag) needs a value") }
            return next
        }
        while let argument = arguments.popFirst() {
            switch argument {
            case "--seconds":
                guard let number = Double(value(argument)) else { usage("bad --seconds") }
                seconds = number
            case "--iterations":
                guard let number = Int(value(argument)) else { usage("bad --iterations") }
                iterations = number
            case "--seed":
                guard let number = UInt64(value(argument)) else { usage("bad --seed") }
                seed = number
            case "--crash-dir": crashDir = value(argument)
            case "--replay": replay = true
            case "-h", "--help": usage(nil)
            default: inputs.append(argument)
            }
        }
        let files = inputs.flatMap(listFiles)
        if files.isEmpty { usage("no input files") }

        if replay {
            var failed = 0
            for file in files {
                guard let bytes = readFile(file) else {
                    print("\(file): unreadable")
                    failed += 1
                    continue
                }
                if let problem = Harness.check(bytes) {
                    print("\(file): VIOLATION: \(problem)")
                    failed += 1
                } else {
                    print("\(file): ok (\(Harness.plansAccepted) plans accepted, \(Harness.plansRefused) refused so far)")
                }
            }
            exit(failed == 0 ? 0 : 1)
        }

        let seeds = files.compactMap(readFile).filter { $0.count <= 1 << 20 }
        if seeds.isEmpty { usage("no readable seed") }
        if seconds == nil, iterations == nil { iterations = 10_000 }
        mkdir(crashDir, 0o755)
        let currentPath = crashDir + "/current-input.xml"
        let current = open(currentPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)

        var rng = SplitMix64(seed: seed)
        var pool = seeds
        var violations: [String: String] = [:]
        var executions = 0
        let start = now()
        var lastReport = start
        print(
            "ISConfFuzz: \(seeds.count) seeds, seed \(seed), "
                + (seconds.map { "\($0) s" } ?? "\(iterations!) iterations"))
        while true {
            if let iterations, executions >= iterations { break }
            if let seconds, now() - start >= seconds { break }
            let base = pool.randomElement(using: &rng)!
            let input = Mutator.mutate(base, rng: &rng, maxSteps: 4, other: seeds.randomElement(using: &rng))
            if current >= 0 {
                ftruncate(current, 0)
                _ = input.withUnsafeBytes { pwrite(current, $0.baseAddress, $0.count, 0) }
            }
            let acceptedBefore = Harness.plansChanged
            let problem = Harness.check(input)
            executions += 1
            if let problem {
                let key = String(problem.prefix(120))
                if violations[key] == nil {
                    let name = crashDir + "/violation-\(ContentHash(input)).xml"
                    writeFile(name, input)
                    violations[key] = name
                    print("ISConfFuzz: VIOLATION (saved to \(name)): \(problem)")
                }
            } else if Harness.plansChanged > acceptedBefore, pool.count < 4_000 {
                pool.append(input)  // a mutant enable still fixes: worth mutating further
            }
            if now() - lastReport >= 30 {
                lastReport = now()
                print(
                    "ISConfFuzz: \(executions) execs, \(Int(Double(executions) / (lastReport - start))) exec/s, "
                        + "pool \(pool.count), \(Harness.plansAccepted) plans accepted, \(Harness.plansRefused) refused, "
                        + "\(violations.count) distinct violations")
            }
        }
        if current >= 0 {
            close(current)
            unlink(currentPath)
        }
        let elapsed = now() - start
        print(
            "ISConfFuzz: done: \(executions) executions in \(Int(elapsed)) s "
                + "(\(Int(Double(executions) / max(elapsed, 0.001))) exec/s); plans accepted \(Harness.plansAccepted) "
                + "(\(Harness.plansChanged) with changes), refused \(Harness.plansRefused); "
                + "\(violations.count) distinct violations")
        exit(violations.isEmpty ? 0 : 1)
    }

    static func usage(_ message: String?) -> Never {
        if let message { print("ISConfFuzz: \(message)") }
        print(
            "usage: ISConfFuzz [--seconds N] [--iterations N] [--seed S] [--crash-dir D] SEED_FILE_OR_DIR...\n"
                + "       ISConfFuzz --replay FILE...")
        exit(message == nil ? 0 : 64)
    }

    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// Regular files: the path itself, or those directly in the folder (sorted, for determinism).
    static func listFiles(_ path: String) -> [String] {
        var info = stat()
        guard stat(path, &info) == 0 else { return [] }
        if info.st_mode & S_IFMT == S_IFREG { return [path] }
        guard info.st_mode & S_IFMT == S_IFDIR, let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasPrefix(".") { continue }
            var child = stat()
            if stat(path + "/" + name, &child) == 0, child.st_mode & S_IFMT == S_IFREG { names.append(path + "/" + name) }
        }
        return names.sorted()
    }

    static func readFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { return nil }
            if n == 0 { return bytes }
            bytes += buffer[0..<n]
        }
    }

    static func writeFile(_ path: String, _ bytes: [UInt8]) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }
}
