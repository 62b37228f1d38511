import CNanoServicesShims

extension _Reply {
    /// Thrown by ``waitBlocking(deadline:lookingEvery:giveUp:)`` when `giveUp` said so.
    struct GaveUp: Error {}

    /// Blocks the calling thread until the answer arrives, like
    /// ``waitBlocking(spinNanoseconds:limit:)`` without the spin, but wakes every `interval`
    /// nanoseconds to ask `giveUp` whether to stop waiting. Returns `nil` at `deadline`; throws
    /// ``GaveUp`` when `giveUp` returned `true`; either way the late answer is dropped by the
    /// service. Calling thread; only for waits the ``CooperativePoolGuard`` watches.
    func waitBlocking(deadline: UInt64?, lookingEvery interval: UInt64, giveUp: () -> Bool) throws -> sending Value? {
        if isReady { return try takeResult() }
        let word = ThreadParker.current
        guard registerParkedThread(word) else {
            return try takeResult()  // answered meanwhile; nobody will unpark us
        }
        while true {
            let sliceEnd = min(deadline ?? .max, nano_monotonic_ns() &+ interval)
            if ThreadParker.park(word, until: sliceEnd) { return try takeResult() }
            let timedOut = deadline.map { nano_monotonic_ns() >= $0 } ?? false
            guard timedOut || giveUp() else { continue }
            if state.compareExchange(
                expected: Self.waiting, desired: Self.abandoned, ordering: .acquiringAndReleasing
            ).exchanged {
                if timedOut { return nil }
                throw GaveUp()
            }
            // The answer won the race and its sender is about to unpark us: take the token.
            ThreadParker.park(word)
            return try takeResult()
        }
    }
}
