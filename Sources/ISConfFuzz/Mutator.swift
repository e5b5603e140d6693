/// Deterministic pseudo-random numbers (SplitMix64): the same seed gives the same run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// XML-shaped mutations of config files: the damage hand edits, templating tools and bad copies do.
enum Mutator {
    static let tokens: [String] = [
        "<", ">", "\"", "'", "&", "<!--", "-->", "--", "/>", "</", "=", " ", "\n", "\t", "\r\n",
        "<![CDATA[", "]]>", "&amp;", "&lt;", "&#233;", "&#x0;", "&unknown;", "<?pi x?>", "\u{FEFF}", "é", "\u{00A0}",
        "clientAuth=\"want\"", "clientAuth=\"true\"", "clientAuth=\"false\"", "clientAuth=\"Want\"",
        "clientAuth=\"optional\"", "clientAuth=\"optionalNoCA\"", "clientAuth=\"need\"", "clientAuth=\"\"",
        "certificateVerification=\"required\"", "certificateVerification=\"want\"", "certificateVerification=\"none\"",
        "SSLEnabled=\"true\"", "scheme=\"https\"", "port=\"9443\"", "port=\"8443\"", "secure=\"true\"",
        "<SSLHostConfig>", "</SSLHostConfig>", "<SSLHostConfig certificateVerification=\"optionalNoCA\"/>",
        "<Certificate certificateKeystoreFile=\"k.jks\"/>", "<Connector port=\"9443\" SSLEnabled=\"true\"/>",
        "<Connector port=\"9443\" scheme=\"https\"><SSLHostConfig/></Connector>",
        "disabled=\"true\"", "disabled=\"false\"", "disabled=\"FALSE\"", "disabled=\"no\"", "disabled=\"\"",
        "name=\"MutualSSLAuthenticator\"", "<Authenticator name=\"MutualSSLAuthenticator\">",
        "<Authenticator name=\"MutualSSLAuthenticator\" disabled=\"true\"/>", "</Authenticator>",
        "<!--Authenticator name=\"MutualSSLAuthenticator\" disabled=\"false\"><Priority>5</Priority></Authenticator-->",
        "<!-- <Authenticator name=\"MutualSSLAuthenticator\"/> -->", "<Config>", "</Config>", "<Config/>",
        "<Parameter name=\"WhiteList\"/>", "<Parameter name=\"WhiteListEnabled\">true</Parameter>",
        "<Parameter name=\"UsernameHeader\">UserName</Parameter>", "<Parameter name=\"WhiteList\">a,b</Parameter>",
        "<Priority> 5 </Priority>", "xmlns=\"http://wso2.org/projects/carbon/authenticators.xml\"",
        "xmlns:c=\"urn:x\"", "c:", "<c:Authenticator name=\"MutualSSLAuthenticator\" xmlns:c=\"urn:x\">",
        "<!DOCTYPE Server>", "<!ENTITY x \"y\">", "<?xml version=\"1.0\"?>",
    ]

    static let declarations: [String] = [
        "", "<?xml version=\"1.0\"?>", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "<?xml version='1.0' encoding='utf-8'?>",
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>", "<?xml version=\"1.0\" encoding=\"latin1\"?>",
        "<?xml version=\"1.0\" encoding=\"US-ASCII\"?>", "<?xml version=\"1.0\" encoding=\"UTF-16\"?>",
        "<?xml version=\"1.0\" encoding=\"windows-1252\"?>", "<?xml version=\"1.0\" encoding=\"EBCDIC-US\"?>",
        "<?xml version=\"1.1\"?>", "<?xml version=\"1.0\" standalone=\"yes\"?>", "\u{FEFF}<?xml version=\"1.0\"?>",
    ]

