import SwiftASN1

/// The fields of an X.509 certificate isconf shows and judges (serial, issuer, validity, subject),
/// read from the DER with swift-asn1. swift-certificates' `Certificate` also decodes the public key
/// and every extension, which nothing here uses: for an RSA key its decoder throws and describes an
/// error on its way (checking for RSA-PSS parameters), and that was most of a lint's store work.
struct CertificateFields {
    /// The INTEGER's content octets as encoded (a leading zero byte keeps a high first byte positive).
    var serialNumber: ArraySlice<UInt8>
    var issuer: X500Name
    var notBefore: Timestamp
    var notAfter: Timestamp
    var subject: X500Name

    /// Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue } (RFC 5280);
    /// the outer shape is checked whole, TBSCertificate up to the subject's public key info.
    init(derEncoded der: [UInt8]) throws {
        self = try DER.sequence(try DER.parse(der), identifier: .sequence) { nodes in
            guard let tbs = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "no TBSCertificate") }
            let fields = try DER.sequence(tbs, identifier: .sequence) { nodes in try CertificateFields(tbs: &nodes) }
            guard let algorithm = nodes.next(), algorithm.identifier == .sequence,
                let signature = nodes.next(), signature.identifier == .bitString
            else { throw ASN1Error.invalidASN1Object(reason: "no signature") }
            return fields
        }
    }

    private init(tbs nodes: inout ASN1NodeCollection.Iterator) throws {
        var node = try Self.next(&nodes)
        if node.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) { node = try Self.next(&nodes) }
        guard node.identifier == .integer, case .primitive(let serial) = node.content, !serial.isEmpty else {
            throw ASN1Error.unexpectedFieldType(node.identifier)
        }
        serialNumber = serial
        guard try Self.next(&nodes).identifier == .sequence else { throw ASN1Error.invalidASN1Object(reason: "no signature algorithm") }
        issuer = try X500Name(derEncoded: try Self.next(&nodes))
        (notBefore, notAfter) = try DER.sequence(try Self.next(&nodes), identifier: .sequence) { validity in
            (try Self.time(try Self.next(&validity)), try Self.time(try Self.next(&validity)))
        }
        subject = try X500Name(derEncoded: try Self.next(&nodes))
        guard try Self.next(&nodes).identifier == .sequence else { throw ASN1Error.invalidASN1Object(reason: "no public key info") }
        // issuerUniqueID, subjectUniqueID and extensions are not read.
        while nodes.next() != nil {}
    }

    private static func next(_ nodes: inout ASN1NodeCollection.Iterator) throws -> ASN1Node {
        guard let node = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "TBSCertificate ends early") }
        return node
    }

    /// Time ::= CHOICE { utcTime, generalTime }, as milliseconds since 1970 (UTC).
    private static func time(_ node: ASN1Node) throws -> Timestamp {
        let (year, month, day, hours, minutes, seconds, fraction): (Int, Int, Int, Int, Int, Int, Double)
        if node.identifier == UTCTime.defaultIdentifier {
            let time = try UTCTime(derEncoded: node)
            (year, month, day, hours, minutes, seconds, fraction) = (time.year, time.month, time.day, time.hours, time.minutes, time.seconds, 0)
        } else {
            let time = try GeneralizedTime(derEncoded: node)
            (year, month, day, hours, minutes, seconds, fraction) = (
                time.year, time.month, time.day, time.hours, time.minutes, time.seconds, time.fractionalSeconds
            )
        }
        let secondsSince1970 = ((daysSince1970(year: year, month: month, day: day) * 24 + hours) * 60 + minutes) * 60 + seconds
        return Timestamp(millisecondsSince1970: Int64(secondsSince1970) * 1000 + Int64((fraction * 1000).rounded()))
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil).
    static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
