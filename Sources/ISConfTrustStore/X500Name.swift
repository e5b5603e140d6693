import SwiftASN1

/// A certificate's subject or issuer, read with swift-asn1 and shown as Java's X500Name shows it.
/// swift-certificates' `DistinguishedName` would do, but it is the only part of that library isconf
/// needs, and linking the library costs every start of isconf its 614 protocol-conformance records.
struct X500Name: Sendable, Equatable {
    struct Attribute: Sendable, Equatable {
        var type: ASN1ObjectIdentifier
        var value: ASN1Node
        /// The whole AttributeTypeAndValue, which orders the attributes of a relative name.
        var encoded: ArraySlice<UInt8>
    }

    /// Most general first, as encoded; each relative name's attributes in DER order.
    let relativeNames: [[Attribute]]

    /// Name ::= SEQUENCE OF RelativeDistinguishedName; RelativeDistinguishedName ::= SET OF
    /// AttributeTypeAndValue; AttributeTypeAndValue ::= SEQUENCE { type OBJECT IDENTIFIER, value ANY }
    /// (RFC 5280 §4.1.2.4).
    init(derEncoded node: ASN1Node) throws {
        relativeNames = try DER.sequence(node, identifier: .sequence) { names in
            var relativeNames: [[Attribute]] = []
            while let name = names.next() {
                var attributes = try DER.set(name, identifier: .set) { members in
                    var attributes: [Attribute] = []
                    while let member = members.next() {
                        attributes.append(
                            try DER.sequence(member, identifier: .sequence) { fields in
                                let type = try ASN1ObjectIdentifier(derEncoded: &fields)
                                guard let value = fields.next(), fields.next() == nil else {
                                    throw ASN1Error.invalidASN1Object(reason: "an attribute needs exactly a type and a value")
                                }
                                return Attribute(type: type, value: value, encoded: member.encodedBytes)
                            })
                    }
                    return attributes
                }
                guard !attributes.isEmpty else { throw ASN1Error.invalidASN1Object(reason: "an empty relative name") }
                attributes.sort { Self.precedesInSet($0.encoded, $1.encoded) }
                relativeNames.append(attributes)
            }
            return relativeNames
        }
    }

    /// The name re-encoded with each SET OF in DER order: what two names are compared by to walk a chain.
    var canonicalEncoding: [UInt8] {
        var serializer = DER.Serializer()
        serializer.appendConstructedNode(identifier: .sequence) { names in
            for attributes in relativeNames {
                names.appendConstructedNode(identifier: .set) { set in
                    for attribute in attributes { set.serializeRawBytes(attribute.encoded) }
                }
            }
        }
        return serializer.serializedBytes
    }

    /// The CN that Java shows first: the first in the last relative name that has one.
    var commonName: String? {
        var found: Attribute?
        for attributes in relativeNames {
            for attribute in attributes where attribute.type == [2, 5, 4, 3] {
                found = attribute
                break
            }
        }
        return found.flatMap { Self.text(of: $0.value) }
    }

    /// Java's X500Name.toString: relative names last to first, joined by ", "; several
    /// attributes in one relative name joined by " + ".
    /// Built with loops: `joined(separator:)` is generic code run unspecialized, which costs a scan of
    /// every protocol conformance in the binary the first time a run names a certificate.
    var description: String {
        var text = ""
        for (index, attributes) in relativeNames.reversed().enumerated() {
            if index > 0 { text += ", " }
            for (position, attribute) in attributes.enumerated() {
                if position > 0 { text += " + " }
                text += (Self.keyword(for: attribute.type) ?? "OID." + attribute.type.description) + "=" + Self.render(attribute.value)
            }
        }
        return text
    }

    /// The keyword Java's X500Name prints for an attribute type; other types appear as OID.<dotted>.
    /// A list searched in order rather than a dictionary: a dictionary keyed by a type from another
    /// module is instantiated at run time, at the price of a scan of every conformance in the binary.
    private static func keyword(for type: ASN1ObjectIdentifier) -> String? {
        keywords.first { $0.type == type }?.keyword
    }

    private static let keywords: [(type: ASN1ObjectIdentifier, keyword: String)] = [
        ([2, 5, 4, 3], "CN"), ([2, 5, 4, 6], "C"), ([2, 5, 4, 7], "L"), ([2, 5, 4, 8], "ST"), ([2, 5, 4, 10], "O"),
        ([2, 5, 4, 11], "OU"), ([2, 5, 4, 12], "T"), ([2, 5, 4, 9], "STREET"), ([2, 5, 4, 4], "SURNAME"),
        ([2, 5, 4, 42], "GIVENNAME"), ([2, 5, 4, 43], "INITIALS"), ([2, 5, 4, 44], "GENERATION"),
        ([2, 5, 4, 46], "DNQUALIFIER"), ([2, 5, 4, 5], "SERIALNUMBER"), ([1, 2, 840, 113549, 1, 9, 1], "EMAILADDRESS"),
        ([0, 9, 2342, 19_200_300, 100, 1, 25], "DC"), ([0, 9, 2342, 19_200_300, 100, 1, 1], "UID"),
    ]

    /// UTF8String, PrintableString and IA5String as their text, the forms certificates use.
    private static func text(of value: ASN1Node) -> String? {
        switch value.identifier {
        case ASN1UTF8String.defaultIdentifier: (try? ASN1UTF8String(derEncoded: value)).map(String.init)
        case ASN1PrintableString.defaultIdentifier: (try? ASN1PrintableString(derEncoded: value)).map(String.init)
        case ASN1IA5String.defaultIdentifier: (try? ASN1IA5String(derEncoded: value)).map(String.init)
        default: nil
        }
    }

    /// The characters that make Java quote a value.
    private static func isSpecial(_ character: Character) -> Bool {
        switch character {
        case ",", "+", "=", "\n", "<", ">", "#", ";", "\\", "\"": true
        default: false
        }
    }

    /// Quoted, as Java does, when the value holds a special character or stray spaces; a value
    /// that is not a string is shown as # and the hex of its encoding.
    private static func render(_ value: ASN1Node) -> String {
        var text = text(of: value)
        if text == nil {
            switch value.identifier {
            case .bmpString:
                if let string = try? ASN1BMPString(derEncoded: value) { text = decodeUTF16BE(Array(string.bytes)) }
            case .teletexString:
                if case .primitive(let bytes) = value.content { text = String(bytes.map { Character(Unicode.Scalar($0)) }) }
            default:
                break
            }
        }
        guard let text else { return "#" + Thumbprints.hex(value.encodedBytes) }
        let needsQuotes =
            text.contains(where: isSpecial) || text.hasPrefix(" ") || text.hasSuffix(" ")
            || text.contains("  ")
        guard needsQuotes else { return text }
        var quoted = "\""
        for character in text {
            if character == "\"" || character == "\\" { quoted.append("\\") }
            quoted.append(character)
        }
        return quoted + "\""
    }

    /// DER's order for the members of a SET OF: their encodings compared as octet strings, a shorter
    /// one first unless the longer continues with zero octets only (X.690 §11.6, as swift-certificates
    /// orders them).
    private static func precedesInSet(_ left: ArraySlice<UInt8>, _ right: ArraySlice<UInt8>) -> Bool {
        for (leftByte, rightByte) in zip(left, right) where leftByte != rightByte { return leftByte < rightByte }
        let trailing = right.dropFirst(left.count)
        return !trailing.isEmpty && !trailing.allSatisfy { $0 == 0 }
    }
}
