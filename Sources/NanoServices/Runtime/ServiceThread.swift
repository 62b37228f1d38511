import CNanoServicesShims

/// Starts detached OS threads that run a Swift closure.
///
/// Each service gets one: named after the service (15 bytes at most on Linux, as
/// `/proc/<pid>/task/*/comm` shows), with the stack size from ``ServiceOptions``.
/// Cost: one `pthread_create` (tens of microseconds) and one small allocation.
@usableFromInline
enum ServiceThread {
    private final class Start: @unchecked Sendable {
        // Called once, on the new thread; nothing else touches it.
        let body: () -> Void
        init(_ body: sending @escaping () -> Void) { self.body = body }
    }

    /// Starts a thread running `body`. Returns an errno value when the system refuses.
    @usableFromInline
    static func start(name: String, stackSize: Int, _ body: sending @escaping () -> Void) -> Int32 {
        let start = Unmanaged.passRetained(Start(body)).toOpaque()
        let result = name.withCString { cName in
            nano_thread_start({ raw in
                let start = Unmanaged<Start>.fromOpaque(raw!).takeRetainedValue()
                start.body()
            }, start, UInt64(max(stackSize, 0)), cName)
        }
        if result != 0 {
            Unmanaged<Start>.fromOpaque(start).release()
        }
        return result
    }
}
