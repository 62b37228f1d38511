@testable import NanoServices

extension _ServiceContext {
    /// A context with no mailbox and no thread, for tests of the parts that need only one
    /// (lists, wait-for edges). Its termination event needs a place (a service's is in its
    /// mailbox's block), and so does its counter line: small blocks, never freed (a few per test).
    static func bare(named name: String) -> _ServiceContext {
        let region = UnsafeMutableRawPointer.allocate(byteCount: OneShotEvent.regionSize, alignment: 8)
        OneShotEvent.initializeRegion(region)
        return _ServiceContext(
            typeName: name, options: ServiceOptions(), terminationRegion: region, counterLine: UnsafeMutableRawPointer(CounterLine().base))
    }
}
