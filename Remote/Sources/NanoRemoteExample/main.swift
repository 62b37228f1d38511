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
let arguments = CommandLine.arguments.dropFirst()
guard arguments.count == 2, let mode = arguments.first, let port = Int(arguments.last!) else {
    print("usage: nano-remote-example host|client PORT")
    exit(2)
}
setvbuf(stdout, nil, _IOLBF, 0)
let logger = Logger(label: "nano-remote-example")

switch mode {
case "host":
    let host = RemoteHost(
        transport: HTTP2ServerTransport.Posix(address: .ipv4(host: "127.0.0.1", port: port), transportSecurity: .plaintext),
        logger: logger
    )
    host.serve(try Tally.Service(), as: "tally")
    print("serving tally on 127.0.0.1:\(port)")
    let group = ServiceGroup(services: [host], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
    try await group.run()
case "client":
    let client = RemoteClient(
        transport: try HTTP2ClientTransport.Posix(target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: .plaintext),
        logger: logger
    )
    let running = Task { try await client.run() }
    let tally = client.handle(to: Tally.self, named: "tally", timeout: .seconds(5))
    for amount in 1...10 { tally.add(amount) }
    print("total: \(try await tally.current())")
    client.beginGracefulShutdown()
    try await running.value
default:
    print("usage: nano-remote-example host|client PORT")
    exit(2)
}
