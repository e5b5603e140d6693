import Testing

@testable import ISConfTrustStore

@Suite struct ThumbprintTests {
    @Test func digestsAsLowercaseHexWithoutColons() {
        let prints = Thumbprints(der: Array("abc".utf8))
        #expect(prints.sha1 == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(prints.sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
