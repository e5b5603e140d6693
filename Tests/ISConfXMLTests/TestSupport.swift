// Shared helpers for the ISConfXML tests: where the fixtures are, parsing shortcuts, files and
// descriptors. The oracles that recompute what the XML core reports are in Oracles.swift, the
// check of a whole parsed document in DocumentChecks.swift.

import Foundation
import ISConfCore
import ISConfTestSupport
import ISConfXML
import Testing

#if canImport(Glibc)
    import Glibc
#endif

// MARK: - Locations

let fixturesDirectory = PackagePaths.root.appendingPathComponent("Tests/Fixtures/xml").path

struct NamedInput: Sendable {
    let name: String
    let bytes: [UInt8]
}

func readBytes(_ path: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: path)))
}

func fixture(_ name: String) throws -> [UInt8] {
    try readBytes(fixturesDirectory + "/" + name)
}

let fixtureNames = ["catalina-crlf-bom.xml", "authenticators-latin1.xml", "secure-vault.xml"]

/// Corpus files worth handing to an XML parser: all but the Jinja templates and the JSON, TOML and
/// Markdown files. ERB templates are kept: `authenticators.xml.erb@puppet-is-v5.6.0.1` is plain XML.
func corpusXMLCandidates() throws -> [NamedInput] {
    try FileManager.default.contentsOfDirectory(atPath: Corpus.directory).sorted()
        .filter { !$0.contains(".j2@") && !$0.contains(".json@") && !$0.contains(".toml@") && !$0.hasSuffix(".md") }
        .map { NamedInput(name: $0, bytes: try readBytes(Corpus.path($0))) }
}

// MARK: - Parsing

func parse(_ bytes: [UInt8], path: String = "test.xml") throws(InputError) -> XMLDocument {
    try XMLDocument.parse(SourceFile(path: path, bytes: bytes))
}

/// The typed error `parse` throws, or nil if it accepted the bytes. (`catch` binds an `InputError`
/// here only because the throw is typed: this does not compile if that ever changes.)
func parseError(_ bytes: [UInt8], path: String = "test.xml") -> InputError? {
    do {
        _ = try parse(bytes, path: path)
        return nil
    } catch {
        let typed: InputError = error
        return typed
    }
}

/// Expects `bytes` to be refused as `kind`, in one line holding every fragment of the particulars
/// that tell this refusal from others of its kind.
@discardableResult
func expectRejected(
    _ bytes: [UInt8], _ kind: InputError.Kind, _ fragments: String..., path: String = "bad.xml",
    sourceLocation: SourceLocation = #_sourceLocation
) -> InputError? {
    guard let error = parseError(bytes, path: path) else {
        Issue.record("accepted, expected an InputError of kind \(kind)", sourceLocation: sourceLocation)
        return nil
    }
    #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
    expectWellFormedMessage(error, path: path, fragments, sourceLocation: sourceLocation)
    return error
}

func expectWellFormedMessage(
    _ error: InputError, path: String, _ fragments: [String],
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(error.path == path, sourceLocation: sourceLocation)
    #expect(!error.message.isEmpty, sourceLocation: sourceLocation)
    #expect(
        !error.description.contains("\n"), "message must be one line: \(error.description)",
        sourceLocation: sourceLocation)
    #expect(error.description.hasPrefix(path + ":"), sourceLocation: sourceLocation)
    for fragment in fragments {
        #expect(
            error.message.contains(fragment), "\(error.message.debugDescription) lacks \(fragment.debugDescription)",
            sourceLocation: sourceLocation)
    }
}

func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }

// MARK: - Files and descriptors

func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// Runs `body` with file descriptor 2 pointed at a temporary file; returns what reached it.
func capturingStandardError(_ body: () -> Void) throws -> [UInt8] {
    let scratch = try Scratch()
    let path = scratch.file("stderr")
    let capture = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard capture >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    defer { close(capture) }
    fflush(nil)
    let saved = dup(2)
    guard saved >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    guard dup2(capture, 2) >= 0 else {
        close(saved)
        throw POSIXError(.init(rawValue: errno) ?? .EIO)
    }
    body()
    fflush(nil)
    dup2(saved, 2)
    close(saved)
    return try readBytes(path)
}
