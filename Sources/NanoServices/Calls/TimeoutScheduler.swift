import CNanoServicesShims

/// Something a ``TimeoutScheduler`` can time out.
@usableFromInline
protocol TimeoutTarget: AnyObject, Sendable {
    /// The deadline passed: give up waiting (resume the waiter with a timeout error).
    func timeoutExpired()
}

/// One dedicated thread (`nano-timers`, started on first use, alive for the process) that
/// fires the deadlines of `async` calls that have a timeout.
///
/// Why not a `Task.sleep` per call: a timer that needs the cooperative pool cannot fire while
/// the pool is saturated — by blocking code, for example — and would let a late answer count
/// as on time. Here a timeout is decided at its deadline, whatever the pool is doing; the
/// caller's task is resumed (with the error) as soon as the pool runs it.
///
/// Cost: an indexed binary heap under one lock; scheduling and cancelling are O(log n) and
/// one small allocation per timed call. Calls without a timeout never touch it.
///
/// Thread safety: ``schedule(_:after:)`` and ``cancel(_:)`` may be called from any thread.
/// `@unchecked Sendable` is sound: `heap` and `threadStarted` are only touched under `lock`;
/// `words` is used only through the lock and futex calls.
@usableFromInline
final class TimeoutScheduler: @unchecked Sendable {
    /// A scheduled deadline. `heapIndex` is its position in the heap, or -1 once removed.
    @usableFromInline
    final class Entry: IndexedHeapElement, @unchecked Sendable {
        // All fields are guarded by the scheduler's lock.
        let deadline: UInt64
        var target: (any TimeoutTarget)?
        var heapIndex: Int = -1

        var heapDeadline: UInt64 { deadline }

        init(deadline: UInt64, target: any TimeoutTarget) {
            self.deadline = deadline
            self.target = target
        }
    }

    @usableFromInline static let shared = TimeoutScheduler()

    private let words: UnsafeMutablePointer<UInt32> // [0] lock, [1] wake sequence (futex word)
    private let lock: FutexLock
    private var heap = IndexedHeap<Entry>()  // guarded by `lock`
    private var threadStarted = false    // guarded by `lock`

    private init() {
        words = .allocate(capacity: 2)
        words.initialize(repeating: 0, count: 2)
        lock = FutexLock(word: words)
    }

    private var wakeWord: UnsafeMutablePointer<UInt32> { words + 1 }

    /// Calls `target.timeoutExpired()` on the timer thread after `nanoseconds`, unless
    /// cancelled first.
    @usableFromInline
    func schedule(_ target: any TimeoutTarget, after nanoseconds: Int64) -> Entry {
        let entry = Entry(deadline: nano_monotonic_ns() &+ UInt64(max(nanoseconds, 0)), target: target)
        let (isEarliest, startThread) = lock.withLock { () -> (Bool, Bool) in
            heap.push(entry)
            let start = !threadStarted
            threadStarted = true
            return (entry.heapIndex == 0, start)
        }
        if startThread {
            let status = ServiceThread.start(name: "nano-timers", stackSize: 256 * 1024) { [self] in run() }
            precondition(status == 0, "NanoServices: cannot start the timer thread (error \(status))")
        } else if isEarliest {
            nano_atomic_store_release(wakeWord, nano_atomic_load_acquire(wakeWord) &+ 1)
            nano_futex_wake(wakeWord, 1)
        }
        return entry
    }

    /// Removes `entry` if it has not fired. Cheap if it already has.
    @usableFromInline
    func cancel(_ entry: Entry) {
        lock.withLock {
            entry.target = nil
            heap.remove(entry)
        }
    }

    private func run() {
        while true {
            var due: [any TimeoutTarget] = []
            let sequence = nano_atomic_load_acquire(wakeWord)
            let now = nano_monotonic_ns()
            let next: UInt64? = lock.withLock {
                while let first = heap.first, first.deadline <= now {
                    heap.remove(first)
                    if let target = first.target { due.append(target) }
                    first.target = nil
                }
                return heap.first?.deadline
            }
            for target in due { target.timeoutExpired() }
            if !due.isEmpty { continue }
            let wait = next.map { Int64($0 - min($0, nano_monotonic_ns())) } ?? -1
            if wait != 0 { _ = nano_futex_wait(wakeWord, sequence, wait) }
        }
    }
}