    /// Applies one to `maxSteps` mutations.
    static func mutate(_ input: [UInt8], rng: inout SplitMix64, maxSteps: Int = 4, other: [UInt8]? = nil) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...maxSteps, using: &rng) {
            bytes = step(bytes, rng: &rng, other: other)
        }
        return bytes
    }

    static func step(_ input: [UInt8], rng: inout SplitMix64, other: [UInt8]?) -> [UInt8] {
        var bytes = input
        func position() -> Int { Int.random(in: 0...bytes.count, using: &rng) }
        func offsets(of byte: UInt8) -> [Int] { bytes.indices.filter { bytes[$0] == byte } }
        switch Int.random(in: 0..<17, using: &rng) {
        case 0:  // flip a bit
            if !bytes.isEmpty {
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                bytes[at] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng)
            }
        case 1:  // random byte
            if !bytes.isEmpty { bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
        case 2, 3:  // insert a token
            bytes.insert(contentsOf: Array(tokens.randomElement(using: &rng)!.utf8), at: position())
        case 4:  // delete a structural character
            let structural: [UInt8] = [0x3C, 0x3E, 0x22, 0x27, 0x26, 0x2D, 0x2F, 0x3D]
            let found = offsets(of: structural.randomElement(using: &rng)!)
            if let at = found.randomElement(using: &rng) { bytes.remove(at: at) }
        case 5:  // delete a range
            if !bytes.isEmpty {
                let start = Int.random(in: 0..<bytes.count, using: &rng)
                let end = min(bytes.count, start + Int.random(in: 1...64, using: &rng))
                bytes.removeSubrange(start..<end)
            }
        case 6:  // duplicate an attribute (name="value") in place or after the next one
            if let span = randomAttribute(in: bytes, rng: &rng) {
                let attribute = Array(bytes[span])
                bytes.insert(contentsOf: [0x20] + attribute, at: span.upperBound)
            }
        case 7:  // change an attribute value
            if let span = randomAttribute(in: bytes, rng: &rng), let quote = bytes[span].firstIndex(where: { $0 == 0x22 || $0 == 0x27 }) {
                let values = [
                    "want", "true", "false", "optional", "optionalNoCA", "required", "none", "", "WANT", " want",
                    "want ", "FALSE", "yes", "&quot;", "a&amp;b", "9443", "https",
                ]
                bytes.replaceSubrange((quote + 1)..<(span.upperBound - 1), with: Array(values.randomElement(using: &rng)!.utf8))
            }
        case 8:  // swap the XML declaration
            var rest = bytes[...]
            if bytes.starts(with: Array("<?xml".utf8)), let end = bytes.firstIndex(of: 0x3E) { rest = bytes[(end + 1)...] }
            bytes = Array(declarations.randomElement(using: &rng)!.utf8) + Array(rest)
        case 9:  // line endings: LF → CRLF, CRLF → LF, or lone CRs
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: bytes = bytes.flatMap { $0 == 0x0A ? [0x0D, 0x0A] : [$0] }
            case 1: bytes = bytes.filter { $0 != 0x0D }
            default: bytes = bytes.map { $0 == 0x0A ? 0x0D : $0 }
            }
        case 10:  // truncate
            if !bytes.isEmpty { bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &rng))) }
        case 11:  // comment out an element (or uncomment a comment)
            let starts = offsets(of: 0x3C)
            if let open = starts.randomElement(using: &rng) {
                if bytes[open...].starts(with: Array("<!--".utf8)), let close = find(Array("-->".utf8), in: bytes, from: open + 4) {
                    bytes.replaceSubrange(close..<(close + 3), with: [0x3E])
                    bytes.replaceSubrange(open..<(open + 4), with: [0x3C])
                } else if let close = offsets(of: 0x3E).filter({ $0 > open }).randomElement(using: &rng) {
                    bytes.insert(contentsOf: Array("-->".utf8), at: close + 1)
                    bytes.insert(contentsOf: Array("<!--".utf8), at: open)
                }
            }
        case 12:  // duplicate a line
            let lines = offsets(of: 0x0A)
            if lines.count >= 2 {
                let i = Int.random(in: 0..<(lines.count - 1), using: &rng)
                bytes.insert(contentsOf: Array(bytes[(lines[i] + 1)...lines[i + 1]]), at: lines[i + 1] + 1)
            }
        case 13:  // delete a line
            let lines = offsets(of: 0x0A)
            if lines.count >= 2 {
                let i = Int.random(in: 0..<(lines.count - 1), using: &rng)
                bytes.removeSubrange((lines[i] + 1)...lines[i + 1])
            }
        case 14:  // splice with another input
            if let other, !other.isEmpty {
                let cut = position()
                let from = Int.random(in: 0..<other.count, using: &rng)
                bytes =
                    Array(bytes[..<cut]) + Array(other[from...].prefix(Int.random(in: 1...512, using: &rng)))
                    + Array(bytes[cut...])
            }
        case 15:  // non-ASCII text: Latin-1 byte, UTF-8 sequence, broken UTF-8, NUL
            let pieces: [[UInt8]] = [[0xE9], [0xC3, 0xA9], [0xC3], [0xFF, 0xFE], [0x00], [0xE2, 0x80, 0xA8], [0xF0, 0x9F, 0x94, 0x92]]
            bytes.insert(contentsOf: pieces.randomElement(using: &rng)!, at: position())
        default:  // rename an element: Connector ↔ SSLHostConfig ↔ Authenticator, or change case
            let names = [
                "Connector", "SSLHostConfig", "Authenticator", "Authenticators", "Config", "Parameter", "Server",
                "Service", "connector", "Priority", "Certificate",
            ]
            let from = Array(names.randomElement(using: &rng)!.utf8)
            if let at = find(from, in: bytes, from: Int.random(in: 0...bytes.count, using: &rng)) ?? find(from, in: bytes, from: 0) {
                bytes.replaceSubrange(at..<(at + from.count), with: Array(names.randomElement(using: &rng)!.utf8))
            }
        }
        return bytes
    }

    /// The byte range of a random `name="value"` (or single-quoted) attribute.
    static func randomAttribute(in bytes: [UInt8], rng: inout SplitMix64) -> Range<Int>? {
        let equals = bytes.indices.filter { bytes[$0] == 0x3D && $0 + 1 < bytes.count && (bytes[$0 + 1] == 0x22 || bytes[$0 + 1] == 0x27) }
        guard let eq = equals.randomElement(using: &rng) else { return nil }
        var start = eq
        while start > 0, isNameByte(bytes[start - 1]) { start -= 1 }
        guard start < eq else { return nil }
        let quote = bytes[eq + 1]
        guard let close = bytes[(eq + 2)...].firstIndex(of: quote) else { return nil }
        return start..<(close + 1)
    }

    static func isNameByte(_ b: UInt8) -> Bool {
        (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) || (0x30...0x39).contains(b) || b == 0x2D || b == 0x5F || b == 0x3A || b == 0x2E
    }

    static func find(_ needle: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, bytes.count >= needle.count, from <= bytes.count - needle.count else { return nil }
        var i = from
        while i <= bytes.count - needle.count {
            if bytes[i] == needle[0], bytes[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
