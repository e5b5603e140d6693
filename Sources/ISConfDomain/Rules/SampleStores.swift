import ISConfCore
import ISConfTrustStore

/// The key stores of the rules' examples: real store bytes, built in memory when the examples are,
/// by the code `isconf enable --trust-client-cert` imports with, from the certificates below. The
/// examples judge certificates on 2026-06-01.
extension Sample {
    static let keyStorePath = "repository/resources/security/wso2carbon.jks"
    static let trustStorePath = "repository/resources/security/client-truststore.jks"
    static let keyStorePassword = "sample-keystore-secret"
    static let trustStorePassword = "sample-truststore-secret"
    /// 2026-06-01T00:00:00Z.
    static let exampleDate = Timestamp(millisecondsSince1970: 1_780_272_000_000)

    /// A catalina-server.xml whose HTTPS connector (clientAuth="want") names both stores with these passwords.
    static func storeCatalina(
        keystorePass: String = keyStorePassword, truststorePass: String = trustStorePassword,
        extra: String = ""
    ) -> String {
        catalina(
            legacy("clientAuth=\"want\"") + " keystorePass=\"\(keystorePass)\""
                + " truststoreFile=\"${carbon.home}/\(trustStorePath)\" truststorePass=\"\(truststorePass)\" \(extra)")
    }

    /// An authenticators.xml whose MutualSSLAuthenticator whitelists this thumbprint.
    static func whitelisting(_ thumbprint: String, enableSHA256: String? = nil) -> String {
        authenticators(
            mutualSSL(
                parameters: """
                    <Parameter name="WhiteListEnabled">true</Parameter>
                    <Parameter name="WhiteList">\(thumbprint)</Parameter>
                    """ + (enableSHA256.map { "\n<Parameter name=\"EnableSHA256\">\($0)</Parameter>" } ?? "")))
    }

    /// One store of an example: a sample server key and trusted certificates, or bytes as they are.
    struct Store {
        var path: String
        var password: String
        /// Start from a JKS store holding a private key for CN=localhost, valid to 2124 (password
        /// `keyStorePassword`), else from an empty one (password `trustStorePassword`); adding a
        /// certificate sets `password`.
        var serverKey = false
        var trusted: [(alias: String, pem: String)] = []
        /// Bytes to use as they are (a damaged file).
        var raw: [UInt8]?

        static func keys(password: String = keyStorePassword) -> Store {
            Store(path: keyStorePath, password: password, serverKey: true)
        }

        static func trust(_ trusted: [(alias: String, pem: String)], password: String = trustStorePassword) -> Store {
            Store(path: trustStorePath, password: password, trusted: trusted)
        }

        var bytes: [UInt8] {
            if let raw { return raw }
            do {
                var bytes = Sample.bytes(hex: serverKey ? serverKeyStoreHex : emptyTrustStoreHex)
                var store = try KeyStore.read(bytes, path: path, password: nil)
                for (alias, pem) in trusted {
                    bytes = try store.settingTrustedCertificate(Sample.certificate(pem), alias: alias, password: password, path: path)
                    store = try KeyStore.read(bytes, path: path, password: password)
                }
                return bytes
            } catch {
                preconditionFailure("sample store \(path): \(error)")
            }
        }

        var description: String {
            if raw != nil { return "\(path): \(raw!.count) bytes that are not a key store" }
            var parts = serverKey ? ["private key 'wso2carbon' for CN=localhost"] : []
            parts += trusted.map { "trusted '\($0.alias)' \(Sample.certificate($0.pem).subject), valid until \(Sample.certificate($0.pem).notAfter)" }
            return "\(path) (JKS): " + (parts.isEmpty ? "no entries" : parts.joined(separator: "; "))
        }
    }

    /// An IS_HOME at "." holding these stores, its certificates judged on 2026-06-01.
    static func home(_ stores: [Store], componentVersion: String? = nil) -> HomeFacts {
        var facts = HomeFacts(root: ".")
        facts.mutualSSLComponentVersion = componentVersion
        facts.storeFiles = StoreFiles(
            files: Dictionary(uniqueKeysWithValues: stores.map { (FileSystem.join(".", $0.path), $0.bytes) }),
            now: exampleDate,
            descriptions: stores.map(\.description) + ["certificates judged on \(exampleDate)"]
                + (componentVersion.map { ["MutualSSLAuthenticator bundle \($0)"] } ?? []))
        return facts
    }

    static func certificate(_ pem: String) -> StoredCertificate {
        do {
            return try CertificateFile.single(in: SourceFile(path: "sample.pem", bytes: Array(pem.utf8)))
        } catch {
            preconditionFailure("sample certificate: \(error)")
        }
    }

    /// CN=partner-client, O=isconf sample: valid 2024-01-01 to 2124-01-01.
    static let partnerCertificate = """
        -----BEGIN CERTIFICATE-----
        MIIBTDCB8wICEAAwCgYIKoZIzj0EAwIwMTEXMBUGA1UEAwwOcGFydG5lci1jbGll
        bnQxFjAUBgNVBAoMDWlzY29uZiBzYW1wbGUwIBcNMjQwMTAxMDAwMDAwWhgPMjEy
        NDAxMDEwMDAwMDBaMDExFzAVBgNVBAMMDnBhcnRuZXItY2xpZW50MRYwFAYDVQQK
        DA1pc2NvbmYgc2FtcGxlMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE04cK4c6q
        JnAdv5aEoAYmHMv3cdrfCGaXroFngEF27WWfmZC/lfB5VngeQLHKdzmNUoagzwNb
        evH2Hsvo5CKbgDAKBggqhkjOPQQDAgNIADBFAiAohPXK4vkoGbYr+2+lOUOgsovW
        H41DUWUV/5XVc1EqDwIhAMIQitoGB1Dna3K417of7KbrjALXKILC0LSOyJ1OJvmi
        -----END CERTIFICATE-----
        """

