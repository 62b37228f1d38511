/// The version hash of a remote method: FNV-1a (64 bits) of its declaration as written
/// (Swift name, parameter types, result type, throws, async, cast or call).
///
/// Client and host each compile it in; a host built from a changed declaration rejects the
/// request ("signature mismatch") instead of decoding arguments of another shape. Renaming a
/// type or writing `Array<Int>` for `[Int]` changes the hash too: that is deliberate, the
/// macro cannot tell that two spellings mean the same type.
enum RemoteSignature {
    /// The text hashed for `method`: `add(_:)|Int|Void|cast`.
    static func text(of method: ServiceMethod) -> String {
        let parameters = method.parameters.map(\.valueType).joined(separator: ",")
        let effects = (method.isAsync ? " async" : "") + (method.isThrowing ? " throws" : "")
        let kind = method.kind == .cast ? "cast" : "call"
        return "\(method.displayName)|\(parameters)|\(method.resultType ?? "Void")|\(kind)\(effects)"
    }

    /// The hash of ``text(of:)`` as a Swift literal, `0x1f2e...`.
    static func literal(of method: ServiceMethod) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text(of: method).utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let digits = String(hash, radix: 16)
        return "0x" + String(repeating: "0", count: 16 - digits.count) + digits
    }
}
