import CNanoServicesShims

/// The pool's threads: each runs slices of ready services, spins a little, then parks.
extension ServicePool {
    // MARK: Pool threads

    func startThread() -> Int32 {
        let number = lock.withLock { () -> Int in
            nextThreadNumber += 1
            return nextThreadNumber
        }
        let threadName = "\(String(name.utf8.prefix(12)) ?? "nano-pool")-\(number)"
        return ServiceThread.start(name: threadName, stackSize: stackSize) { [self] in
            PoolThread.run(for: self) { work($0) }
        }
    }

    /// A pool thread's life: run slices of ready services; spin a little, then park, when
    /// there are none; end when the pool has more unblocked threads than it needs.
    private func work(_ thread: PoolThread) {
        let word = ThreadParker.current
        let threadID = nano_thread_id()
        while true {
            lock.lock()
            switch state.nextStep(spins: spinNanoseconds > 0, parking: word) {
            case .run(let next, let queueEmptied):
                if queueEmptied { nano_atomic_store_release(readyHint, 0) }
                lock.unlock()
                runSlices(from: next, on: thread, threadID: threadID)
            case .exit(let lastThread):
                // Shut down, or an extra thread started while others were blocked.
                lock.unlock()
                if lastThread { threadsEnded.set() }
                return
            case .spin:
                lock.unlock()
                var spinner = SpinWait(budgetNanoseconds: spinNanoseconds)
                while nano_atomic_load_acquire(readyHint) == 0 && spinner.spin() {}
                lock.lock()
                let lookAgain = state.spinEnded(parking: word)
                lock.unlock()
                if !lookAgain { ThreadParker.park(word) }
            case .park:
                lock.unlock()
                ThreadParker.park(word)
            }
        }
    }

    /// Runs a slice of `first`, then of each service the slices put in the thread's run-next
    /// slot, within its bound; a service over the bound goes to the back of the queue.
    private func runSlices(from first: Unmanaged<PoolSlot>, on thread: PoolThread, threadID: Int64) {
        var entry = first
        while true {
            runSlice(entry, threadID: threadID)
            var overflow: Unmanaged<PoolSlot>? = nil
            guard let next = thread.nextToRun(overflow: &overflow) else {
                if let overflow { requeue(overflow) }
                return
            }
            entry = next
        }
    }

    /// Queues a service that overran the run-next bound behind the services waiting. Wakes a
    /// thread only if others wait too: otherwise this thread takes it at once.
    private func requeue(_ entry: Unmanaged<PoolSlot>) {
        lock.lock()
        let helper = state.requeue(entry)
        nano_atomic_store_release(readyHint, 1)
        lock.unlock()
        bringIn(helper)
    }

    private func runSlice(_ entry: Unmanaged<PoolSlot>, threadID: Int64) {
        // The service keeps itself (and so its mailbox's slot) alive until its last slice,
        // so both are alive here.
        let slot = entry.takeUnretainedValue()
        if slot.service!.runSlice(threadID: threadID) == .again {
            schedule(slot)
        }
    }
}
