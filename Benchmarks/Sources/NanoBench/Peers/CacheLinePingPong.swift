import Foundation
import Synchronization

/// The hardware floor of a cross-thread round trip: two threads bounce one word on one cache
/// line, each spinning until the other has written. No lock, no queue, no allocation, no
/// parking — only the two cache-line transfers every round trip between two threads needs
/// (there and back). A call to a service on another thread cannot be faster; how far above it
/// the call is shows what the runtime itself costs.
final class CacheLinePingPong: @unchecked Sendable {
    // Sound: only the atomic is shared.
    private let word = Atomic<Int>(0)

    /// Runs `rounds` round trips against a partner thread and returns the time they took.
    static func measure(rounds: Int) -> UInt64 {
        let pingPong = CacheLinePingPong()
        let partner = Thread {
            for round in 0..<rounds {
                let ping = 2 * round + 1
                while pingPong.word.load(ordering: .acquiring) != ping {}
                pingPong.word.store(ping + 1, ordering: .releasing)
            }
        }
        partner.start()
        return MonotonicClock.measure {
            for round in 0..<rounds {
                pingPong.word.store(2 * round + 1, ordering: .releasing)
                while pingPong.word.load(ordering: .acquiring) != 2 * round + 2 {}
            }
        }
    }
}
