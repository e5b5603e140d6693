internal import CLibXML2
import ISConfCore

let libxml2Ready: Void = { xmlInitParser() }()

extension XMLDocument {
    /// Parses with libxml2 under the safe options (no network, no entity substitution, no DTD),
    /// rejecting any DOCTYPE, and records where every element, attribute and comment is.
    public static func parse(_ source: SourceFile) throws(InputError) -> XMLDocument {
        let path = source.path
        if source.bytes.allSatisfy(isXMLSpace) {
            throw InputError(path: path, .empty, source.bytes.isEmpty ? "file is empty" : "file holds only whitespace")
        }
        let (encoding, hasBOM) = try SourceEncoding.detect(source.bytes, path: path)
        let lineMap = LineMap(bytes: source.bytes, singleByteCharacters: encoding.isSingleByte)
        _ = libxml2Ready

        if let overfull = AttributeLimit.firstOverfullTag(in: source.bytes) {
            throw InputError(
                path: path, .overLimit,
                "an element with more than \(AttributeLimit.maximumAttributes) attributes: "
                    + "no Tomcat or Carbon element has that many, and libxml2's cost grows with their square; refused",
                position: lineMap.position(of: overfull, in: source.bytes))
        }
        guard let context = isconf_new_context() else {
            throw InputError(path: path, .outOfMemory, "out of memory creating the XML parser")
        }
        defer { isconf_free_context(context) }
        let parsed = source.bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { pointer in
                xmlCtxtReadMemory(context, pointer, Int32(buffer.count), nil, nil, isconf_safe_options())
            }
        }
        defer { if let parsed { xmlFreeDoc(parsed) } }
        let state = isconf_context_state(context)!.pointee

        if state.sawDoctype != 0 {
            let offset = find(Array("<!DOCTYPE".utf8), in: source.bytes) ?? 0
            throw InputError(
                path: path,
                .unsupportedFormat, "DOCTYPE declarations are not allowed (they can define entities: XXE, entity expansion); remove it",
                position: lineMap.position(of: offset, in: source.bytes))
        }
        if state.hasError != 0 || parsed == nil || context.pointee.wellFormed == 0 {
            // Never libxml2's message: it quotes bytes of the document, which may be a password's.
            let message = state.hasError != 0 ? describeParseError(code: state.errorCode) : "not well-formed"
            let position =
                state.hasError != 0 && state.errorLine > 0
                ? SourcePosition(line: Int(state.errorLine), column: max(1, Int(state.errorColumn)))
                : nil
            throw InputError(path: path, .malformed, "malformed XML: \(message)", position: position)
        }
        if state.sawNestedInput != 0 {
            throw InputError(path: path, .unsupportedFormat, "element content comes from an entity; isconf cannot locate it in the file")
        }
        guard let document = parsed, let rootNode = xmlDocGetRootElement(document) else {
            throw InputError(path: path, .malformed, "no root element")
        }

        let builder = TreeBuilder(bytes: source.bytes, encoding: encoding, lineMap: lineMap, path: path)
        let root = try builder.element(rootNode)
        var outerComments: [XMLComment] = []
        var node = document.pointee.children
        while let current = node {
            if current.pointee.type == XML_COMMENT_NODE { outerComments.append(try builder.comment(current)) }
            node = current.pointee.next
        }
        return XMLDocument(
            source: source, encoding: encoding, hasBOM: hasBOM, root: root,
            outerComments: outerComments, lineMap: lineMap)
    }
}

/// Turns libxml2's tree into isconf's, joining each node with the offsets the parser hooks left on it.
private struct TreeBuilder {
    let bytes: [UInt8]
    let encoding: SourceEncoding
    let lineMap: LineMap
    let path: String

    func trackingFailure(_ what: String) -> InputError {
        InputError(path: path, .internalError, "could not locate \(what) in the file; nothing was changed")
    }

