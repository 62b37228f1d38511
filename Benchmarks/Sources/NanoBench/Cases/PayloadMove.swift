import Synchronization

/// Case (c): a 64 MiB `[UInt8]` moved to a service, written to in place, and moved back,
/// compared with an `Int` round trip to the same kind of service in the same run. Every
/// round trip checks the buffer's base address: unchanged means it was never copied.
struct PayloadMove: BenchCase {
    var id: String { "payload-move" }
    static let size = 64 << 20

    func run(_ settings: BenchSettings) throws -> CaseReport {
        let moves = settings.scaled(2_000, quick: 50)
        let ints = settings.scaled(200_000, quick: 2_000)
        let copies = settings.scaled(10, quick: 2)
        let copied = Copies()

        let nano = try NanoCounter.Service(options: .init(name: "bench-move"))
        let dispatch = DispatchCounter()
        let pinnedExecutor = DedicatedThreadExecutor(name: "bench-actor")
        let pinned = PinnedCounterActor(executor: pinnedExecutor)
        defer {
            try? nano.control.stop()
            pinnedExecutor.shutdown()
        }

        let contenders = [
            Contender("NanoServices Int call", operations: ints, nano: true) { ops in
                try MonotonicClock.measure {
                    var value = 0
                    for _ in 0..<ops { value = try nano.echo(value) }
                }
            },
            Contender("NanoServices 64 MiB move", operations: moves, nano: true,
                      note: "`stamp(_: consuming sending [UInt8]) -> sending [UInt8]`, caller passes `consume buffer`") { ops in
                var buffer = [UInt8](repeating: 0, count: Self.size)
                // Timed inline, not in a closure: a captured variable cannot be `consume`d.
                let start = MonotonicClock.now()
                for _ in 0..<ops {
                    let before = Self.address(buffer)
                    buffer = try nano.stamp(consume buffer)
                    copied.record("NanoServices 64 MiB move", copied: Self.address(buffer) != before)
                }
                let elapsed = MonotonicClock.now() - start
                precondition(buffer[0] == UInt8(truncatingIfNeeded: ops))
                return elapsed
            },
            Contender("pinned actor 64 MiB move", operations: moves,
                      note: "actor method taking `consuming sending [UInt8]`, awaited from a Task") { ops in
                try blockingAwait {
                    var buffer = [UInt8](repeating: 0, count: Self.size)
                    let start = MonotonicClock.now()
                    for _ in 0..<ops {
                        let before = Self.address(buffer)
                        buffer = await pinned.stamp(consume buffer)
                        copied.record("pinned actor 64 MiB move", copied: Self.address(buffer) != before)
                    }
                    return MonotonicClock.now() - start
                }
            },
            Contender("DispatchQueue async+semaphore 64 MiB", operations: copies,
                      note: "idiomatic closure capture: the block's write copies the buffer (copy-on-write); a real 64 MiB copy") { ops in
                var buffer = [UInt8](repeating: 0, count: Self.size)
                return MonotonicClock.measure {
                    for _ in 0..<ops {
                        let before = Self.address(buffer)
                        buffer = dispatch.stampAsyncSemaphore(buffer)
                        copied.record("DispatchQueue async+semaphore 64 MiB", copied: Self.address(buffer) != before)
                    }
                }
            },
        ]

        var report = CaseReport(
            id: id, title: "payload move: 64 MiB [UInt8] to a service and back, vs an Int round trip",
            repetitions: settings.repetitions, measurements: try settings.measure(contenders))
        for contender in contenders.dropFirst() {
            let (copies, trips) = copied.counts(contender.peer)
            report.notes.append(copies == 0
                ? "\(contender.peer): base address unchanged in all \(Format.count(trips)) round trips (never copied)"
                : "\(contender.peer): buffer COPIED in \(Format.count(copies)) of \(Format.count(trips)) round trips (base address changed)")
        }
        if let int = report.measurement("NanoServices Int call"), let move = report.measurement("NanoServices 64 MiB move") {
            let ratio = move.nanosecondsPerOperation / int.nanosecondsPerOperation
            report.targets.append(TargetCheck(target: "64 MiB move within 2× of an Int round trip",
                                              met: ratio <= 2 && copied.counts("NanoServices 64 MiB move").copies == 0,
                                              measured: "\(Format.ratio(ratio)) (\(Format.nanoseconds(move.nanosecondsPerOperation)) vs \(Format.nanoseconds(int.nanosecondsPerOperation)))"))
        }
        return report
    }

    static func address(_ buffer: [UInt8]) -> UInt {
        buffer.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
    }
}

/// Counts round trips, and the copies among them, per peer, from any thread or task.
/// (Warm-up trips included.)
final class Copies: Sendable {
    private let table = Mutex<[String: (copies: Int, trips: Int)]>([:])

    func record(_ peer: String, copied: Bool) {
        table.withLock { $0[peer, default: (0, 0)].trips += 1; if copied { $0[peer]!.copies += 1 } }
    }

    func counts(_ peer: String) -> (copies: Int, trips: Int) { table.withLock { $0[peer] ?? (0, 0) } }
}
