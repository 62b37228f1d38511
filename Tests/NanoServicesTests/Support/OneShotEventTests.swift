import Dispatch
import Foundation
@testable import NanoServices
import Testing

@Suite("OneShotEvent")
struct OneShotEventTests {
    @Test("threads asleep in wait() and tasks suspended in wait() all wake when it is set; later waits return at once",
          .timeLimit(.minutes(15)))
    func setWakesSleepersAndTasks() async throws {
        let event = OneShotEvent()
        let woke = DispatchSemaphore(value: 0)
        for _ in 0..<3 {
            let thread = Thread { event.wait(); woke.signal() }
            thread.start()
        }
        let task = Task { await event.wait(); return event.isSet }
        // Give the threads time to fall asleep on the futex word (the test does not depend on
        // it: a thread that has not slept yet sees the event set).
        try await Task.sleep(for: .milliseconds(50))
        #expect(!event.isSet)
        event.set()
        for _ in 0..<3 { woke.wait() }
        #expect(await task.value)
        event.set()  // a second set changes nothing
        try await runOnNewThread { event.wait() }  // a thread: returns at once
        await event.wait()
        #expect(event.isSet)
    }
}
