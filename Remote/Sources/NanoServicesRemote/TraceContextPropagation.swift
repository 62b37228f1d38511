import GRPCCore
import Instrumentation

/// Carries the sender's trace context (swift-distributed-tracing's `ServiceContext`) across
/// the wire, with whatever instrument the process bootstrapped (`InstrumentationSystem`):
///
/// * a call's context goes in the gRPC request's metadata, under the keys the instrument
///   writes, where a gRPC-aware proxy or tracing interceptor sees it too;
/// * a cast's context goes in its envelope: the casts of one handle share one stream, so each
///   carries its own.
///
/// On the host, the extracted context is current while the request is handed to the local
/// service, which carries it to the method (see the README's "Tracing"), so a span the method
/// starts is a child of the caller's span: one trace across both processes.
/// Cost: nothing when the sender has no `ServiceContext`; otherwise what the instrument's
/// `inject`/`extract` cost. Thread safety: stateless.
enum TraceContextPropagation {
    /// Adds the current context to a call's metadata. Caller's task or thread.
    static func inject(into metadata: inout Metadata, context: ServiceContext? = ServiceContext.current) {
        guard let context else { return }
        InstrumentationSystem.instrument.inject(context, into: &metadata, using: MetadataInjector())
    }

    /// The current context as envelope fields (empty without a context). Caller's thread.
    static func fields(context: ServiceContext? = ServiceContext.current) -> [TraceField] {
        guard let context else { return [] }
        var fields: [TraceField] = []
        InstrumentationSystem.instrument.inject(context, into: &fields, using: FieldInjector())
        return fields
    }

    /// The context a call's metadata carries, or `nil` when it carries none.
    static func context(from metadata: Metadata) -> ServiceContext? {
        var context = ServiceContext.topLevel
        InstrumentationSystem.instrument.extract(metadata, into: &context, using: MetadataExtractor())
        return context.isEmpty ? nil : context
    }

    /// The context a cast's envelope carries, or `nil` when it carries none.
    static func context(from fields: [TraceField]) -> ServiceContext? {
        guard !fields.isEmpty else { return nil }
        var context = ServiceContext.topLevel
        InstrumentationSystem.instrument.extract(fields, into: &context, using: FieldExtractor())
        return context.isEmpty ? nil : context
    }

    /// Runs `body` with `context` current, or as it is when there is none.
    static func withContext<Value: Sendable>(
        _ context: ServiceContext?, _ body: () async throws -> Value
    ) async throws -> Value {
        guard let context else { return try await body() }
        return try await ServiceContext.withValue(context) { try await body() }
    }
}

private struct MetadataInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout Metadata) {
        carrier.replaceOrAddString(value, forKey: key)
    }
}

private struct MetadataExtractor: Extractor {
    func extract(key: String, from carrier: Metadata) -> String? {
        carrier.first(key)
    }
}

private struct FieldInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [TraceField]) {
        carrier.removeAll { $0.key == key }
        carrier.append(TraceField(key: key, value: value))
    }
}

private struct FieldExtractor: Extractor {
    func extract(key: String, from carrier: [TraceField]) -> String? {
        carrier.first { $0.key == key }?.value
    }
}
