import Synchronization

/// A typed publish/subscribe channel: any code or service publishes events, and every
/// subscriber receives each of them.
///
/// ```swift
/// let orders = Topic<OrderPlaced>()
///
/// let audit = try AuditLog.Service()
/// orders.subscribe(audit) { audit, order in audit.record(order) }   // a cast, on AuditLog's thread
///
/// orders.publish(OrderPlaced(id: 42))                                // from any thread or task
/// ```
///
/// ## Service subscribers
///
/// `subscribe(_:_:)` takes a service's handle and a closure that sends the event to it, normally
/// with one cast (`{ $0.record($1) }`). The closure runs on the publisher's thread and only
/// enqueues; the method itself runs on the subscriber's own thread, like any cast. Each
/// subscriber receives every event once, in the order each publisher published them (events of
/// two publishers that publish at the same time may interleave).
///
/// The subscription holds a copy of the handle, so a subscribed service keeps running even when
/// the rest of the program has dropped its handles. The topic lets go of the handle when the
/// subscription is cancelled, when the topic notices the service is stopping or stopped (it
/// checks before every delivery, and in ``subscriberCount``), or when the topic is released.
/// A stopped subscriber is never an error for the publisher: it is skipped and removed.
///
/// ## Closure subscribers
///
/// `subscribe(onPublisherThread:)` registers a plain closure for code that is not a service. It
/// runs **on the publisher's thread**, inside `publish`, so concurrent publishers run it
/// concurrently; keep it short and thread-safe (to do real work, cast to a service). Note that
/// `topic.subscribe(onPublisherThread: logger.record)` also delivers on the logger's thread (the
/// closure is the cast), but the topic cannot see the handle, so it is not removed when the
/// logger stops: prefer `topic.subscribe(logger) { $0.record($1) }`.
///
/// ## Cost and blocking
///
/// `publish` takes a lock only to copy the subscriber list (a retain of a copy-on-write array),
/// then delivers with no lock held: per subscriber, two atomic loads and the closure (one cast,
/// that is one uncontended mailbox lock round trip). It never waits for a subscriber to handle
/// the event. The one exception is a subscriber spawned with a bounded `.block` mailbox
/// (`options.mailbox = .bounded(capacity:whenFull: .block)`): when its mailbox is full, the
/// publisher waits for room, as that policy asks. With `.fail`, `.dropNewest` or `.dropOldest`
/// a full subscriber loses events instead (counted in its `droppedCasts`). Subscribing and
/// cancelling copy the list (O(subscribers)).
///
/// Thread safety: every member may be used from any thread or task, including from inside a
/// subscriber's methods.
public final class Topic<Event: Sendable>: Sendable {
    /// One subscription as the topic stores it.
    struct Entry: Sendable {
        let control: SubscriptionControl
        /// Hands an event to the subscriber (for a service: enqueues a cast). Publisher's thread.
        let deliver: @Sendable (Event) -> Void
        /// For a service subscriber: whether it is stopping or stopped, so must be removed.
        /// `nil` for a closure subscriber, which is never gone by itself.
        let isGone: (@Sendable () -> Bool)?

        var isSubscriberGone: Bool { isGone?() ?? false }
    }

    struct State {
        /// Copy-on-write: a publisher iterates its own copy while subscribers come and go.
        var entries: [Entry] = []
        var nextID: UInt64 = 0
    }

    private let state = Locked(State())

    /// A topic with no subscribers.
    public init() {}

    deinit {
        // Tokens outlive the topic; they report the subscription as inactive.
        state.withLock { state in
            for entry in state.entries { entry.control.deactivate() }
        }
    }

    /// Delivers `event` to every current subscriber, in subscription order.
    ///
    /// Runs on the calling thread: a service subscriber's closure enqueues a cast (the method
    /// runs later on the subscriber's thread); a closure subscriber runs here, before `publish`
    /// returns. Never blocks on a subscriber, except on one whose bounded mailbox is full and
    /// uses the `.block` policy. Subscribers found stopping or stopped are skipped and removed.
    /// Cost: a lock round trip to copy the list, then one delivery per subscriber, no lock held.
    public func publish(_ event: Event) {
        let entries = state.withLock { $0.entries }
        var gone: [UInt64] = []
        for entry in entries where entry.control.isActive {
            if entry.isSubscriberGone {
                gone.append(entry.control.id)
            } else {
                entry.deliver(event)
            }
        }
        if !gone.isEmpty { remove(gone) }
    }

