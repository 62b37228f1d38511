/// A growable, manually managed array of messages that *moves* elements in and out.
///
/// `Array` would retain a message when it is read out of the batch, so a payload moved into
/// the service would still be referenced twice when the handler mutates it, and
/// copy-on-write would copy it. `MessageBuffer` initialises elements by move on
/// ``append(_:)`` and hands each one out by move in ``drain(_:)``, so a buffer passed with
/// `sending` reaches the method with a reference count of one.
///
/// Not thread-safe: the mailbox guards it with its lock.
@usableFromInline
struct MessageBuffer<Message>: ~Copyable {
    @usableFromInline var base: UnsafeMutablePointer<Message>
    @usableFromInline var count: Int = 0
    @usableFromInline var capacity: Int

    @inlinable
    init(capacity: Int = 16) {
        self.capacity = max(capacity, 1)
        base = .allocate(capacity: self.capacity)
    }

    @inlinable
    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    @inlinable
    var isEmpty: Bool { count == 0 }

    @inlinable @inline(__always)
    mutating func append(_ message: consuming Message) {
        if count == capacity { grow() }
        (base + count).initialize(to: consume message)
        count += 1
    }

    @usableFromInline @inline(never)
    mutating func grow() {
        let newCapacity = capacity * 2
        let newBase = UnsafeMutablePointer<Message>.allocate(capacity: newCapacity)
        newBase.moveInitialize(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    /// Removes the first element (O(n) shift); for the rare paths that drop the oldest message.
    @inlinable
    mutating func removeFirst() -> Message? {
        guard count > 0 else { return nil }
        let first = base.move()
        (base).moveInitialize(from: base + 1, count: count - 1)
        count -= 1
        return first
    }

    /// Moves every element out, in order, to `body`, and leaves the buffer empty.
    /// `body` may stop early by returning `false`; the remaining elements stay, in order.
    @inlinable @inline(__always)
    mutating func drain(_ body: (consuming Message) -> Bool) {
        var index = 0
        while index < count {
            let message = (base + index).move()
            index += 1
            if !body(consume message) {
                let remaining = count - index
                base.moveInitialize(from: base + index, count: remaining)
                count = remaining
                return
            }
        }
        count = 0
    }

    /// Exchanges contents with `other` in O(1).
    @inlinable @inline(__always)
    mutating func swapContents(with other: inout MessageBuffer<Message>) {
        swap(&base, &other.base)
        swap(&count, &other.count)
        swap(&capacity, &other.capacity)
    }
}
