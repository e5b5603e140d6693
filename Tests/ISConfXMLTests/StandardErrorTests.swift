import Foundation
import ISConfXML
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Inputs that make libxml2 want to complain: a parse error, a namespace error, a DOCTYPE.
private let noisyInputs: [[UInt8]] = [
    utf8("<Server>\n  <Service>\n  </Server>\n"),
    utf8("<r><x:b/></r>"),
    utf8("<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>"),
    utf8("<r a=\"1\" a=\"2\"/>"),
    utf8("<r>&undefined;</r>"),
    utf8("<r>\n<a v=\"") + [0xE9, 0xFF] + utf8("\"/></r>"),
]

/// libxml2's own entry points, looked up at run time: only ISConfXML includes libxml2's headers
/// (they clash with Foundation's ICU module), and the test binary links libxml2 through it.
private enum RawLibxml2 {
    typealias ReadMemory = @convention(c) (UnsafePointer<CChar>?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?, Int32) -> UnsafeMutableRawPointer?
    typealias FreeDoc = @convention(c) (UnsafeMutableRawPointer?) -> Void
    typealias ContextSlot = @convention(c) () -> UnsafeMutablePointer<UnsafeMutableRawPointer?>?

    static func symbol<T>(_ name: String, as type: T.Type) -> T {
        guard let address = dlsym(dlopen(nil, RTLD_NOW), name) else { fatalError("libxml2 symbol \(name) not found") }
        return unsafeBitCast(address, to: type)
    }

    static let readMemory = symbol("xmlReadMemory", as: ReadMemory.self)
    static let freeDoc = symbol("xmlFreeDoc", as: FreeDoc.self)
    static let genericErrorContext = symbol("__xmlGenericErrorContext", as: ContextSlot.self)
}

/// libxml2 with its default handlers (no NOERROR option), which print: the controls below.
private func parseNoisily(_ bytes: [UInt8]) {
    bytes.withUnsafeBufferPointer { buffer in
        buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { pointer in
            if let document = RawLibxml2.readMemory(pointer, Int32(buffer.count), nil, nil, 0) { RawLibxml2.freeDoc(document) }
        }
    }
}

/// libxml2 must never print: the CLI's stderr belongs to the CLI. Serialized, because it redirects
/// the process-wide file descriptor 2.
@Suite("No stderr noise", .serialized)
struct StandardErrorTests {
    @Test("refused documents write nothing to file descriptor 2")
    func nothingOnFileDescriptor2() throws {
        // While fd 2 is redirected, the test runner may report another suite's progress into it.
        // libxml2 would print on every attempt, so one clean attempt out of five proves it silent.
        var captures: [String] = []
        for _ in 0..<5 {
            var refused = 0
            let captured = try capturingStandardError {
                for bytes in noisyInputs where parseError(bytes) != nil { refused += 1 }
                for bytes in noisyInputs.prefix(2) { _ = ReferenceView.elements(of: bytes) }
            }
            #expect(refused == noisyInputs.count)
            if captured.isEmpty { return }
            captures.append(String(decoding: captured, as: UTF8.self))
        }
        Issue.record("something wrote to stderr during every parse attempt: \(captures[0].debugDescription)")
    }

    @Test("control: the fd 2 capture does see libxml2 when it is allowed to print")
    func captureSeesLibxml2() throws {
        let captured = try capturingStandardError { parseNoisily(noisyInputs[0]) }
        #expect(String(decoding: captured, as: UTF8.self).contains("Opening and ending tag mismatch"))
    }

    /// Exact and immune to other threads: libxml2 prints only through its generic error channel,
    /// whose FILE is per thread in this build. Point it at a temporary file on this thread.
    @Test("libxml2's generic error channel is never used (per-thread check, with a control)")
    func genericErrorChannelUnused() throws {
        let file = try #require(tmpfile())
        defer { fclose(file) }
        let slot = try #require(RawLibxml2.genericErrorContext())
        let saved = slot.pointee
        slot.pointee = UnsafeMutableRawPointer(file)
        defer { slot.pointee = saved }

        for bytes in noisyInputs { #expect(parseError(bytes) != nil) }
        fflush(file)
        #expect(ftell(file) == 0, "libxml2 printed \(ftell(file)) bytes while isconf parsed")

        parseNoisily(noisyInputs[0])
        fflush(file)
        #expect(ftell(file) > 0, "control: the default handler did not print into the redirected channel")
    }
}
