/// The first two cache lines of a service's one block of raw memory (its mailbox's `words`,
/// see `Mailbox.Layout`), which the service itself uses too: what a service needs at a
/// stable address, kept there instead of in objects of their own (a million pooled services
/// would otherwise pay a million allocations for each).
///
/// | offset | what | touched by |
/// |---|---|---|
/// | 0 | the mailbox lock (and, pooled, the producers' hint at 8) | senders, per send |
/// | 16 | the service's termination event (``OneShotEvent/regionSize`` bytes) | its end, `join`s |
/// | 32 | the kernel id of the thread running the service | a thread start or a slice on another pool thread; snapshots |
/// | 64 | the service's counter line (``ServiceStatistics/hot``) | the service, per message; snapshots |
///
/// The termination event and the thread id share the senders' line: each is written about
/// once. The counters have a line of their own. Thread safety: stateless.
@usableFromInline
enum ServiceBlock {
    @inlinable static var termination: Int { 16 }
    @inlinable static var threadID: Int { 32 }
    @inlinable static var counters: Int { CacheLine.size }
    /// Lines the header takes; the mailbox's own words follow.
    @inlinable static var lines: Int { 2 }
}
