import Instrumentation

/// The services a remote request waits behind: each is blocked in a remote call to the next,
/// and the last one made this request. A host that receives a request for a service in the
/// chain (or for a service blocked, locally, on one in the chain) would wait forever: the
/// request fails at once with ``ServiceError/Code/deadlock`` naming the cycle, as a local cycle
/// does. This is how a cycle of blocking calls that crosses processes (A → remote B → A) is
/// found without waiting for a timeout.
///
/// It travels with the request (the remote transport puts it in the call's metadata) and, on
/// the host, in the `ServiceContext` of the messages the request sends, so that the service's
/// own remote calls extend it. A service that does not hold itself while it waits (a
/// `@Reentrant` method) is not added: a request can still reach it.
///
/// Implementation detail of `NanoServicesRemote`. Thread safety: a value.
public struct _RemoteCallChain: Sendable, Hashable, Codable {
    /// One waiting service: an identifier unique across processes, and its name for messages.
    public struct Link: Sendable, Hashable, Codable {
        public var id: String
        public var name: String
    }

    public var links: [Link]

    public init(links: [Link] = []) { self.links = links }

    /// Identifies this process in links; random, fixed for the process's life.
    private static let processToken = String(UInt64.random(in: 1...UInt64.max), radix: 36)

    static func link(for service: _ServiceContext) -> Link {
        Link(id: "\(processToken)-\(service.identity)", name: service.name)
    }

    /// The chain an outgoing remote call from the calling code carries: the chain of the
    /// request being handled (from `ServiceContext.current`), plus the current service when it
    /// is held while the call waits (a blocking call on its thread, or a non-reentrant `async`
    /// method). Cost: a task-local and a thread-local read.
    public static var outgoing: _RemoteCallChain {
        var chain = ServiceContext.current?._remoteCallChain ?? _RemoteCallChain()
        if let service = _ServiceContext.current, !service.isInReentrantMethod {
            chain.links.append(link(for: service))
        }
        return chain
    }

    /// The cycle a request along this chain to the service of `control` would close, as the
    /// services' names (first and last the same), or `nil` if the service can answer it.
    /// Follows the service's local blocking calls too. Any thread.
    public func cycle(closedBy control: ServiceControl) -> [String]? {
        guard !links.isEmpty else { return nil }
        var path: [String] = []
        var node: _ServiceContext? = control.core
        var hops = 0
        while let current = node, hops < 1_000 {
            path.append(current.name)
            let id = Self.link(for: current).id
            if let index = links.firstIndex(where: { $0.id == id }) {
                return links[index...].map(\.name) + path
            }
            node = current.blockedOn()
            hops += 1
        }
        return nil
    }
}

/// The key of the chain in a `ServiceContext`.
private enum RemoteCallChainKey: ServiceContextKey {
    typealias Value = _RemoteCallChain
    static var nameOverride: String? { "nano-remote-call-chain" }
}

extension ServiceContext {
    /// The remote call chain the current request travels along (see ``_RemoteCallChain``).
    /// Implementation detail of `NanoServicesRemote`.
    public var _remoteCallChain: _RemoteCallChain? {
        get { self[RemoteCallChainKey.self] }
        set { self[RemoteCallChainKey.self] = newValue }
    }
}

extension ServiceHandle {
    /// Makes the service's messages carry their sender's `ServiceContext` even when no
    /// instrument is bootstrapped: a remote host needs it to see cycles of remote calls. Costs
    /// each send a task-local read (about 10 ns). Any thread. Implementation detail of
    /// `NanoServicesRemote`.
    public func _carryCallerContext() {
        _$runtime.core.carriesContextFlag.store(true, ordering: .relaxed)
    }
}
