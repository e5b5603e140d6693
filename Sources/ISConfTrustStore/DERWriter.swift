import SwiftASN1

/// The few DER shapes a PKCS#12 store is built from. Built by hand because every value here is
/// known to be well-formed, so encoding cannot fail (SwiftASN1's serializer would throw anyway).
enum DERWriter {
    static func node(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        var length: [UInt8] = []
        if content.count < 0x80 {
            length = [UInt8(content.count)]
        } else {
            var remaining = content.count
            while remaining > 0 {
                length.insert(UInt8(remaining & 0xFF), at: 0)
                remaining >>= 8
            }
            length.insert(0x80 | UInt8(length.count), at: 0)
        }
        return [tag] + length + content
    }

    static func sequence(_ members: [[UInt8]]) -> [UInt8] { node(0x30, members.flatMap { $0 }) }

    /// DER orders the members of a SET by their encodings.
    static func set(_ members: [[UInt8]]) -> [UInt8] {
        node(0x31, members.sorted { $0.lexicographicallyPrecedes($1) }.flatMap { $0 })
    }

    static func octetString(_ bytes: [UInt8]) -> [UInt8] { node(0x04, bytes) }
    static let null: [UInt8] = [0x05, 0x00]

    static func integer(_ value: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        var remaining = value
        repeat {
            bytes.insert(UInt8(remaining & 0xFF), at: 0)
            remaining >>= 8
        } while remaining > 0
        if bytes[0] & 0x80 != 0 { bytes.insert(0, at: 0) }
        return node(0x02, bytes)
    }

    static func oid(_ identifier: ASN1ObjectIdentifier) -> [UInt8] {
        let components = identifier.oidComponents
        var content: [UInt8] = []
        for component in [components[0] * 40 + components[1]] + components.dropFirst(2) {
            var groups: [UInt8] = [UInt8(component & 0x7F)]
            var remaining = component >> 7
            while remaining > 0 {
                groups.insert(0x80 | UInt8(remaining & 0x7F), at: 0)
                remaining >>= 7
            }
            content += groups
        }
        return node(0x06, content)
    }

    static func bmpString(_ text: String) -> [UInt8] {
        node(0x1E, encodeUTF16BE(text))
    }

    /// [number] EXPLICIT, a constructed context-specific tag around one value.
    static func explicit(_ number: UInt8, _ content: [UInt8]) -> [UInt8] { node(0xA0 | number, content) }

    /// [number] IMPLICIT on a primitive value (an OCTET STRING's bytes).
    static func implicitPrimitive(_ number: UInt8, _ content: [UInt8]) -> [UInt8] { node(0x80 | number, content) }
}
