import Dispatch
import Foundation
import ISConfTestSupport
import ISConfXML
import Testing

private final class ResultSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [(ParseOutcome, [ReferenceElement]?)?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: (ParseOutcome, [ReferenceElement]?)) {
        lock.withLock { slots[index] = value }
    }

    var values: [(ParseOutcome, [ReferenceElement]?)?] { lock.withLock { slots } }
}

/// libxml2 keeps error handlers and parser state per thread or per context: parses on many threads
/// at once must give exactly what one thread gives, errors included.
@Suite("Parallel parsing")
struct ConcurrencyTests {
    @Test("concurrent parses equal sequential ones, for documents and for errors")
    func concurrentParsesMatchSequential() throws {
        var inputs = try fixtureNames.map { NamedInput(name: $0, bytes: try fixture($0)) }
        if Corpus.available { inputs += try corpusXMLCandidates() }
        inputs += [
            NamedInput(name: "mismatch.xml", bytes: utf8("<a>\n<b>\n</a>")),
            NamedInput(name: "doctype.xml", bytes: utf8("<!DOCTYPE r>\n<r/>")),
            NamedInput(name: "prefix.xml", bytes: utf8("<r>\n\n<x:y/></r>")),
            NamedInput(name: "utf16.xml", bytes: [0xFF, 0xFE, 0x3C, 0x00, 0x72, 0x00, 0x2F, 0x00, 0x3E, 0x00]),
        ]
        let sequential = inputs.map { (ParseOutcome($0.bytes, path: $0.name), ReferenceView.elements(of: $0.bytes)) }
        let parsedCount = sequential.filter { if case .parsed = $0.0 { true } else { false } }.count
        #expect(parsedCount >= fixtureNames.count && parsedCount < inputs.count, "the mix must hold both good and bad inputs")

        let iterations = 200
        let slots = ResultSlots(count: iterations)
        let shared = inputs
        DispatchQueue.concurrentPerform(iterations: iterations) { index in
            let input = shared[index % shared.count]
            slots.set(index, (ParseOutcome(input.bytes, path: input.name), ReferenceView.elements(of: input.bytes)))
        }
        for (index, slot) in slots.values.enumerated() {
            let expected = sequential[index % inputs.count]
            let name = inputs[index % inputs.count].name
            guard let slot else {
                Issue.record("iteration \(index) (\(name)) produced nothing")
                continue
            }
            #expect(slot.0 == expected.0, "iteration \(index): \(name) parsed differently on another thread")
            #expect(slot.1 == expected.1, "iteration \(index): \(name) reference differs on another thread")
        }
    }
}
