@testable import NanoServices
import Testing

@Suite("ServiceList")
struct ServiceListTests {
    private func context(_ name: String) -> _ServiceContext { .bare(named: name) }

    @Test("insert, remove from the middle, the head and the tail; a second insert or remove changes nothing")
    func insertAndRemove() {
        let (a, b, c) = (context("a"), context("b"), context("c"))
        var list = ServiceList()
        #expect(list.isEmpty)
        let inserted = [list.insert(a), list.insert(b), list.insert(c), list.insert(b)]
        #expect(inserted == [true, true, true, false])
        #expect(list.count == 3)
        #expect(list.all.map(\.name) == ["c", "b", "a"])
        let removedMiddle = [list.remove(b), list.remove(b)]
        #expect(removedMiddle == [true, false])
        #expect(list.all.map(\.name) == ["c", "a"])
        let removedHead = list.remove(c)
        #expect(removedHead && list.all.map(\.name) == ["a"])
        let again = list.insert(b)
        let removedTail = list.remove(a)
        #expect(again && removedTail && list.all.map(\.name) == ["b"])
        let removedLast = list.remove(b)
        #expect(removedLast && list.isEmpty && list.all.isEmpty)
    }
}
