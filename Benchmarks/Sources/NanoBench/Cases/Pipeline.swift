/// Case (e): a 3-stage pipeline. The producer casts to stage 1, which casts to stage 2, which
/// casts to stage 3. Measured end to end: the clock stops when stage 3 has handled every
/// message (flushing stage 1, then 2, then 3; FIFO per sender makes that a full drain).
struct Pipeline: BenchCase {
    var id: String { "pipeline" }

    func run(_ settings: BenchSettings) throws -> CaseReport {
        let fast = settings.scaled(1_000_000, quick: 10_000)
        let medium = settings.scaled(300_000, quick: 3_000)

        let nano3 = try NanoPipelineStage.Service(next: nil, options: .named("stage3"))
        let nano2 = try NanoPipelineStage.Service(next: nano3, options: .named("stage2"))
        let nano1 = try NanoPipelineStage.Service(next: nano2, options: .named("stage1"))
        let dispatch3 = DispatchPipelineStage(label: "stage3", next: nil)
        let dispatch2 = DispatchPipelineStage(label: "stage2", next: dispatch3)
        let dispatch1 = DispatchPipelineStage(label: "stage1", next: dispatch2)
        let nio3 = NIOPipelineStage(next: nil)
        let nio2 = NIOPipelineStage(next: nio3)
        let nio1 = NIOPipelineStage(next: nio2)
        let naive = [NaiveWorker(), NaiveWorker(), NaiveWorker()]
        let actor3 = PipelineStageActor(next: nil)
        let actor2 = PipelineStageActor(next: actor3)
        let actor1 = PipelineStageActor(next: actor2)
        defer {
            for stage in [nano1, nano2, nano3] { try? stage.control.stop() }
            for stage in [nio1, nio2, nio3] { try? stage.shutdown() }
            for worker in naive { worker.requestStop() }
        }

        let contenders = [
            Contender("NanoServices cast chain", operations: fast, nano: true) { ops in
                let before = try nano3.count()
                let elapsed = try MonotonicClock.measure {
                    for value in 0..<ops { nano1.push(value) }
                    try nano1.flush()
                    try nano2.flush()
                    try nano3.flush()
                }
                let after = try nano3.count()
                precondition(after - before == ops)
                return elapsed
            },
            Contender("DispatchQueue async chain", operations: medium) { ops in
                MonotonicClock.measure {
                    for value in 0..<ops { dispatch1.push(value) }
                    dispatch1.flush()
                    dispatch2.flush()
                    dispatch3.flush()
                }
            },
            Contender("NIO execute chain", operations: medium,
                      note: "three one-thread event loop groups") { ops in
                try MonotonicClock.measure {
                    for value in 0..<ops { nio1.push(value) }
                    try nio1.flush()
                    try nio2.flush()
                    try nio3.flush()
                }
            },
            Contender("naive Thread+cond chain", operations: medium) { ops in
                MonotonicClock.measure {
                    for value in 0..<ops {
                        naive[0].enqueue {
                            naive[0].total &+= 1
                            naive[1].enqueue {
                                naive[1].total &+= 1
                                naive[2].enqueue { naive[2].total &+= value }
                            }
                        }
                    }
                    for worker in naive { worker.flush() }
                }
            },
            Contender("actor await chain", operations: medium,
                      note: "a Task awaits stage 1, which awaits stage 2, which awaits stage 3: default actors run the whole chain on the producer's thread, one message at a time (no pipelining, no hops)") { ops in
                try blockingAwait {
                    await MonotonicClock.measure {
                        for value in 0..<ops { await actor1.push(value) }
                    }
                }
            },
        ]

        return CaseReport(
            id: id, title: "3-stage pipeline (producer → stage1 → stage2 → stage3), messages end to end",
            repetitions: settings.repetitions, measurements: try settings.measure(contenders))
    }
}
