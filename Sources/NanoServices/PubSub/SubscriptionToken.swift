import Synchronization

/// Identifies one subscription to a ``Topic``; cancel it to stop the deliveries.
///
/// ```swift
/// let token = orders.subscribe(audit) { $0.record($1) }
/// ...
/// token.cancel()          // or: orders.unsubscribe(token)
/// ```
///
/// A token is a small `Sendable` value: copy it and cancel from any thread. Releasing it does
/// **not** cancel the subscription (a subscription lives until it is cancelled, its subscriber
/// service stops, or the topic is released), so `subscribe` is `@discardableResult`. The token
/// never keeps the subscriber or the topic alive.
///
/// Cost: one small allocation per subscription, shared by every copy of the token.
public struct SubscriptionToken: Sendable, Hashable {
    let control: SubscriptionControl

    init(_ control: SubscriptionControl) { self.control = control }

    /// Ends the subscription: no event published after `cancel()` returns is delivered. (A
    /// delivery that another thread's `publish` had already started may still arrive.) The
    /// topic releases its copy of the subscriber's handle at once. Idempotent; never blocks on a
    /// subscriber.
    public func cancel() {
        control.cancel()
    }

    /// Whether the subscription still delivers: `false` once cancelled, once the topic has seen
    /// that its subscriber service stopped, or once the topic is released.
    public var isActive: Bool { control.isActive }

    public static func == (lhs: SubscriptionToken, rhs: SubscriptionToken) -> Bool {
        lhs.control === rhs.control
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(ObjectIdentifier(control))
    }
}

/// What a topic exposes to a token: removal of one subscription by its identifier.
protocol SubscriptionOwner: AnyObject, Sendable {
    func removeSubscription(_ id: UInt64)
}

/// The state a subscription's token and its topic share: the identifier, the active flag, and
/// a weak way back to the topic.
///
/// Thread safety: `isActiveFlag` is atomic; `owner` is a `weak let`, set once in `init`.
final class SubscriptionControl: Sendable {
    let id: UInt64
    private let isActiveFlag = Atomic<Bool>(true)
    /// Weak: a token must not keep its topic (and through it, the subscribers) alive.
    private weak let owner: (any SubscriptionOwner)?

    init(id: UInt64, owner: any SubscriptionOwner) {
        self.id = id
        self.owner = owner
    }

    var isActive: Bool { isActiveFlag.load(ordering: .acquiring) }

    /// Marks the subscription inactive. Returns `true` if it was active.
    @discardableResult
    func deactivate() -> Bool {
        isActiveFlag.exchange(false, ordering: .acquiringAndReleasing)
    }

    func cancel() {
        guard deactivate() else { return }
        owner?.removeSubscription(id)
    }
}
