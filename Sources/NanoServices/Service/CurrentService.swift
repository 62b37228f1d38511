import CNanoServicesShims

/// What the calling thread is, from the runtime's point of view.
public enum CurrentService {
    /// The name of the service whose thread runs the calling code, or `nil` when the caller
    /// is not on a service thread. Cost: one thread-local read.
    public static var name: String? {
        guard let raw = nano_current_service() else { return nil }
        return Unmanaged<_ServiceContext>.fromOpaque(raw).takeUnretainedValue().name
    }
}