    func element(_ node: xmlNodePtr) throws(InputError) -> XMLElement {
        let localName = string(node.pointee.name)
        let prefix = node.pointee.ns.flatMap { $0.pointee.prefix.map { string($0) } }
        let namespaceURI = node.pointee.ns.flatMap { $0.pointee.href.map { string($0) } }
        let qualifiedName = prefix.map { "\($0):\(localName)" } ?? localName

        let close = isconf_node_start(node)
        guard close > 0, close < bytes.count else { throw trackingFailure("<\(qualifiedName)>") }
        var open = close
        while open > 0, bytes[open] != UInt8(ascii: "<") { open -= 1 }
        guard let tag = scanStartTag(bytes, from: open, closingAt: close), tag.name == qualifiedName else {
            throw trackingFailure("<\(qualifiedName)>")
        }

        var span = tag.span
        if !tag.isSelfClosing {
            let end = isconf_node_end(node)
            guard end > tag.span.end, end <= bytes.count, bytes[end - 1] == UInt8(ascii: ">") else {
                throw trackingFailure("</\(qualifiedName)>")
            }
            span = ByteSpan(tag.span.start, end)
        }

        let attributes = try attributes(of: node, raw: tag.attributes, element: qualifiedName)
        var children: [XMLNode] = []
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE: children.append(.element(try element(current)))
            case XML_COMMENT_NODE: children.append(.comment(try comment(current)))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE: children.append(.text(string(current.pointee.content)))
            default: break
            }
            child = current.pointee.next
        }
        return XMLElement(
            namespaceURI: namespaceURI, prefix: prefix, localName: localName, startTag: tag.span,
            span: span, position: lineMap.position(of: tag.span.start, in: bytes),
            isSelfClosing: tag.isSelfClosing, attributes: attributes, children: children)
    }

    /// Pairs each raw attribute with libxml2's decoded value. libxml2 keeps both lists in document
    /// order (namespace declarations in nsDef, the others in properties), so one pass matches them,
    /// checking every name on the way.
    private func attributes(of node: xmlNodePtr, raw: [RawAttribute], element: String) throws(InputError) -> [XMLAttribute] {
        var declaration = node.pointee.nsDef
        var property = node.pointee.properties
        var result: [XMLAttribute] = []
        result.reserveCapacity(raw.count)
        for attribute in raw {
            let name = bytes[attribute.nameSpan.range]
            let colon = name.firstIndex(of: UInt8(ascii: ":"))
            let prefix = colon.map { name[name.startIndex..<$0] }
            let local = colon.map { name[($0 + 1)...] } ?? name
            let isDeclaration = prefix.map { $0.elementsEqual("xmlns".utf8) } ?? name.elementsEqual("xmlns".utf8)
            let value: String
            var namespaceURI: String?
            if isDeclaration {
                guard let current = declaration, matches(current.pointee.prefix, prefix == nil ? nil : local) else {
                    throw trackingFailure("attribute \(attribute.name) of <\(element)>")
                }
                value = string(current.pointee.href)
                declaration = current.pointee.next
            } else {
                guard let current = property, matches(current.pointee.ns?.pointee.prefix, prefix),
                    matches(current.pointee.name, local)
                else {
                    throw trackingFailure("attribute \(attribute.name) of <\(element)>")
                }
                value = attributeValue(current)
                namespaceURI = current.pointee.ns.flatMap { $0.pointee.href.map { string($0) } }
                property = current.pointee.next
            }
            result.append(
                XMLAttribute(
                    qualifiedName: attribute.name, namespaceURI: namespaceURI, value: value,
                    nameSpan: attribute.nameSpan, valueSpan: attribute.valueSpan, quote: attribute.quote,
                    leadingWhitespace: attribute.leadingWhitespace, isNamespaceDeclaration: isDeclaration))
        }
        guard declaration == nil, property == nil else { throw trackingFailure("the attributes of <\(element)>") }
        return result
    }

    /// Whether a libxml2 string holds exactly these bytes (nil matching nil).
    private func matches(_ pointer: UnsafePointer<xmlChar>?, _ expected: ArraySlice<UInt8>?) -> Bool {
        guard let pointer, let expected else { return pointer == nil && expected == nil }
        var index = 0
        for byte in expected {
            guard pointer[index] == byte else { return false }
            index += 1
        }
        return pointer[index] == 0
    }

    func comment(_ node: xmlNodePtr) throws(InputError) -> XMLComment {
        let end = isconf_node_start(node)
        guard end >= 7, end <= bytes.count else { throw trackingFailure("a comment") }
        // A comment cannot contain "--", so the last "<!--" before its end is its start.
        var start = end - 7
        while start >= 0, !(bytes[start] == 0x3C && bytes[start + 1] == 0x21 && bytes[start + 2] == 0x2D && bytes[start + 3] == 0x2D) {
            start -= 1
        }
        guard start >= 0, bytes[end - 3] == 0x2D, bytes[end - 2] == 0x2D, bytes[end - 1] == 0x3E else {
            throw trackingFailure("a comment")
        }
        return XMLComment(
            span: ByteSpan(start, end), text: string(node.pointee.content),
            position: lineMap.position(of: start, in: bytes))
    }

    private func attributeValue(_ attribute: xmlAttrPtr) -> String {
        if let child = attribute.pointee.children, child.pointee.next == nil, child.pointee.type == XML_TEXT_NODE {
            return string(child.pointee.content)
        }
        guard let content = xmlNodeGetContent(UnsafeMutableRawPointer(attribute).assumingMemoryBound(to: xmlNode.self)) else {
            return ""
        }
        defer { isconf_xml_free(content) }
        return string(content)
    }
}

@inline(__always)
private func string(_ pointer: UnsafePointer<xmlChar>?) -> String {
    guard let pointer else { return "" }
    return String(cString: pointer)
}

@inline(__always)
private func string(_ pointer: UnsafeMutablePointer<xmlChar>?) -> String {
    guard let pointer else { return "" }
    return String(cString: pointer)
}

func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
    guard needle.count <= haystack.count else { return nil }
    for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
        if haystack[start..<start + needle.count].elementsEqual(needle) { return start }
    }
    return nil
}
