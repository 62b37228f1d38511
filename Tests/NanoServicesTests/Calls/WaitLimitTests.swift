import CNanoServicesShims
@testable import NanoServices
import Testing

@Suite("Wait limits of blocking calls")
struct WaitLimitTests {
    @Test("a call's limit: none, relative until its wait starts, or a deadline already fixed")
    func fromTimeoutAndDeadline() {
        guard case .none = WaitLimit(timeout: nil, deadline: nil) else { Issue.record("expected .none"); return }
        guard case .after(5_000) = WaitLimit(timeout: 5_000, deadline: nil) else { Issue.record("expected .after"); return }
        // A wait for room fixed the deadline: it wins over the relative limit.
        guard case .at(42) = WaitLimit(timeout: 5_000, deadline: 42) else { Issue.record("expected .at"); return }
    }

    @Test("the deadline counts from the spin's start, or from now without one")
    func deadlines() {
        #expect(WaitLimit.none.deadline(waitingSince: 1_000) == nil)
        #expect(WaitLimit.after(500).deadline(waitingSince: 1_000) == 1_500)
        #expect(WaitLimit.at(7).deadline(waitingSince: 1_000) == 7)
        #expect(WaitLimit.after(-3).deadline(waitingSince: 1_000) == 1_000)  // a negative limit: now
        let before = nano_monotonic_ns()
        let fromNow = WaitLimit.after(1_000_000).deadlineFromNow!
        #expect(fromNow >= before + 1_000_000 && fromNow <= nano_monotonic_ns() + 1_000_000)
    }

    @Test("only a limit of at least four spin budgets spins; a fixed deadline never does")
    func spinning() {
        #expect(WaitLimit.none.allowsSpinning(50_000))
        #expect(WaitLimit.after(200_000).allowsSpinning(50_000))
        #expect(!WaitLimit.after(199_999).allowsSpinning(50_000))
        #expect(!WaitLimit.at(.max).allowsSpinning(50_000))
    }

    @Test("a spin reads the clock only once it spins, and never without a budget")
    func spinStartsLazily() {
        var idle = SpinWait(budgetNanoseconds: 0)
        let idleSpun = idle.spin()
        #expect(!idleSpun)
        #expect(idle.started == nil)
        var spinner = SpinWait(budgetNanoseconds: 1_000_000)
        #expect(spinner.started == nil)
        let before = nano_monotonic_ns()
        let spun = spinner.spin()
        #expect(spun)
        let started = spinner.started
        #expect(started != nil && started! >= before && started! <= nano_monotonic_ns())
        var rounds = 0
        while spinner.spin() { rounds += 1 }
        #expect(nano_monotonic_ns() >= started! + 1_000_000)  // stopped only once the budget was spent
    }
}
