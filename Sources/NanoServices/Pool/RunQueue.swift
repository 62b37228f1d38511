/// The order in which ready services get a pool thread: first come, first served.
/// Not thread-safe: guarded by its pool's lock.
struct RunQueue {
    private var items: [Unmanaged<_ServiceContext>?] = []
    private var head = 0

    var isEmpty: Bool { head == items.count }

    mutating func append(_ entry: Unmanaged<_ServiceContext>) { items.append(entry) }

    mutating func popFirst() -> Unmanaged<_ServiceContext>? {
        guard head < items.count else { return nil }
        let entry = items[head]
        items[head] = nil
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1_024 && head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
        return entry
    }
}
