import CNanoServicesShims
import Foundation

/// Facts about OS threads, read the way a debugger or `ps` would.
enum ThreadInfo {
    /// The calling thread's name as the kernel knows it.
    static var currentName: String {
        let comm = (try? String(contentsOfFile: "/proc/self/task/\(nano_thread_id())/comm", encoding: .utf8)) ?? ""
        return comm.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// An opaque identity of the calling thread, comparable across calls.
    static var currentID: UInt { UInt(pthread_self()) }

    /// How many threads of this process carry `name` (from /proc/self/task/*/comm).
    static func count(named name: String) -> Int {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.reduce(0) { count, task in
            let comm = (try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8)) ?? ""
            return count + (comm.trimmingCharacters(in: .whitespacesAndNewlines) == name ? 1 : 0)
        }
    }

    /// How many threads of this process have a name starting with `prefix`.
    static func count(prefixed prefix: String) -> Int {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.reduce(0) { count, task in
            let comm = (try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8)) ?? ""
            return count + (comm.hasPrefix(prefix) ? 1 : 0)
        }
    }

    /// Polls `condition` until it holds or `timeout` passes; returns whether it held.
    /// For facts the kernel publishes asynchronously (a thread's exit), not for our own code.
    /// Suspends between polls, so it never holds a cooperative thread.
    /// The default limit is generous: under the Thread Sanitizer on 2 busy cores a state that
    /// takes microseconds normally took more than 10 s (InlineCallTests in CI).
    static func eventually(within timeout: Duration = .seconds(300), _ condition: () -> Bool) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(1))
        }
        return condition()
    }
}
