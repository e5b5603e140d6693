internal import CLibXML2
import ISConfCore

/// The second opinion on every patch: libxml2 applies the same edits to its own tree of the
/// original, and that tree must equal the tree of the patched bytes. A patcher bug then shows up
/// as a refusal to write, never as a damaged file.
public enum EditVerifier {
    public static func verify(original: XMLDocument, edits: [XMLEdit], patched: [UInt8]) throws(InputError) {
        _ = libxml2Ready
        let path = original.path
        guard let expected = readTree(original.bytes) else {
            throw InputError(path: path, .verificationFailed, "libxml2 cannot re-read the original")
        }
        defer { xmlFreeDoc(expected) }
        try applyThroughTree(edits, to: expected, original: original)
        guard let actual = readTree(patched) else {
            throw InputError(path: path, .verificationFailed, "the patched file is not well-formed XML")
        }
        defer { xmlFreeDoc(actual) }
        let (want, got) = (canonical(expected), canonical(actual))
        if want != got {
            let index = (0..<min(want.count, got.count)).first { want[$0] != got[$0] } ?? min(want.count, got.count)
            let expectedLine = index < want.count ? want[index] : "(end)"
            let actualLine = index < got.count ? got[index] : "(end)"
            throw InputError(
                path: path, .verificationFailed,
                "the patched bytes differ from the intended tree at \"\(actualLine)\" (expected \"\(expectedLine)\"); nothing was written")
        }
    }

    private static func readTree(_ bytes: [UInt8]) -> xmlDocPtr? {
        bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { pointer in
                xmlReadMemory(pointer, Int32(buffer.count), nil, nil, isconf_safe_options())
            }
        }
    }

    private static func applyThroughTree(_ edits: [XMLEdit], to document: xmlDocPtr, original: XMLDocument) throws(InputError) {
        var elements: [xmlNodePtr] = []
        var comments: [xmlNodePtr] = []
        func collect(_ first: xmlNodePtr?) {
            var node = first
            while let current = node {
                if current.pointee.type == XML_ELEMENT_NODE { elements.append(current) }
                if current.pointee.type == XML_COMMENT_NODE { comments.append(current) }
                if current.pointee.type == XML_ELEMENT_NODE { collect(current.pointee.children) }
                node = current.pointee.next
            }
        }
        collect(document.pointee.children)
        let ourComments = original.allComments()
        let fail = { (message: String) in InputError(path: original.path, .verificationFailed, message) }
        guard elements.count == original.elementsInOrder.count, comments.count == ourComments.count else {
            throw fail("libxml2 and isconf disagree on the document's structure")
        }

        for edit in edits {
            switch edit {
            case .setAttribute(let index, let name, let value):
                guard elements.indices.contains(index) else { throw fail("no element #\(index)") }
                xmlSetProp(elements[index], name, value)
            case .removeAttribute(let index, let name):
                guard elements.indices.contains(index) else { throw fail("no element #\(index)") }
                xmlUnsetProp(elements[index], name)
            case .setText(let index, let text):
                guard elements.indices.contains(index) else { throw fail("no element #\(index)") }
                let node = elements[index]
                while let child = node.pointee.children {
                    xmlUnlinkNode(child)
                    xmlFreeNode(child)
                }
                xmlAddChild(node, xmlNewDocText(document, text))
            case .uncomment(let index):
                guard comments.indices.contains(index), let parent = comments[index].pointee.parent else {
                    throw fail("no comment #\(index)")
                }
                let nodes = try parseFragment(uncommentedText(of: ourComments[index]).text, in: parent, document: document, fail: fail)
                for node in nodes { xmlAddPrevSibling(comments[index], node) }
                xmlUnlinkNode(comments[index])
                xmlFreeNode(comments[index])
            case .appendChild(let index, let markup):
                guard elements.indices.contains(index) else { throw fail("no element #\(index)") }
                for node in try parseFragment(markup.compact, in: elements[index], document: document, fail: fail) {
                    xmlAddChild(elements[index], node)
                }
            }
        }
    }

    /// Parses markup as libxml2 would inside `parent` (so prefixes and the default namespace resolve).
    private static func parseFragment(
        _ text: String, in parent: xmlNodePtr, document: xmlDocPtr,
        fail: (String) -> InputError
    ) throws(InputError) -> [xmlNodePtr] {
        // The fragment is UTF-8; without this libxml2 would decode it with the document's declared encoding.
        let declared = document.pointee.encoding
        document.pointee.encoding = nil
        defer { document.pointee.encoding = declared }
        var list: xmlNodePtr?
        let bytes = Array(text.utf8)
        let status = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { pointer in
                xmlParseInNodeContext(parent, pointer, Int32(buffer.count), isconf_safe_options(), &list)
            }
        }
        guard status == XML_ERR_OK else {
            if let list { xmlFreeNodeList(list) }
            throw fail("the inserted markup is not well-formed (libxml2 error \(status.rawValue))")
        }
        var nodes: [xmlNodePtr] = []
        var node = list
        while let current = node {
            node = current.pointee.next
            xmlUnlinkNode(current)
            nodes.append(current)
        }
        return nodes
    }

    /// A line per node: elements with namespaces and sorted attributes, non-blank text, comments.
    /// Whitespace between elements is left out: layout is the patcher's business, checked by its tests.
    static func canonical(_ document: xmlDocPtr) -> [String] {
        var lines: [String] = []
        func text(_ pointer: UnsafePointer<xmlChar>?) -> String { pointer.map { String(cString: $0) } ?? "" }
        func visit(_ first: xmlNodePtr?, depth: Int) {
            var node = first
            var pendingText = ""
            func flush() {
                if !pendingText.unicodeScalars.allSatisfy(isSpaceScalar) {
                    lines.append(String(repeating: " ", count: depth) + "T " + pendingText)
                }
                pendingText = ""
            }
            while let current = node {
                switch current.pointee.type {
                case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                    pendingText += text(current.pointee.content)
                case XML_ELEMENT_NODE:
                    flush()
                    var attributes: [String] = []
                    var property = current.pointee.properties
                    while let attribute = property {
                        var value = ""
                        if let content = xmlNodeListGetString(document, attribute.pointee.children, 1) {
                            value = String(cString: content)
                            isconf_xml_free(content)
                        }
                        attributes.append("{\(text(attribute.pointee.ns?.pointee.href))}\(text(attribute.pointee.name))=\(value)")
                        property = attribute.pointee.next
                    }
                    var declarations: [String] = []
                    var ns = current.pointee.nsDef
                    while let declaration = ns {
                        declarations.append("xmlns:\(text(declaration.pointee.prefix))=\(text(declaration.pointee.href))")
                        ns = declaration.pointee.next
                    }
                    let name = "{\(text(current.pointee.ns?.pointee.href))}\(text(current.pointee.name))"
                    lines.append(
                        String(repeating: " ", count: depth) + "E " + name + " "
                            + (declarations.sorted() + attributes.sorted()).joined(separator: " "))
                    visit(current.pointee.children, depth: depth + 1)
                case XML_COMMENT_NODE:
                    flush()
                    lines.append(String(repeating: " ", count: depth) + "C " + text(current.pointee.content))
                case XML_PI_NODE:
                    flush()
                    lines.append(String(repeating: " ", count: depth) + "P " + text(current.pointee.name) + " " + text(current.pointee.content))
                default:
                    break
                }
                node = current.pointee.next
            }
            flush()
        }
        visit(document.pointee.children, depth: 0)
        return lines
    }
}
