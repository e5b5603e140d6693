internal import CLibXML2

/// libxml2's own reading of a document, made without isconf's offset hooks: what the spans are
/// checked against, so a tracking bug shows up as a mismatch instead of a wrong edit.
public struct ReferenceElement: Equatable, Sendable {
    public var qualifiedName: String
    public var namespaceURI: String?
    /// libxml2's line number for the element: the line where its start tag ends.
    public var line: Int
    /// Namespace declarations first (as `xmlns` / `xmlns:p`), then attributes, each in document order.
    public var attributes: [Pair]

    public struct Pair: Equatable, Sendable {
        public var name: String
        public var value: String
    }
}

public enum ReferenceView {
    /// Every element in document order, or nil if libxml2 does not accept the bytes.
    public static func elements(of bytes: [UInt8]) -> [ReferenceElement]? {
        _ = libxml2Ready
        let parsed = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { pointer in
                xmlReadMemory(pointer, Int32(buffer.count), nil, nil, isconf_safe_options())
            }
        }
        guard let document = parsed, let root = xmlDocGetRootElement(document) else { return nil }
        defer { xmlFreeDoc(document) }
        var result: [ReferenceElement] = []
        func visit(_ node: xmlNodePtr) {
            let prefix = node.pointee.ns.flatMap { $0.pointee.prefix.map { String(cString: $0) } }
            let local = String(cString: node.pointee.name)
            var pairs: [ReferenceElement.Pair] = []
            var ns = node.pointee.nsDef
            while let current = ns {
                let name = current.pointee.prefix.map { "xmlns:" + String(cString: $0) } ?? "xmlns"
                pairs.append(.init(name: name, value: String(cString: current.pointee.href)))
                ns = current.pointee.next
            }
            var property = node.pointee.properties
            while let current = property {
                let attributePrefix = current.pointee.ns.flatMap { $0.pointee.prefix.map { String(cString: $0) } }
                let name = String(cString: current.pointee.name)
                var value = ""
                if let content = xmlGetNsProp(node, current.pointee.name, current.pointee.ns?.pointee.href) {
                    value = String(cString: content)
                    isconf_xml_free(content)
                }
                pairs.append(.init(name: attributePrefix.map { "\($0):\(name)" } ?? name, value: value))
                property = current.pointee.next
            }
            result.append(
                ReferenceElement(
                    qualifiedName: prefix.map { "\($0):\(local)" } ?? local,
                    namespaceURI: node.pointee.ns.flatMap { $0.pointee.href.map { String(cString: $0) } },
                    line: Int(xmlGetLineNo(node)),
                    attributes: pairs))
            var child = node.pointee.children
            while let current = child {
                if current.pointee.type == XML_ELEMENT_NODE { visit(current) }
                child = current.pointee.next
            }
        }
        visit(root)
        return result
    }
}
