import Foundation
import NanoServices

/// The example's service: a running total, served by `nano-remote-example host`.
@NanoService @RemoteService
final class Tally {
    private var total = 0

    init() {}

    /// A cast: adds to the total.
    public func add(_ amount: Int) { total += amount }

    /// A cast whose effect shows the order of arrival: appends `digit` (0–9) to the total's
    /// decimal digits. The two-process test sends 1, 2, 3 while the host is down and expects
    /// 123, not another order.
    public func appendDigit(_ digit: Int) { total = total &* 10 &+ digit }

    /// A call: the total so far.
    public func current() -> Int { total }

    /// A call that prints `recorded ID` as it runs: the two-process test counts the lines to
    /// check that no call that returned was lost or run twice.
    public func record(_ id: Int) -> Int {
        say("recorded \(id)")
        total += 1
        return id
    }

    /// A call that does not answer for an hour: the two-process test kills the host while a
    /// call is in flight. Prints `stalling` first, so that the test knows the call arrived.
    public func stall() async -> Int {
        say("stalling")
        try? await Task.sleep(for: .seconds(3_600))
        return total
    }
}
