/// A growable, manually managed array of messages that *moves* elements in and out.
///
/// `Array` would retain a message when it is read out of the batch, so a payload moved into
/// the service would still be referenced twice when the handler mutates it, and
/// copy-on-write would copy it. `MessageBuffer` initialises elements by move on
/// ``append(_:)`` and hands each one out by move in ``drain(_:)``, so a buffer passed with
/// `sending` reaches the method with a reference count of one.
///
/// The live elements are `base[head..<end]`: taking from the front (``removeFirst()``, or a
/// ``drain(_:)`` that stops early) only advances `head`, in O(1).
///
/// Not thread-safe: the mailbox guards it with its lock.
@usableFromInline
struct MessageBuffer<Message>: ~Copyable {
    @usableFromInline var base: UnsafeMutablePointer<Message>
    @usableFromInline var head: Int = 0
    @usableFromInline var end: Int = 0
    @usableFromInline var capacity: Int

    /// - Parameter capacity: slots allocated up front; the buffer doubles when full (from
    ///   ``firstCapacity`` when it starts empty). None by default: a service that was never
    ///   sent a message (or only inline calls) allocates nothing, and a busy one's buffers
    ///   grow once to its working size.
    @inlinable
    init(capacity: Int = 0) {
        self.capacity = max(capacity, 0)
        // No allocation for no slots: a well-aligned dangling pointer that is never read.
        base = capacity > 0 ? .allocate(capacity: capacity) : UnsafeMutablePointer(bitPattern: MemoryLayout<Message>.alignment)!
    }

    /// Slots allocated by the first append to a buffer created empty.
    @inlinable static var firstCapacity: Int { 4 }

    @inlinable
    deinit {
        (base + head).deinitialize(count: end - head)
        if capacity > 0 { base.deallocate() }
    }

    @inlinable
    var count: Int { end - head }

    @inlinable
    var isEmpty: Bool { end == head }

    @inlinable @inline(__always)
    mutating func append(_ message: consuming Message) {
        if end == capacity { grow() }
        (base + end).initialize(to: consume message)
        end += 1
    }

    /// Makes room at the end: slides the live elements to the front, or doubles.
    @usableFromInline @inline(never)
    mutating func grow() {
        let live = end - head
        if head > 0 && live <= capacity / 2 {
            base.moveInitialize(from: base + head, count: live)
        } else {
            let newCapacity = capacity > 0 ? capacity * 2 : Self.firstCapacity
            let newBase = UnsafeMutablePointer<Message>.allocate(capacity: newCapacity)
            newBase.moveInitialize(from: base + head, count: live)
            if capacity > 0 { base.deallocate() }
            base = newBase
            capacity = newCapacity
        }
        head = 0
        end = live
    }

    /// Removes the first element in O(1); for the rare paths that drop the oldest message.
    @inlinable
    mutating func removeFirst() -> Message? {
        guard head < end else { return nil }
        let first = (base + head).move()
        head += 1
        if head == end { head = 0; end = 0 }
        return first
    }

    /// Moves every element out, in order, to `body`, and leaves the buffer empty.
    /// `body` may stop early by returning `false`; the remaining elements stay, in order.
    @inlinable @inline(__always)
    mutating func drain(_ body: (consuming Message) -> Bool) {
        var index = head
        while index < end {
            let message = (base + index).move()
            index += 1
            if !body(consume message) {
                head = index
                if head == end { head = 0; end = 0 }
                return
            }
        }
        head = 0
        end = 0
    }

    /// Exchanges contents with `other` in O(1).
    @inlinable @inline(__always)
    mutating func swapContents(with other: inout MessageBuffer<Message>) {
        swap(&base, &other.base)
        swap(&head, &other.head)
        swap(&end, &other.end)
        swap(&capacity, &other.capacity)
    }
}
