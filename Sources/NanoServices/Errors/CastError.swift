/// An error thrown by a fire-and-forget (`@Cast`) method, as given to the service's
/// ``ServiceOptions/onCastError`` handler. Nobody waits for a cast, so its error cannot
/// reach the sender; by default it is logged at `error` level on the service's logger.
public struct CastError: Error, CustomStringConvertible {
    /// The service whose method threw.
    public var serviceName: String
    /// The method, as written in Swift (`record(_:)`).
    public var method: String
    /// What the method threw, unchanged.
    public var underlying: any Error

    public var description: String {
        "cast '\(method)' on service '\(serviceName)' threw: \(underlying)"
    }
}
