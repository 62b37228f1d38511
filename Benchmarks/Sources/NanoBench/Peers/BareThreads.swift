import Foundation

/// The memory floor of one thread per instance: `count` pthreads with the smallest stack
/// glibc allows (16 KiB), each doing nothing but waiting on one shared condition.
enum BareThreads {
    private final class Shared: @unchecked Sendable {
        var mutex = pthread_mutex_t()
        var condition = pthread_cond_t()
        var released = false
        var waiting = 0
        init() {
            pthread_mutex_init(&mutex, nil)
            pthread_cond_init(&condition, nil)
        }
    }

    /// Starts the threads, waits until all wait, releases and joins them. Returns the
    /// process's thread count while all were alive.
    static func run(_ count: Int) -> Int {
        let shared = Shared()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setstacksize(&attributes, 16 * 1024)
        var threads: [pthread_t] = []
        threads.reserveCapacity(count)
        let context = Unmanaged.passRetained(shared).toOpaque()
        for _ in 0..<count {
            var thread = pthread_t()
            let status = pthread_create(&thread, &attributes, { raw in
                let shared = Unmanaged<Shared>.fromOpaque(raw!).takeUnretainedValue()
                pthread_mutex_lock(&shared.mutex)
                shared.waiting += 1
                pthread_cond_broadcast(&shared.condition)
                while !shared.released { pthread_cond_wait(&shared.condition, &shared.mutex) }
                pthread_mutex_unlock(&shared.mutex)
                return nil
            }, context)
            precondition(status == 0, "pthread_create failed: \(status)")
            threads.append(thread)
        }
        pthread_mutex_lock(&shared.mutex)
        while shared.waiting < count { pthread_cond_wait(&shared.condition, &shared.mutex) }
        let alive = ProcessStats.threadCount ?? 0
        shared.released = true
        pthread_cond_broadcast(&shared.condition)
        pthread_mutex_unlock(&shared.mutex)
        for thread in threads { pthread_join(thread, nil) }
        Unmanaged<Shared>.fromOpaque(context).release()
        pthread_attr_destroy(&attributes)
        return alive
    }
}
