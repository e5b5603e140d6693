// libFuzzer entry points, compiled only for `make fuzz`
// (`-Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING`).
#if FUZZING
    #if canImport(Glibc)
        import Glibc
    #elseif canImport(Darwin)
        import Darwin
    #endif
    import ISConfCore

    @_cdecl("LLVMFuzzerTestOneInput")
    public func isconfFuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        let bytes = size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size))
        if let problem = Harness.check(bytes) {
            // Not a crash of isconf but a broken promise: save the input (as libFuzzer would a crash,
            // beside its artifacts) and abort, so that libFuzzer stops and reports it.
            let prefix =
                CommandLine.arguments.last { $0.hasPrefix("-artifact_prefix=") }
                .map { String($0.dropFirst("-artifact_prefix=".count)) } ?? "./"
            let path = prefix + "violation-\(ContentHash(bytes)).xml"
            FuzzDriver.writeFile(path, bytes)
            let message = "ISConfFuzz: VIOLATION: \(problem)\nISConfFuzz: input saved to \(path)\n"
            _ = message.withCString { write(2, $0, strlen($0)) }
            abort()
        }
        return 0
    }

    // libFuzzer's C API, linked in by -sanitize=fuzzer. Declared here because a C module for two
    // functions would need a Package.swift target of its own. All arguments are pointers and
    // integers, which Swift passes exactly as C does.
    // swift-format-ignore: AlwaysUseLowerCamelCase
    // libFuzzer's own names.
    @_silgen_name("LLVMFuzzerMutate")
    private func LLVMFuzzerMutate(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int) -> Int

    // swift-format-ignore: AlwaysUseLowerCamelCase
    @_silgen_name("LLVMFuzzerRunDriver")
    private func LLVMFuzzerRunDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt

    /// SwiftPM links an executable's `main` as an alias of this module's entry point, so libFuzzer's
    /// own `main` is never used: `@main` hands over to libFuzzer's driver with the command line.
    func runLibFuzzer() -> Never {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        atexit {
            let line =
                "ISConfFuzz: plans accepted \(Harness.plansAccepted) (\(Harness.plansChanged) with changes), "
                + "refused \(Harness.plansRefused)\n"
            _ = line.withCString { write(2, $0, strlen($0)) }
        }
        exit(LLVMFuzzerRunDriver(&argc, &argv, isconfFuzzTestOneInput))
    }

    /// Half of the mutations are libFuzzer's own (bytes, dictionary, cross-over), half are the
    /// XML-shaped ones of `Mutator` (comment out, duplicate attributes, swap declarations, CRLF, …).
    @_cdecl("LLVMFuzzerCustomMutator")
    public func isconfFuzzCustomMutator(
        _ data: UnsafeMutablePointer<UInt8>?, _ size: Int, _ maxSize: Int,
        _ seed: CUnsignedInt
    ) -> Int {
        guard let data else { return 0 }
        var rng = SplitMix64(seed: UInt64(seed) &* 0x2545_F491_4F6C_DD1D)
        if rng.next() & 1 == 0 { return LLVMFuzzerMutate(data, size, maxSize) }
        let mutated = Mutator.mutate(Array(UnsafeBufferPointer(start: data, count: size)), rng: &rng, maxSteps: 3)
        let count = min(mutated.count, maxSize)
        mutated.withUnsafeBufferPointer { buffer in
            if count > 0 { data.update(from: buffer.baseAddress!, count: count) }
        }
        return count
    }
#endif
