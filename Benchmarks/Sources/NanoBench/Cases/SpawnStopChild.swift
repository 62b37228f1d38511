import NanoServices

/// The work a `--child` process does for ``SpawnStop``. Runs in a fresh process so that its
/// `VmHWM` is its own.
enum SpawnStopChild {
    static func run(_ task: String) throws {
        let parts = task.split(separator: ":").map(String.init)
        var nanoseconds: UInt64 = 0
        var spawnNanoseconds: UInt64? = nil
        var threads = ProcessStats.threadCount ?? 0
        if parts.count == 3, let count = Int(parts[2]) {
            (nanoseconds, spawnNanoseconds, threads) = try spawn(peer: parts[1], count: count)
        } else if task != "idle" {
            throw ChildFailure(task: task, status: 2, output: "unknown child task")
        }
        try ChildResult(nanoseconds: nanoseconds, peakResidentBytes: ProcessStats.peakResidentBytes ?? 0,
                        maxThreads: threads, spawnNanoseconds: spawnNanoseconds).emit()
    }

    /// Returns the wall time, the time the spawns alone took (where the peer has them) and
    /// the thread count with every instance alive.
    private static func spawn(peer: String, count: Int) throws -> (UInt64, UInt64?, Int) {
        var threads = 0
        var spawned: UInt64? = nil
        let start = MonotonicClock.now()
        switch peer {
        case "nano", "nano-nospin", "nano-pool":
            let options = switch peer {
            case "nano": ServiceOptions()
            case "nano-pool": ServiceOptions(placement: .pool(ServicePool(name: "bench-pool")))
            default: ServiceOptions(spinBeforeParking: .zero)
            }
            var services: [NanoIdle.Service] = []
            services.reserveCapacity(count)
            for _ in 0..<count { services.append(try NanoIdle.Service(options: options)) }
            spawned = MonotonicClock.now() - start
            for service in services {
                let answer = try service.ping(1)
                precondition(answer == 2)
            }
            threads = ProcessStats.threadCount ?? 0
            for service in services { service.control.requestStop() }
            for service in services { try service.control.join() }
        case "naive":
            var workers: [NaiveWorker] = []
            workers.reserveCapacity(count)
            for _ in 0..<count { workers.append(NaiveWorker()) }
            for worker in workers { precondition(worker.echo(1) == 2) }
            threads = ProcessStats.threadCount ?? 0
            for worker in workers { worker.requestStop() }
            for worker in workers { worker.join() }
        case "pthread":
            threads = BareThreads.run(count)
        case "actor":
            (threads, spawned) = try blockingAwait {
                var actors: [IdleActor] = []
                actors.reserveCapacity(count)
                for _ in 0..<count { actors.append(IdleActor()) }
                let spawned = MonotonicClock.now() - start
                for actor in actors {
                    let answer = await actor.ping(1)
                    precondition(answer == 2)
                }
                let threads = ProcessStats.threadCount ?? 0
                actors.removeAll()
                return (threads, spawned)
            }
        default:
            throw ChildFailure(task: peer, status: 2, output: "unknown peer")
        }
        return (MonotonicClock.now() - start, spawned, threads)
    }
}
