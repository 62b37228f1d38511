@testable import NanoServices

extension _ServiceContext {
    /// A context with no mailbox and no thread, for tests of the parts that need only one
    /// (lists, wait-for edges). It needs a block for its header (``ServiceBlock``; a service's
    /// is its mailbox's): two lines, never freed (a few per test).
    static func bare(named name: String) -> _ServiceContext {
        let block = CacheLine.allocate(lines: ServiceBlock.lines)
        OneShotEvent.initializeRegion(block + ServiceBlock.termination)
        return _ServiceContext(typeName: name, options: ServiceOptions(), block: block)
    }
}
