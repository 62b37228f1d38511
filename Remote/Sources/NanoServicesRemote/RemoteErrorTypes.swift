import Foundation

/// The error types a ``RemoteClient`` rebuilds as themselves when a remote method throws one:
/// the host sends an `Encodable` error as JSON beside its type name, and a client that lists
/// the type (`Decodable` as well) throws the decoded value instead of a
/// ``RemoteError`` with code ``RemoteError/Code/userError``.
///
/// ```swift
/// struct Overdrawn: Error, Codable { let missing: Int }
/// let client = RemoteClient(transport: transport, errorTypes: [Overdrawn.self])
/// do { try await ledger.withdraw(50) } catch let error as Overdrawn { print(error.missing) }
/// ```
///
/// Types are matched by their full name (`String(reflecting:)`, for example
/// `"Bank.Overdrawn"`), so client and host must declare the type in modules of the same name.
/// An error whose type is not listed, is not `Encodable` on the host, or does not decode
/// (a changed declaration) arrives as a ``RemoteError`` with its type name and description,
/// as before. Thread safety: a value; immutable.
public struct RemoteErrorTypes: Sendable {
    private let decoders: [String: @Sendable (Data) throws -> any Error]

    /// Rebuild errors of these types.
    public init(_ types: [any (Error & Decodable).Type] = []) {
        var decoders: [String: @Sendable (Data) throws -> any Error] = [:]
        for type in types { decoders[String(reflecting: type)] = Self.decoder(for: type) }
        self.decoders = decoders
    }

    private static func decoder<E: Error & Decodable>(for type: E.Type) -> @Sendable (Data) throws -> any Error {
        { try JSONDecoder().decode(E.self, from: $0) }
    }

    /// The decoder of the listed type named `name`, if any.
    func decoder(named name: String) -> (@Sendable (Data) throws -> any Error)? {
        decoders[name]
    }
}
