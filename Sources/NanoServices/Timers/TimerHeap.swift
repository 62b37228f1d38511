/// A binary min-heap of timer entries on their deadlines, in which each entry knows its
/// position, so that a cancelled timer leaves in O(log n) instead of lingering until its
/// deadline. Not thread-safe: a ``TimerScheduler`` keeps it under its lock.
struct TimerHeap {
    private(set) var entries: [TimerEntry] = []

    var first: TimerEntry? { entries.first }
    var count: Int { entries.count }

    mutating func push(_ entry: TimerEntry) {
        entry.heapIndex = entries.count
        entries.append(entry)
        siftUp(entry.heapIndex)
    }

    mutating func remove(_ entry: TimerEntry) {
        let index = entry.heapIndex
        guard index >= 0 else { return }
        let last = entries.removeLast()
        entry.heapIndex = -1
        guard index < entries.count else { return }
        entries[index] = last
        last.heapIndex = index
        siftUp(index)
        siftDown(last.heapIndex)
    }

    /// The first entry's deadline moved later: restore the order.
    mutating func firstDeadlineIncreased() {
        siftDown(0)
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].deadline < entries[parent].deadline else { return }
            swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < entries.count, entries[left].deadline < entries[smallest].deadline { smallest = left }
            if right < entries.count, entries[right].deadline < entries[smallest].deadline { smallest = right }
            guard smallest != parent else { return }
            swapAt(parent, smallest)
            parent = smallest
        }
    }

    private mutating func swapAt(_ first: Int, _ second: Int) {
        entries.swapAt(first, second)
        entries[first].heapIndex = first
        entries[second].heapIndex = second
    }
}
