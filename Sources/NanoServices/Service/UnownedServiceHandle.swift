/// Handles that do not keep their service running.
///
/// A service stops gracefully when the last handle to it is released. A service that stores a
/// handle to *itself* (to cast to itself later, to hand itself to a timer or a topic) therefore
/// never stops that way: its own handle is always there. Store an unowned handle instead:
///
/// ```swift
/// @NanoService
/// final class Ticker {
///     private let me: Ticker.Service
///     init() { me = Ticker.Service.unownedCurrent! }   // runs on the service's thread
///     public func tick() { ...; me.tick() }              // casts to itself
/// }
/// ```
///
/// An unowned handle is a full handle (casts, calls, `control`, `timingOut(after:)`), but
/// it does not count as a reference: once every owning handle is released the service stops,
/// and later sends through an unowned handle behave like sends to any stopped service (casts
/// are dropped and counted, calls throw ``ServiceError/Code/stopped``). It never dangles.
/// `handle.control.isUnowned` tells the two kinds apart.
extension ServiceHandle {
    /// An unowned handle to the service whose thread runs the calling code: its initializer,
    /// its methods (also `async` ones, between their `await`s), on its own thread or on a pool
    /// slice. `nil` when called anywhere else, or on a service of another type.
    ///
    /// Cost: one thread-local read, a type check and one small allocation.
    public static var unownedCurrent: Self? {
        guard let core = _ServiceContext.current as? ServiceCore<_Message> else { return nil }
        return Self(_$runtime: _ServiceRuntime(core: core, owning: false))
    }
}
