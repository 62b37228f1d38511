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
        // The service's header words (ServiceBlock): on the producers' line, after the lock,
        // clear of every word and of each other; the counters on line 1.
        let header = [(ServiceBlock.termination, OneShotEvent.regionSize), (ServiceBlock.threadID, 8)]
        for (index, word) in header.enumerated() {
            #expect(word.0 % 8 == 0 && word.0 + word.1 <= line)
            for field in fields + header[(index + 1)...] {
                #expect(field.0 + field.1 <= word.0 || word.0 + word.1 <= field.0, "\(field) overlaps the header word at \(word.0)")
            }
        }
        #expect(layout.counters == ServiceBlock.counters && ServiceBlock.lines * line <= layout.stateOffset)
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
