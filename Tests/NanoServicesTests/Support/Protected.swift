import Foundation

/// A value behind an `NSLock`, for test fixtures shared between threads.
///
/// Not `Synchronization.Mutex`: the Thread Sanitizer cannot see the ordering Mutex's lock
/// provides (it lives in the uninstrumented standard library) and reports false races;
/// `NSLock` goes through the pthread functions the sanitizer intercepts.
final class Protected<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
