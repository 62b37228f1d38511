import NanoServices

/// A non-Sendable reference type: it may only cross threads by being sent (moved).
final class Document {
    var title: String
    var edits = 0
    init(title: String) { self.title = title }
}

/// Receives payloads by move and gives them back.
@NanoService
final class Vault {
    private var stored: [Document] = []

    init() {}

    /// Takes ownership of the buffer, writes into it in place, and hands it back.
    /// `consuming` lets the method mutate the very buffer it was given.
    public func stamp(_ buffer: consuming sending [UInt8]) -> sending [UInt8] {
        buffer[0] = 0xAB
        return buffer
    }

    /// The base address the service sees, after writing into the buffer.
    public func stampAndReportAddress(_ buffer: consuming sending [UInt8]) -> UInt {
        buffer[1] = 0xCD
        return buffer.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
    }

    public func keep(_ document: sending Document) {
        document.edits += 1
        stored.append(document)
    }

    public func titles() -> [String] { stored.map { "\($0.title) (\($0.edits))" } }

    /// A new document, moved out to the caller: it was never shared, so it can be sent.
    public func draft(title: String) -> sending Document {
        let document = Document(title: title)
        document.edits = stored.count
        return document
    }
}
