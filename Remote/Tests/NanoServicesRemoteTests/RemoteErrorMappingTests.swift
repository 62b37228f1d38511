import Foundation
import GRPCCore
import GRPCInProcessTransport
import NanoServices
@testable import NanoServicesRemote
import Testing

/// The host's errors as gRPC statuses, and back on the client.
@Suite(.timeLimit(.minutes(15)))
struct RemoteErrorMappingTests {
    @Test func aDeadlockKeepsItsCodeServiceAndCycle() throws {
        let original = ServiceError(.deadlock, service: "B", message: "waiting on itself", cycle: ["A", "B", "A"])
        let status = RemoteErrorMapping.status(for: original)
        let rebuilt = try #require(RemoteErrorMapping.clientError(for: status, service: "b") as? ServiceError)
        #expect(rebuilt.code == .deadlock)
        #expect(rebuilt.serviceName == "B")
        #expect(rebuilt.cycle == ["A", "B", "A"])
        #expect(rebuilt.message == "waiting on itself")
    }

    @Test func everyServiceErrorCodeCrosses() throws {
        let codes: [ServiceError.Code] = [
            .stopped, .initializerFailed, .spawnFailed, .timeout, .deadlock, .mailboxFull, .invalidOptions,
            .cooperativePoolExhausted, .network,
        ]
        for code in codes {
            let status = RemoteErrorMapping.status(for: ServiceError(code, service: "s", message: "m"))
            #expect((RemoteErrorMapping.clientError(for: status, service: "s") as? ServiceError)?.code == code)
        }
    }

    @Test func anUnavailableHostIsTheNetworkCode() {
        let error = RemoteErrorMapping.clientError(for: RPCError(code: .unavailable, message: "refused"), service: "s")
        #expect((error as? ServiceError)?.code == .network)
    }

    @Test func theHostAppliesTheCallersTimeLimitToTheLocalCall() async throws {
        let ledger = try Ledger.Service()
        let host = RemoteHost(transport: InProcessTransport().server)
        host.serve(ledger, as: "ledger")
        let hold = try #require(Ledger._remoteMethods.first { $0.name == "hold(_:)" })
        let envelope = RemoteEnvelope(
            service: "ledger", method: hold.name, signature: hold.signature,
            payload: try RemotePayload.encode(arguments: ["host-timeout"]))
        let error = await #expect(throws: RPCError.self) {
            try await host.handle(envelope, timeout: .milliseconds(100), castsOnly: false)
        }
        #expect(error?.metadata.first("nano-code") == "timeout")
        Gates.open("host-timeout")
    }

    @Test func aUserErrorIsRebuiltOnlyWhenListedEncodedAndDecodable() throws {
        struct Refused: Error, Codable, Equatable { let why: String }
        struct NotEncodable: Error, Decodable { let why: String }
        let listed = RemoteErrorTypes([Refused.self, NotEncodable.self])
        // Listed and encoded: the original value.
        let status = RemoteErrorMapping.status(for: Refused(why: "closed"))
        #expect(RemoteErrorMapping.clientError(for: status, service: "s", errorTypes: listed) as? Refused == Refused(why: "closed"))
        // Not listed: a RemoteError with the type's name, as before.
        let unlisted = RemoteErrorMapping.clientError(for: status, service: "s") as? RemoteError
        #expect(unlisted?.code == .userError)
        #expect(unlisted?.typeName == String(reflecting: Refused.self))
        // Not Encodable on the host: nothing to decode.
        let plain = RemoteErrorMapping.status(for: NotEncodable(why: "x"))
        #expect((RemoteErrorMapping.clientError(for: plain, service: "s", errorTypes: listed) as? RemoteError)?.code == .userError)
        // Listed, but what arrived does not decode (the declaration changed): a RemoteError.
        var changed = status
        changed.metadata.removeAllValues(forKey: "nano-error-bin")
        changed.metadata.addBinary(Array(#"{"reason":1}"#.utf8), forKey: "nano-error-bin")
        #expect((RemoteErrorMapping.clientError(for: changed, service: "s", errorTypes: listed) as? RemoteError)?.code == .userError)
    }
}
