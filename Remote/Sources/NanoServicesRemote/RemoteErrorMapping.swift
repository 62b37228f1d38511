import Foundation
import GRPCCore
import NanoServices

/// How errors cross the wire: as a gRPC status whose metadata says what the error was, so that
/// the client can rebuild it. Keys: `nano-error-kind` (`service`, `user` or `rejected`), then
/// `nano-code` (a ``ServiceError/Code`` or ``RemoteError/Code`` name), `nano-service`,
/// `nano-cycle` (a deadlock's cycle, comma-separated), `nano-type` (a user error's type) and
/// `nano-error-bin` (a user error that is `Encodable`, as JSON, so that a client that knows
/// the type can throw it as itself).
enum RemoteErrorMapping {
    /// The status the host sends for `error`, thrown while handling a request.
    static func status(for error: any Error) -> RPCError {
        var metadata = Metadata()
        switch error {
        case let error as ServiceError:
            metadata.addString("service", forKey: "nano-error-kind")
            metadata.addString(error.code.description, forKey: "nano-code")
            metadata.addString(error.serviceName, forKey: "nano-service")
            if !error.cycle.isEmpty { metadata.addString(error.cycle.joined(separator: ","), forKey: "nano-cycle") }
            let code: RPCError.Code = error.code == .timeout ? .deadlineExceeded : .aborted
            return RPCError(code: code, message: error.message, metadata: metadata)
        case let error as RemoteError where error.code != .userError:
            metadata.addString("rejected", forKey: "nano-error-kind")
            metadata.addString(error.code.description, forKey: "nano-code")
            return RPCError(code: rpcCode(for: error.code), message: error.message, metadata: metadata)
        default:
            metadata.addString("user", forKey: "nano-error-kind")
            metadata.addString(RemoteError.Code.userError.description, forKey: "nano-code")
            let typeName = (error as? RemoteError)?.typeName ?? String(reflecting: type(of: error))
            metadata.addString(typeName, forKey: "nano-type")
            if let encodable = error as? any Encodable, let json = try? JSONEncoder().encode(encodable) {
                metadata.addBinary(Array(json), forKey: "nano-error-bin")
            }
            return RPCError(code: .unknown, message: String(describing: error), metadata: metadata)
        }
    }

    private static func rpcCode(for code: RemoteError.Code) -> RPCError.Code {
        switch code {
        case .unknownService: .notFound
        case .unknownMethod: .unimplemented
        case .signatureMismatch: .failedPrecondition
        case .malformedMessage: .invalidArgument
        default: .internalError
        }
    }

    /// The error a client throws for a failed RPC to `service`: the host's ``ServiceError`` or
    /// ``RemoteError`` rebuilt from the metadata; ``ServiceError/Code/timeout`` for an expired
    /// deadline; ``ServiceError/Code/network`` when the host could not be reached or the
    /// connection broke; `CancellationError` when the calling task was cancelled. A user error
    /// whose type is in `errorTypes` (keyed by
    /// `String(reflecting:)`) and arrived encoded is thrown as that type.
    static func clientError(for error: RPCError, service: String, errorTypes: RemoteErrorTypes = RemoteErrorTypes()) -> any Error {
        let kind = error.metadata.first("nano-error-kind")
        let code = error.metadata.first("nano-code") ?? ""
        // The caller's task was cancelled and the host said nothing: as locally. (The
        // transport reports it as `.cancelled` or, in process, as `.unknown`.)
        if kind == nil && Task.isCancelled && error.code != .deadlineExceeded { return CancellationError() }
        switch kind {
        case "service":
            let host = error.metadata.first("nano-service") ?? service
            let cycle = error.metadata.first("nano-cycle")?.split(separator: ",").map(String.init) ?? []
            guard let serviceCode = ServiceError.Code(remoteName: code) else {
                return RemoteError(.unexpectedStatus, "the host failed with ServiceError.\(code): \(error.message)")
            }
            return ServiceError(serviceCode, service: host, message: error.message, cycle: cycle)
        case "user":
            let typeName = error.metadata.first("nano-type")
            if let typeName, let decode = errorTypes.decoder(named: typeName) {
                var encoded = error.metadata[binaryValues: "nano-error-bin"].makeIterator()
                if let json = encoded.next(), let original = try? decode(Data(json)) { return original }
            }
            return RemoteError(.userError, error.message, typeName: typeName)
        case "rejected":
            return RemoteError(RemoteError.Code(wireName: code) ?? .unexpectedStatus, error.message)
        default:
            switch error.code {
            case .deadlineExceeded:
                return ServiceError(.timeout, service: service, message: "the host did not answer before the deadline")
            case .unavailable, .cancelled:
                return ServiceError(.network, service: service, message: "host unreachable or connection broken: \(error.message)")
            default:
                return RemoteError(.unexpectedStatus, "gRPC status \(error.code): \(error.message)")
            }
        }
    }
}

extension Metadata {
    /// The first string value for `key`, if any.
    func first(_ key: String) -> String? {
        var iterator = self[stringValues: key].makeIterator()
        return iterator.next()
    }
}
