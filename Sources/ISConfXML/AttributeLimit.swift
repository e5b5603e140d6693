/// libxml2 (2.9) checks each attribute of a start tag against all the ones before it, so an
/// element with n attributes costs n² (20,000 attributes: 0.6 s of CPU; 200,000: many minutes).
/// No Tomcat or Carbon element has more than a few dozen, so isconf refuses, in one linear pass
/// before libxml2 sees the file, any start tag with more than `maximumAttributes`: the parse of
/// the largest file isconf reads then stays bounded (8 MiB of 256-attribute tags: under a second).
enum AttributeLimit {
    static let maximumAttributes = 256

    /// The offset of the first start tag holding more than `maximumAttributes` attributes, if any.
    /// Comments, CDATA sections, processing instructions, declarations and end tags are skipped;
    /// in a start tag, an `=` outside quotes counts one attribute. Malformed input is left to libxml2.
    static func firstOverfullTag(in bytes: [UInt8]) -> Int? {
        let count = bytes.count
        var index = 0
        while index < count {
            guard bytes[index] == UInt8(ascii: "<"), index + 1 < count else {
                index += 1
                continue
            }
            let start = index
            let next = bytes[index + 1]
            if next == UInt8(ascii: "!") || next == UInt8(ascii: "?") || next == UInt8(ascii: "/") {
                index = skipMarkup(bytes, from: index)
                continue
            }
            var attributes = 0
            var quote: UInt8 = 0
            index += 1
            while index < count {
                let byte = bytes[index]
                if quote != 0 {
                    if byte == quote { quote = 0 }
                } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    quote = byte
                } else if byte == UInt8(ascii: "=") {
                    attributes += 1
                    if attributes > maximumAttributes { return start }
                } else if byte == UInt8(ascii: ">") || byte == UInt8(ascii: "<") {
                    break
                }
                index += 1
            }
        }
        return nil
    }

    /// Past a comment, CDATA section, processing instruction, declaration or end tag at `start`.
    private static func skipMarkup(_ bytes: [UInt8], from start: Int) -> Int {
        let (terminator, skip): ([UInt8], Int) =
            if bytes[start...].starts(with: Array("<!--".utf8)) { (Array("-->".utf8), 4) } else if bytes[start...].starts(with: Array("<![CDATA[".utf8)) {
                (Array("]]>".utf8), 9)
            } else if bytes[start + 1] == UInt8(ascii: "?") { (Array("?>".utf8), 2) } else { ([UInt8(ascii: ">")], 2) }
        var index = start + skip
        while index + terminator.count <= bytes.count {
            if bytes[index] == terminator[0], bytes[index..<index + terminator.count].elementsEqual(terminator) {
                return index + terminator.count
            }
            index += 1
        }
        return bytes.count
    }
}