    /// CN=old-partner: valid 2019-01-01 to 2020-01-01.
    static let expiredCertificate = """
        -----BEGIN CERTIFICATE-----
        MIIBRTCB6wICEAEwCgYIKoZIzj0EAwIwLjEUMBIGA1UEAwwLb2xkLXBhcnRuZXIx
        FjAUBgNVBAoMDWlzY29uZiBzYW1wbGUwHhcNMTkwMTAxMDAwMDAwWhcNMjAwMTAx
        MDAwMDAwWjAuMRQwEgYDVQQDDAtvbGQtcGFydG5lcjEWMBQGA1UECgwNaXNjb25m
        IHNhbXBsZTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABGzjXnO7O3nGafsE3LUi
        IFduooloYF0flvfS5/KTg5Gtl/fSzLxH7e5vg3Fx1r513mIez404Nc1+Bjj3WRYo
        96owCgYIKoZIzj0EAwIDSQAwRgIhAJr6p7KeBaC9rwfhAcJ10xMsymNaVOpNGqYQ
        yuHJWRCkAiEAjdQ45b8UC8QzVN9aJsUPoV8VOPEHVpupfMCWNbvkVuA=
        -----END CERTIFICATE-----
        """

    /// CN=soon-partner: valid 2025-06-01 to 2026-06-15, two weeks after the examples' date.
    static let expiringCertificate = """
        -----BEGIN CERTIFICATE-----
        MIIBRTCB7QICEAIwCgYIKoZIzj0EAwIwLzEVMBMGA1UEAwwMc29vbi1wYXJ0bmVy
        MRYwFAYDVQQKDA1pc2NvbmYgc2FtcGxlMB4XDTI1MDYwMTAwMDAwMFoXDTI2MDYx
        NTAwMDAwMFowLzEVMBMGA1UEAwwMc29vbi1wYXJ0bmVyMRYwFAYDVQQKDA1pc2Nv
        bmYgc2FtcGxlMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEFPTHwcnCX+l1v+rd
        GpGHw18j2eRyIzCR27CmhaUGdEaLhV+dLkBg3kXpRD+/nuIZnoLdmkXGgQHVZEHe
        kd7V8zAKBggqhkjOPQQDAgNHADBEAiB3Wpsd8s4CK11qBwrmW/Hc5uIOpFb0K+J0
        +fDwpO3S/AIgWS7Gwr1ZXRghgzzjZZ0W9sDI4hEYT3w8b7bMENRO7pI=
        -----END CERTIFICATE-----
        """

    static func bytes(hex: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var high: UInt8?
        for digit in hex.utf8 {
            let value = digit <= UInt8(ascii: "9") ? digit - UInt8(ascii: "0") : digit - UInt8(ascii: "a") + 10
            if let first = high {
                bytes.append(first << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return bytes
    }

    /// keytool -importcert, then -delete, -storetype JKS -storepass sample-truststore-secret: an empty store.
    static let emptyTrustStoreHex = "feedfeed0000000200000000c449f841df50ccb3d25ecbbe76d3292d577ea404"

    /// keytool -genkeypair -alias wso2carbon -keyalg EC -groupname secp256r1 -dname "CN=localhost, O=isconf sample"
    /// -startdate 2024/01/01 -validity 36525 -storetype JKS -storepass sample-keystore-secret.
    static let serverKeyStoreHex = """
        feedfeed000000020000000100000001000a77736f32636172626f6e000001a225afaf9f0000007f307d300e060a2b06\
        0104012a021101010500046ba666e7f04ca4b0c98c2c1a59638dccfe8a322c1130971a005972bc38909957a33bc40688\
        9de4f4c61a230220b690563dabec9dc1343649095d6b0a13e7f626aa689b53f41fc3000a49dddfdbcb1f8a8bbbe7e0e7\
        7eac5472dddd1c1fa5ebe9dea4d2845d8e3f5e159cbdb5000000010005582e353039000001753082017130820117a003\
        02010202080faf4bb1f921dae1300a06082a8648ce3d040302302c31163014060355040a130d6973636f6e662073616d\
        706c6531123010060355040313096c6f63616c686f73743020170d3234303130313035303332305a180f323132343031\
        30323035303332305a302c31163014060355040a130d6973636f6e662073616d706c6531123010060355040313096c6f\
        63616c686f73743059301306072a8648ce3d020106082a8648ce3d03010703420004121cfebb01034cc54a580501e779\
        28ee44363884f381735279e673f75b2af92f084853a477bcc274700164202c213a1f8cb6e416f1df356b8858a4cad68f\
        b650a321301f301d0603551d0e041604144208132e28875d1a463442cfb196eac93da3a7b6300a06082a8648ce3d0403\
        020348003045022100fedf4010cae0b3a9b52122b1be3247ae65a6d490002dc735b2df8c8bb9f8e23e022031eac025e8\
        cfdbf167ccc2e7cd5accc96771fb6b9973aa8dae00c434257c31ecd63eb4799b73a0866282efefb70051fcb2303a03
        """
}
