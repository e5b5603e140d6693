import ISConfCore
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The one test of how each kind of `InputError` is worded: every other test asserts on kinds. The
/// lines are the ones isconf printed before errors had kinds (the CLI tests compare whole outputs).
@Suite("InputError wording")
struct InputErrorWordingTests {
    static let lines: [(InputError, String)] = [
        (InputError(path: "a.xml", .notFound), "a.xml: no such file or directory"),
        (InputError(path: "a.xml", .permissionDenied), "a.xml: permission denied"),
        (InputError(path: "conf", .notARegularFile(isDirectory: true)), "conf: is a directory, expected a file"),
        (InputError(path: "/dev/null", .notARegularFile(isDirectory: false)), "/dev/null: is not a regular file"),
        (InputError(path: "a/b", .ioFailure(errno: ELOOP)), "a/b: too many levels of symbolic links (a symlink loop?)"),
        (InputError(path: "a/b", .ioFailure(errno: ENOTDIR)), "a/b: a component of the path is not a directory"),
        (
            InputError(path: "big.xml", .tooLarge(size: 8_388_609, limit: 8 * 1024 * 1024)),
            "big.xml: file is 8388609 bytes, over the 8 MiB limit"
        ),
        (InputError(path: "/proc/x", .tooLarge(size: nil, limit: 50)), "/proc/x: file is over the 50 bytes limit"),
        (InputError(path: "a.xml", .readOnly(mode: 0o444), consequence: .notChanged), "a.xml: is read-only (mode 444); not changed"),
        (InputError(path: "deep", .tooDeep(limit: 6)), "deep: more than 6 folders deep: not walked; give it to isconf lint directly"),
        (
            InputError(path: "s.jks", .wrongPassword),
            "s.jks: store password is incorrect, or the store was tampered with (its integrity check failed)"
        ),
        (
            InputError(path: "a.xml", .verificationFailed, "the patched file is not well-formed XML"),
            "a.xml: verification failed: the patched file is not well-formed XML"
        ),
        (
            InputError(path: "a.xml", .internalError, "overlapping edits; nothing was changed"),
            "a.xml: internal error: overlapping edits; nothing was changed"
        ),
        (
            InputError(path: "a.xml", .malformed, "malformed XML: an end tag that does not match", position: SourcePosition(line: 3, column: 4)),
            "a.xml:3:4: malformed XML: an end tag that does not match"
        ),
        (InputError(path: "a.xml", .empty, "file is empty"), "a.xml: file is empty"),
        (
            InputError(path: "a.xml", .unsupportedFormat, "UTF-16 encoded; isconf reads UTF-8 and ISO-8859-1 only"),
            "a.xml: UTF-16 encoded; isconf reads UTF-8 and ISO-8859-1 only"
        ),
        (
            InputError(path: "a.toml", .template, "a Jinja2/ERB template, not XML: skipped; lint the rendered file"),
            "a.toml: a Jinja2/ERB template, not XML: skipped; lint the rendered file"
        ),
        (InputError(path: "home", .noConfiguration, "no IS_HOME here"), "home: no IS_HOME here"),
        (InputError(path: "x", .wrongFileType, "not a key store"), "x: not a key store"),
        (InputError(path: "x", .passwordNeeded, "needs the store password"), "x: needs the store password"),
        (InputError(path: "x", .noCertificateEntry, "has no entry \"a\""), "x: has no entry \"a\""),
        (InputError(path: "x", .overLimit, "nested too deep"), "x: nested too deep"),
        (InputError(path: "x", .cannotEdit, "no HTTPS connector"), "x: no HTTPS connector"),
        (InputError(path: "--on-change", .invalidArgument, "the command is empty"), "--on-change: the command is empty"),
        (InputError(path: "x", .outOfMemory, "out of memory creating the XML parser"), "x: out of memory creating the XML parser"),
        (
            InputError(path: "x", .changedMeanwhile, "changed while isconf was writing it", consequence: .notWritten),
            "x: changed while isconf was writing it; not written"
        ),
        (InputError(path: "x", .alreadyExists, "a FIFO is already there", consequence: .notWritten), "x: a FIFO is already there; not written"),
    ]

    @Test("each kind, alone and with its particulars", arguments: lines.indices)
    func kind(index: Int) {
        let (error, line) = Self.lines[index]
        #expect(error.description == line)
        #expect(error.message == String(line.drop { $0 != " " }.dropFirst()))
    }

    @Test("a failed system call: what isconf was doing, the errno's phrase, what was left undone, the remedy")
    func systemFailure() {
        #expect(InputError.system(ENOENT, path: "a.xml").kind == .notFound)
        #expect(InputError.system(EPERM, path: "a.xml").kind == .permissionDenied)
        #expect(InputError.system(EISDIR, path: "a.xml").kind == .notARegularFile(isDirectory: true))
        #expect(
            InputError.system(ENOSPC, path: "a.xml", doing: "cannot write", consequence: .notChanged).description
                == "a.xml: cannot write: no space left on device; not changed")
        #expect(
            InputError.system(ENOSPC, path: "/etc", doing: "cannot watch", remedy: "raise fs.inotify.max_user_watches").description
                == "/etc: cannot watch: no space left on device (raise fs.inotify.max_user_watches)")
    }

    @Test("a failure inside a larger step keeps its kind and is said within it")
    func within() {
        let inner = InputError.system(ENOSPC, path: "run/.marker", doing: "cannot write")
        let outer = inner.within("cannot create the backup folder", path: "run")
        #expect(outer.kind == .ioFailure(errno: ENOSPC))
        #expect(outer.description == "run: cannot create the backup folder: cannot write: no space left on device")
        let malformed = InputError(path: "s.p12", .malformed, "not a valid X.509 certificate").within("certificate \"a\"", path: "s.p12")
        #expect(malformed.description == "s.p12: certificate \"a\": not a valid X.509 certificate")
        #expect(InputError(path: "d.toml", .malformed, "invalid TOML: x").leaving(.notChanged).description == "d.toml: invalid TOML: x; not changed")
    }
}
