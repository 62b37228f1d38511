import CNanoServicesShims

/// A value behind a ``FutexLock``: the runtime's replacement for `Synchronization.Mutex`.
///
/// Why not `Mutex`: its lock is implemented inside the standard library, which is not
/// instrumented by the Thread Sanitizer, so TSan cannot see the ordering it provides and
/// reports races that do not exist. `FutexLock`'s atomics are compiled into this package, so
/// the sanitizer sees every acquire and release, and the suite stays sanitizer-clean.
///
/// One allocation holds the value and the lock word (a `ManagedBuffer`, as SwiftNIO's
/// `NIOLockedValueBox` does); copies of a `Locked` share it.
///
/// Thread safety: `withLock` may be called from any thread; not recursive.
/// Cost: one uncontended lock round trip per `withLock`.
struct Locked<Value>: @unchecked Sendable {
    // Sound: the value is only touched inside `withLock`, under the lock.
    private let storage: Storage

    init(_ value: consuming Value) {
        storage = Storage.make(value)
    }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        try storage.withUnsafeMutablePointers { value, word in
            let lock = FutexLock(word: word)
            lock.lock()
            defer { lock.unlock() }
            return try body(&value.pointee)
        }
    }

    /// The value as the buffer's header, the lock word as its one element.
    private final class Storage: ManagedBuffer<Value, UInt32> {
        static func make(_ value: Value) -> Storage {
            let buffer = create(minimumCapacity: 1) { _ in value }
            buffer.withUnsafeMutablePointerToElements { $0.initialize(to: 0) }
            // Sound: `create` called on this class allocates an instance of this class.
            return unsafeDowncast(buffer, to: Storage.self)
        }
    }
}
