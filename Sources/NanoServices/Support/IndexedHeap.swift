/// An element of an ``IndexedHeap``: a class that keeps its own position in the heap.
protocol IndexedHeapElement: AnyObject {
    associatedtype Deadline: Comparable
    /// What the heap orders on (smallest first). Must not change while in the heap, except
    /// for the first element through ``IndexedHeap/firstDeadlineIncreased()``.
    var heapDeadline: Deadline { get }
    /// The element's position in the heap, or -1 when not in it. Written by the heap only.
    var heapIndex: Int { get set }
}

/// A binary min-heap of deadlines in which each element knows its position, so that a
/// cancelled deadline leaves in O(log n) instead of lingering until it passes. Used by the
/// call-timeout thread (``TimeoutScheduler``) and the timer schedulers (``TimerScheduler``).
///
/// Not thread-safe: its owner keeps it under a lock.
struct IndexedHeap<Element: IndexedHeapElement> {
    private(set) var elements: [Element] = []

    var first: Element? { elements.first }
    var count: Int { elements.count }

    mutating func push(_ element: Element) {
        element.heapIndex = elements.count
        elements.append(element)
        siftUp(element.heapIndex)
    }

    /// Removes `element`; does nothing if it is not in the heap.
    mutating func remove(_ element: Element) {
        let index = element.heapIndex
        guard index >= 0 else { return }
        let last = elements.removeLast()
        element.heapIndex = -1
        guard index < elements.count else { return }
        elements[index] = last
        last.heapIndex = index
        siftUp(index)
        siftDown(last.heapIndex)
    }

    /// The first element's deadline moved later: restore the order.
    mutating func firstDeadlineIncreased() {
        siftDown(0)
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard elements[child].heapDeadline < elements[parent].heapDeadline else { return }
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
            if left < elements.count, elements[left].heapDeadline < elements[smallest].heapDeadline { smallest = left }
            if right < elements.count, elements[right].heapDeadline < elements[smallest].heapDeadline { smallest = right }
            guard smallest != parent else { return }
            swapAt(parent, smallest)
            parent = smallest
        }
    }

    private mutating func swapAt(_ first: Int, _ second: Int) {
        elements.swapAt(first, second)
        elements[first].heapIndex = first
        elements[second].heapIndex = second
    }
}
