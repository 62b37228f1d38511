@testable import NanoServices
import Testing

@Suite("Mailbox layout")
struct MailboxLayoutTests {
    @Test("every word in its own place; a hot service's words on lines of their own, a pooled one's on two lines; the state after them",
          arguments: [false, true])
    func wordsDoNotOverlap(pooled: Bool) {
        let layout = Mailbox<Int>.Layout(pooled: pooled)
        let line = CacheLine.size
        // (offset, size) of the lock, the hint, the wake word, the immediate flag, the CPU, the
        // pacing, the counter line.
        let fields = [(0, 4), (layout.workHint, 4), (layout.wake, 4), (layout.immediate, 4), (layout.consumerCPU, 4),
                      (layout.pacing, MemoryLayout<BatchPacing>.size), (layout.counters, line)]
        for (index, field) in fields.enumerated() {
            #expect(field.0 % 4 == 0 && field.0 + field.1 <= layout.stateOffset)
            for other in fields[(index + 1)...] {
                #expect(field.0 + field.1 <= other.0 || other.0 + other.1 <= field.0, "fields \(field) and \(other) overlap")
            }
        }
        // The termination event: on the producers' line, after the lock, clear of every word.
        let termination = (Mailbox<Int>.Layout.termination, OneShotEvent.regionSize)
        #expect(termination.0 % 8 == 0 && termination.0 + termination.1 <= line)
        for field in fields {
            #expect(field.0 + field.1 <= termination.0 || termination.0 + termination.1 <= field.0, "\(field) overlaps the termination event")
        }
        #expect(layout.pacing % MemoryLayout<BatchPacing>.alignment == 0)
        #expect(layout.counters % line == 0, "the counters on a line of their own")
        #expect(layout.stateOffset == layout.lines * line)
        // The producers' line (lock and hint) holds no word the consumer writes or reads per message.
        for consumerWord in [layout.wake, layout.immediate, layout.consumerCPU, layout.pacing, layout.counters] {
            #expect(consumerWord / line != 0)
        }
        if pooled {
            #expect(layout.stateOffset == 3 * line)
        } else {
            let lines = fields.map { $0.0 / line }
            #expect(Set(lines).count == fields.count, "each word of a hot service on a line of its own")
        }
    }
}
