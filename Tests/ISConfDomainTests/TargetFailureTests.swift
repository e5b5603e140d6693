import ISConfCore
import ISConfDomain
import ISConfTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `isconf enable` keeps the typed error that stopped a target, and words it with what became of
/// the files it had written.
@Suite struct TargetFailureTests {
    @Test func aTargetThatCannotBeReadKeepsTheKindOfItsError() throws {
        let directory = try Scratch()
        let missing = directory.path + "/catalina-server.xml"
        let outcome = Enabler.run(LintTarget(facts: HomeFacts(), files: [(.catalinaServer, missing)]), EnableRequest(write: false))
        let failure = try #require(outcome.error)
        #expect(failure.cause.kind == .notFound && failure.cause.path == missing)
        #expect(failure.restored.isEmpty && failure.leftovers.isEmpty)
        #expect(outcome.files.isEmpty)
    }

    @Test func aMalformedFileStopsItsTargetAsMalformed() throws {
        let directory = try Scratch()
        let path = try directory.write("catalina-server.xml", "<Server><Service>\n")
        let outcome = Enabler.run(LintTarget(facts: HomeFacts(), files: [(.catalinaServer, path)]), EnableRequest(write: false))
        #expect(outcome.error?.cause.kind == .malformed)
        #expect(outcome.error?.cause.consequence == .notChanged)
    }

    /// The one test of the wording: the cause, then what was put back, then what was not.
    @Test func wording() {
        var failure = TargetFailure(InputError.system(ENOSPC, path: "home/b.xml", doing: "cannot write", consequence: .notChanged))
        #expect(failure.description == "home/b.xml: cannot write: no space left on device; not changed")
        failure.restored = ["home/a.xml", "home/c.xml"]
        failure.leftovers = [
            TargetFailure.Leftover(path: "home/d.xml", reason: .savedSince),
            TargetFailure.Leftover(path: "home/e.xml", reason: .failed(InputError(path: "home/e.xml", .permissionDenied), backup: "bk/e.xml")),
            TargetFailure.Leftover(path: "home/f.xml", reason: .failed(InputError(path: "home/f.xml", .notFound), backup: nil)),
        ]
        #expect(
            failure.description == "home/b.xml: cannot write: no space left on device; not changed"
                + "; put back as it was: home/a.xml, home/c.xml"
                + "; NOT put back, still changed: home/d.xml (saved by someone else since), "
                + "home/e.xml (permission denied; its original is in bk/e.xml), home/f.xml (no such file or directory)")
    }
}
