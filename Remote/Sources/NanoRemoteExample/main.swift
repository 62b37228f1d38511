import Foundation
import GRPCNIOTransportHTTP2
import Logging
import NanoServices
import NanoServicesRemote
import ServiceLifecycle

// The two-process example of the README ("Across processes"):
//
//     swift run nano-remote-example host 7000      # serves a Tally as "tally" on 127.0.0.1:7000
//     swift run nano-remote-example client 7000    # adds to it remotely and prints the total
//
// The host runs until SIGTERM or SIGINT (graceful shutdown: calls in flight finish first).

/// Writes a line to standard output at once (unbuffered: a test reads it through a pipe).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// Serves a `Tally` as "tally" on 127.0.0.1:`port` until SIGTERM or SIGINT.
func runHost(port: Int, logger: Logger) async throws {
    let host = RemoteHost(
        transport: HTTP2ServerTransport.Posix(address: .ipv4(host: "127.0.0.1", port: port), transportSecurity: .plaintext),
        logger: logger
    )
    host.serve(try Tally.Service(), as: "tally")
    say("serving tally on 127.0.0.1:\(port)")
    let group = ServiceGroup(services: [host], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
    try await group.run()
}

/// Ten remote casts, then a remote call that sees them.
func runClient(port: Int, logger: Logger) async throws {
    let client = RemoteClient(
        transport: try HTTP2ClientTransport.Posix(target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: .plaintext),
        logger: logger
    )
    let running = Task { try await client.run() }
    let tally = client.handle(to: Tally.self, named: "tally", timeout: .seconds(5))
    for amount in 1...10 { tally.add(amount) }
    say("total: \(try await tally.current())")
    client.beginGracefulShutdown()
    try await running.value
}

let arguments = Array(CommandLine.arguments.dropFirst())
let logger = Logger(label: "nano-remote-example")
switch (arguments.first, arguments.count == 2 ? Int(arguments[1]) : nil) {
case ("host", let port?): try await runHost(port: port, logger: logger)
case ("client", let port?): try await runClient(port: port, logger: logger)
default:
    say("usage: nano-remote-example host|client PORT")
    exit(2)
}
