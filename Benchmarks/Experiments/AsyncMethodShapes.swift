// Where an `async` method can run, and what each place costs: a standalone program (no
// library, not part of the package) behind docs/PERFORMANCE.md, "`async` methods at the floor
// of a task of their own". Every shape runs the same body — `await Task.yield()`, then a
// write — once per call, awaited from one task; best of 5 runs of 100,000 calls, twice.
//
//     swiftc -O Benchmarks/Experiments/AsyncMethodShapes.swift -o /tmp/shapes && /tmp/shapes
//
// Shapes: an actor method (the caller's task hops onto the actor); the body in the caller's
// task behind a flag (what a direct call to an idle pooled service would be); a task of its
// own started at once on the caller's thread (`Task.immediate`) or as a child (`async let`, a
// task group's immediate child); a task of its own preferring an executor whose one thread
// spins (the floor of a service's method, which runs on the service's thread); and the
// caller's task moved onto that executor for the body (`withTaskExecutorPreference`).
import Foundation
import Synchronization

actor Counter {
    var total = 0
    func echo(_ value: Int) async -> Int { await Task.yield(); total &+= 1; return value }
}

final class Body: @unchecked Sendable {  // one caller at a time (the shapes below ensure it)
    var total = 0
    let running = Atomic<Bool>(false)
    func echo(_ value: Int) async -> Int { await Task.yield(); total &+= 1; return value }
}

/// One thread that runs the jobs of the tasks preferring it, spinning (never parking).
final class SpinningExecutor: TaskExecutor, @unchecked Sendable {
    private let lock = NSLock()
    private var jobs: [UnownedJob] = []
    private let queued = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)

    init() { Thread.detachNewThread { [self] in loop() } }
    func stop() { stopping.store(true, ordering: .releasing) }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        lock.lock(); jobs.append(job); lock.unlock()
        queued.add(1, ordering: .releasing)
    }

    private func loop() {
        var batch: [UnownedJob] = []
        while !stopping.load(ordering: .acquiring) {
            if queued.load(ordering: .acquiring) == 0 { continue }
            lock.lock(); swap(&batch, &jobs); lock.unlock()
            queued.subtract(batch.count, ordering: .relaxed)
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
            batch.removeAll(keepingCapacity: true)
        }
    }
}

final class Answer: @unchecked Sendable { let ready = Atomic<Bool>(false); var value = 0 }

func time(_ name: String, _ calls: Int, _ call: @escaping @Sendable (Int) async -> Int) async {
    var best = Double.infinity
    for _ in 0..<5 {
        let start = ContinuousClock.now
        var sum = 0
        for index in 0..<calls { sum &+= await call(index) }
        let elapsed = ContinuousClock.now - start
        let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        best = min(best, nanoseconds / Double(calls))
        precondition(sum == (calls - 1) * calls / 2)
    }
    print(name.padding(toLength: 58, withPad: " ", startingAt: 0), String(format: "%7.0f ns", best))
}

let actor = Counter()
let body = Body()
let calls = 100_000

let main = Task {
    for _ in 0..<2 {
        await time("actor method", calls) { await actor.echo($0) }
        await time("body in the caller's task, behind a flag", calls) { value in
            precondition(body.running.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged)
            let answer = await body.echo(value)
            body.running.store(false, ordering: .releasing)
            return answer
        }
        await time("own task: Task.immediate, await its value", calls) { value in
            await Task.immediate { await body.echo(value) }.value
        }
        await time("own task: async let", calls) { value in
            async let answer = body.echo(value)
            return await answer
        }
        await time("own task: task group, addImmediateTask", calls) { value in
            await withTaskGroup(of: Int.self) { group in
                group.addImmediateTask { await body.echo(value) }
                return await group.next()!
            }
        }
        let executor = SpinningExecutor()
        await time("own task preferring a spinning thread, caller spins", calls) { value in
            let answer = Answer()
            Task(executorPreference: executor) {
                answer.value = await body.echo(value)
                answer.ready.store(true, ordering: .releasing)
            }
            while !answer.ready.load(ordering: .acquiring) {}
            return answer.value
        }
        await time("caller's task moved onto it (withTaskExecutorPreference)", calls / 10) { value in
            await withTaskExecutorPreference(executor) { await body.echo(value) }
        }
        executor.stop()
    }
}
_ = await main.value
