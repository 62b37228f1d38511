import CNanoServicesShims

/// A value behind a ``FutexLock``: the runtime's replacement for `Synchronization.Mutex`.
///
/// Why not `Mutex`: its lock is implemented inside the standard library, which is not
/// instrumented by the Thread Sanitizer, so TSan cannot see the ordering it provides and
/// reports races that do not exist. `FutexLock`'s atomics are compiled into this package, so
/// the sanitizer sees every acquire and release, and the suite stays sanitizer-clean.
///
/// Thread safety: `withLock` may be called from any thread; not recursive.
/// Cost: one uncontended lock round trip per `withLock`.
final class Locked<Value>: @unchecked Sendable {
    // `value` is only touched inside `withLock`, under `lock`.
    private let storage: UnsafeMutablePointer<Value>
    private let word: UnsafeMutablePointer<UInt32>
    private let lock: FutexLock

    init(_ value: consuming Value) {
        storage = .allocate(capacity: 1)
        storage.initialize(to: value)
        word = .allocate(capacity: 1)
        word.initialize(to: 0)
        lock = FutexLock(word: word)
    }

    deinit {
        storage.deinitialize(count: 1)
        storage.deallocate()
        word.deallocate()
    }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&storage.pointee)
    }
}
