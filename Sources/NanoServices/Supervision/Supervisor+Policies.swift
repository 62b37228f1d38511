/// The knobs of a ``Supervisor``: which children a failure restarts, which children are
/// restarted at all, how often, how soon, and what happens to their queued messages.
extension Supervisor {
    /// Which children are restarted when one fails (the names are Erlang/OTP's).
    public enum Strategy: Sendable, Hashable {
        /// Only the failed child.
        case oneForOne
        /// Every child: the others are taken down (reverse start order), then all are rebuilt in
        /// start order. For children that cannot work without each other.
        case oneForAll
        /// The failed child and every child started after it (which may depend on it).
        case restForOne
    }

    /// Whether a child is restarted.
    public enum Restart: Sendable, Hashable {
        /// Always restarted after a failure. If it is stopped by hand, the supervisor cannot
        /// bring it back (its handles see a stopped service) and fails, as when its restart
        /// intensity is exceeded.
        case permanent
        /// Restarted after a failure; stopping it by hand removes it from the supervisor.
        case transient
        /// Never restarted: a failure stops it (queued calls fail with
        /// ``ServiceError/Code/stopped``) and removes it. It does not count against the intensity.
        case temporary
    }

    /// What happens to the messages queued for a failed child.
    public enum QueuedMessages: Sendable, Hashable {
        /// They wait for the new instance, in order (the default).
        case keep
        /// They are dropped at the failure: calls fail with ``ServiceError/Code/restarted``,
        /// casts are counted as dropped. Messages sent after the failure wait for the new instance.
        case drop
    }

    /// At most `maxRestarts` restarts within `period`; one more failure and the supervisor
    /// gives up (Erlang's MaxR/MaxT).
    public struct RestartIntensity: Sendable, Hashable {
        public var maxRestarts: Int
        public var period: Duration

        public init(maxRestarts: Int, within period: Duration) {
            precondition(maxRestarts >= 0, "NanoServices: RestartIntensity.maxRestarts must not be negative")
            precondition(period > .zero, "NanoServices: RestartIntensity.period must be positive")
            self.maxRestarts = maxRestarts
            self.period = period
        }
    }

    /// How long to wait before a restart: `initial` for the first restart within the intensity
    /// period, multiplied by `multiplier` for each further one, at most `maximum`. The wait
    /// lets a database that is not up yet come up; no message is handled meanwhile (they queue).
    public struct Backoff: Sendable, Hashable {
        public var initial: Duration
        public var multiplier: Double
        public var maximum: Duration

        /// Exponential backoff; `initial` 0 restarts at once.
        public static func exponential(
            initial: Duration = .milliseconds(10), multiplier: Double = 2, maximum: Duration = .seconds(5)
        ) -> Backoff {
            precondition(initial >= .zero && maximum >= initial && multiplier >= 1,
                         "NanoServices: Backoff needs 0 ≤ initial ≤ maximum and multiplier ≥ 1")
            return Backoff(initial: initial, multiplier: multiplier, maximum: maximum)
        }

        /// Restart at once.
        public static let none = Backoff(initial: .zero, multiplier: 1, maximum: .zero)

        /// The wait before the `attempt`-th restart within the period (1 for the first).
        public func delay(beforeRestart attempt: Int) -> Duration {
            var delay = initial
            for _ in 1..<max(attempt, 1) {
                delay = delay * multiplier
                if delay >= maximum { return maximum }
            }
            return min(delay, maximum)
        }
    }
}

/// The restarts a supervisor made within its intensity period. A value type: testable
/// without threads. Touched under the supervisor's lock.
struct RestartHistory {
    let intensity: Supervisor.RestartIntensity
    /// When each recent restart happened, as time since the supervisor's clock started.
    private(set) var recent: [Duration] = []

    init(_ intensity: Supervisor.RestartIntensity) { self.intensity = intensity }

    /// Records a restart at `now`; returns which restart it is within the period (1 for the
    /// first), or `nil` if it would exceed the intensity (then nothing is recorded).
    mutating func admit(at now: Duration) -> Int? {
        recent.removeAll { now - $0 >= intensity.period }
        guard recent.count < intensity.maxRestarts else { return nil }
        recent.append(now)
        return recent.count
    }

    mutating func reset() { recent.removeAll() }
}
