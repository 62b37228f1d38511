/// Where a reply keeps its answer until the caller takes it.
///
/// Not in a `Result<Value, any Error>?` field: releasing a reply runs its deinit
/// unspecialized (a class's deinit is reached through its metadata), and destroying such a
/// field there asked the runtime for the metadata of `Result<Value, any Error>` and of its
/// `Optional`, two hash-table lookups on every call — about a sixth of an inline call to an
/// idle pooled service (`perf` of `nano-bench --filter idle-request`). Here every stored field
/// has a layout that does not depend on `Value`: a value of up to three words lives in
/// `inlineValue`, a larger one in a heap cell, an error in `failure`; only `Value`'s own
/// metadata (the class's generic argument, no lookup) is needed to move or destroy it.
///
/// Thread safety: as the rest of the reply's answer: written by the service before it
/// publishes `ready`, taken by the caller after it observes `ready`, or dropped by the one
/// thread that saw the caller give up.
extension _Reply {
    /// What the reply holds.
    @usableFromInline
    enum Answer: UInt8 {
        case none, value, failure
    }

    /// Room for a value of up to three words inside the reply object.
    @usableFromInline typealias InlineWords = (UInt64, UInt64, UInt64)

    /// Whether a `Value` fits in ``inlineValue``.
    @inlinable static var storesInline: Bool {
        MemoryLayout<Value>.size <= MemoryLayout<InlineWords>.size
            && MemoryLayout<Value>.alignment <= MemoryLayout<InlineWords>.alignment
    }

    /// Stores `outcome`; the reply must hold nothing. Service thread, before publishing `ready`.
    @inlinable
    func store(_ outcome: consuming Result<Value, any Error>) {
        switch consume outcome {
        case .success(let value):
            if Self.storesInline {
                withUnsafeMutableBytes(of: &inlineValue) { _ = $0.baseAddress!.initializeMemory(as: Value.self, to: value) }
            } else {
                let cell = UnsafeMutablePointer<Value>.allocate(capacity: 1)
                cell.initialize(to: value)
                boxedValue = UnsafeMutableRawPointer(cell)
            }
            answer = .value
        case .failure(let error):
            failure = error
            answer = .failure
        }
    }

    /// Moves the answer out; the reply must hold one. The one thread allowed to (see above).
    @inlinable
    func takeAnswer() -> Result<Value, any Error> {
        switch answer {
        case .value:
            return .success(takeValue())
        case .failure:
            answer = .none
            defer { failure = nil }
            return .failure(failure!)
        case .none:
            preconditionFailure("NanoServices: a reply's answer was taken twice")
        }
    }

    /// Moves the stored value out.
    @inlinable
    func takeValue() -> Value {
        answer = .none
        if Self.storesInline {
            return withUnsafeMutableBytes(of: &inlineValue) { $0.baseAddress!.assumingMemoryBound(to: Value.self).move() }
        }
        let cell = boxedValue!.assumingMemoryBound(to: Value.self)
        boxedValue = nil
        defer { cell.deallocate() }
        return cell.move()
    }

    /// Destroys the answer, if any, on the calling thread.
    @usableFromInline
    func discardAnswer() {
        switch answer {
        case .value: _ = takeValue()
        case .failure: answer = .none; failure = nil
        case .none: break
        }
    }
}
