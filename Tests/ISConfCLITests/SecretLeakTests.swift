import Foundation
import ISConfTestSupport
import Testing

/// Issue 17, class 3: no byte of a password in a diff, whatever the layout, nor in a parse error.
@Suite struct SecretLeakTests {
    static let catalina = "repository/conf/tomcat/catalina-server.xml"

    /// A catalina-server.xml whose HTTPS connector lays out its secret in the ways a line cannot see.
    static func catalinaWithSplitSecrets(_ secret: String) -> String {
        """
        <Server port="8005" shutdown="SHUTDOWN">
          <Service name="Catalina">
            <Connector port="9443" SSLEnabled="true" scheme="https" clientAuth="false"
                       keystorePass
                         =
                       "\(secret)-a"
                       truststorePass="\(secret)-b
        \(secret)-c"
                       keyPass='\(secret)-d'/>
          </Service>
        </Server>

        """
    }

    @Test func diffMasksSecretsWhateverTheirLayout() throws {
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "home")
        try scratch.write("home/" + Self.catalina, Self.catalinaWithSplitSecrets("Hunter2Secret"))
        for format in ["text", "json"] {
            let result = try CLI.run(["enable", "--check", "--diff", "--format", format, home])
            #expect(result.status == 1, "\(format): \(result.stderr)")
            #expect(result.stdout.contains("clientAuth=\\\"want\\\"") || result.stdout.contains("clientAuth=\"want\""), "\(format)")
            #expect(!(result.stdout + result.stderr).contains("Hunter2Secret"), "\(format): \(result.stdout)")
            #expect(result.stdout.contains("********"), "\(format)")
        }
    }

    @Test func parseErrorsNeverQuoteTheDocument() throws {
        let scratch = try Scratch()
        let home = try scratch.copySample(as: "home")
        let secret = "Pa55Secret"
        let documents: [(String, [UInt8])] = [
            ("undefined entity", Array("<Server>\n<Connector keystorePass=\"&\(secret);\"/>\n</Server>\n".utf8)),
            ("invalid UTF-8", Array("<Server>\n<Connector keystorePass=\"".utf8) + [0xFF] + Array("\(secret)\"/>\n</Server>\n".utf8)),
            ("mismatched tags", Array("<Server>\n<\(secret)>\n</Server>\n".utf8)),
        ]
        for (name, document) in documents {
            try scratch.write("home/" + Self.catalina, document)
            for command in [["lint"], ["enable"], ["enable", "--format", "json"]] {
                let result = try CLI.run(command + [home])
                #expect(result.status == 2, "\(name) \(command)")
                #expect(result.stdout.contains("malformed XML") || result.stderr.contains("malformed XML"), "\(name) \(command)")
                #expect(!(result.stdout + result.stderr).contains(secret), "\(name) \(command): \(result.stdout)\(result.stderr)")
                #expect(!(result.stdout + result.stderr).contains("0xFF"), "\(name) \(command)")
            }
        }
    }
}