    /// Subscribes a service: each published event is handed to `deliver` together with the
    /// subscriber's handle, and `deliver` sends it on, normally with one cast:
    ///
    /// ```swift
    /// let token = orders.subscribe(audit) { $0.record($1) }
    /// ```
    ///
    /// `deliver` runs on the publisher's thread, so it should only enqueue (a cast); a blocking
    /// call there would make the publisher wait. Events then reach the subscriber's method on
    /// its own thread, one at a time, in the order each publisher published them.
    ///
    /// The topic holds a copy of `subscriber` (keeping the service running) until the token is
    /// cancelled, the service stops, or the topic is released. Subscribing the same service
    /// twice delivers every event twice.
    ///
    /// - Returns: The token that cancels this subscription. Releasing it does not cancel.
    @discardableResult
    public func subscribe<Subscriber: ServiceHandle>(
        _ subscriber: Subscriber,
        _ deliver: @escaping @Sendable (Subscriber, Event) -> Void
    ) -> SubscriptionToken {
        add(deliver: { event in deliver(subscriber, event) }, isGone: {
            switch subscriber._$runtime.core.state {
            case .stopping, .stopped: true
            case .starting, .running: false
            }
        })
    }

    /// Subscribes a plain closure, for code that is not a service. `receive` runs on the
    /// **publisher's thread**, inside ``publish(_:)``, once per event; publishers on several
    /// threads run it concurrently. It stays subscribed until the token is cancelled or the
    /// topic is released.
    ///
    /// ```swift
    /// orders.subscribe { order in ordersPublished.add(1, ordering: .relaxed) }
    /// ```
    ///
    /// - Returns: The token that cancels this subscription. Releasing it does not cancel.
    @discardableResult
    public func subscribe(onPublisherThread receive: @escaping @Sendable (Event) -> Void) -> SubscriptionToken {
        add(deliver: receive, isGone: nil)
    }

    /// Cancels the subscription `token` stands for; the same as `token.cancel()`.
    public func unsubscribe(_ token: SubscriptionToken) {
        token.cancel()
    }

    /// How many subscriptions deliver events. Removes, and does not count, service subscribers
    /// that are stopping or stopped. A snapshot: publishers and subscribers may change it at once.
    public var subscriberCount: Int {
        let entries = state.withLock { $0.entries }
        var gone: [UInt64] = []
        var count = 0
        for entry in entries where entry.control.isActive {
            if entry.isSubscriberGone {
                gone.append(entry.control.id)
            } else {
                count += 1
            }
        }
        if !gone.isEmpty { remove(gone) }
        return count
    }

    // MARK: Bookkeeping

    private func add(
        deliver: @escaping @Sendable (Event) -> Void, isGone: (@Sendable () -> Bool)?
    ) -> SubscriptionToken {
        state.withLock { state in
            state.nextID += 1
            let control = SubscriptionControl(id: state.nextID, owner: self)
            state.entries.append(Entry(control: control, deliver: deliver, isGone: isGone))
            return SubscriptionToken(control)
        }
    }

    /// Removes the subscriptions of stopped subscribers and marks them inactive.
    private func remove(_ ids: [UInt64]) {
        let removed: [Entry] = state.withLock { state in
            let removed = state.entries.filter { ids.contains($0.control.id) }
            state.entries.removeAll { ids.contains($0.control.id) }
            return removed
        }
        for entry in removed { entry.control.deactivate() }
        // `removed` is released here, outside the lock: the last copy of a handle may stop a service.
    }
}

extension Topic: SubscriptionOwner {
    func removeSubscription(_ id: UInt64) {
        let removed: Entry? = state.withLock { state in
            guard let index = state.entries.firstIndex(where: { $0.control.id == id }) else { return nil }
            return state.entries.remove(at: index)
        }
        // `removed` (and with it a copy of a handle, which may be the last) is released on
        // return, outside the lock.
        _ = removed
    }
}
