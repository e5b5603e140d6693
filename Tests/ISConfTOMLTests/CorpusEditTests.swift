import ISConfCore
import ISConfTOML
import ISConfTestSupport
import Testing

@Suite(.enabled(if: Corpus.available, Corpus.skipReason))
struct CorpusEditTests {
    @Test(arguments: Corpus.deploymentTomls)
    func enablesMutualSSLByAddingOnlyTwoSections(_ name: String) throws {
        let original = try Corpus.source(name).bytes
        let changes: [TOMLChange] = [
            .set(sslHostConfig + ["certificateVerification"], .string("want")),
            .set(mutualSSL + ["enable"], .boolean(true)),
        ]
        let result = try edited(original, changes)
        #expect(
            LineDiff(original, Array(result.utf8))
                == LineDiff(added: [
                    "\n", "[transport.https.sslHostConfig.properties]\n", "certificateVerification = \"want\"\n",
                    "\n", "[admin_console.authenticator.mutual_ssl_authenticator]\n", "enable = true\n",
                ]))
        #expect(result.utf8.starts(with: original))
    }

    @Test func changesAKeyOf730InPlace() throws {
        let original = try Corpus.source("deployment.toml@product-is-v7.3.0").bytes
        #expect(
            LineDiff(original, Array(try edited(original, [.set(["truststore", "type"], .string("JKS"))]).utf8))
                == LineDiff(removed: ["type=\"PKCS12\"\n"], added: ["type=\"JKS\"\n"]))
        #expect(
            LineDiff(original, Array(try edited(original, [.set(["truststore", "alias"], .string("x"))]).utf8))
                == LineDiff(added: ["alias=\"x\"\n"]))
    }
}
