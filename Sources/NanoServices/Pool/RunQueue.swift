/// The order in which ready services get a pool thread: first come, first served.
/// `Entry` is an unretained service in the runtime (any type in tests).
/// Not thread-safe: guarded by its pool's lock.
struct RunQueue<Entry> {
    private var items: [Entry?] = []
    private var head = 0

    var isEmpty: Bool { head == items.count }
    var count: Int { items.count - head }

    mutating func append(_ entry: Entry) { items.append(entry) }

    mutating func popFirst() -> Entry? {
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
