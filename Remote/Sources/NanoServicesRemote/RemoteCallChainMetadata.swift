import Foundation
import GRPCCore
import NanoServices

/// The chain of waiting services (`_RemoteCallChain`) in a call's metadata, as JSON in the
/// binary value `nano-call-chain-bin` (names may be any Unicode). Absent when empty (a call from a plain thread or task that handles no
/// remote request). A chain that does not decode is ignored: the call then runs as if it had
/// none (no cycle check), it is never refused for it. Thread safety: stateless.
enum RemoteCallChainMetadata {
    static let key = "nano-call-chain-bin"

    static func add(_ chain: _RemoteCallChain, to metadata: inout Metadata) {
        guard !chain.links.isEmpty, let json = try? JSONEncoder().encode(chain) else { return }
        metadata.replaceOrAddBinary(Array(json), forKey: key)
    }

    static func chain(from metadata: Metadata) -> _RemoteCallChain? {
        var values = metadata[binaryValues: key].makeIterator()
        guard let json = values.next(),
            let chain = try? JSONDecoder().decode(_RemoteCallChain.self, from: Data(json)),
            !chain.links.isEmpty
        else { return nil }
        return chain
    }
}
