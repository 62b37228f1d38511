@testable import NanoServicesMacros
import SwiftDiagnostics
import Testing

/// The `@ServiceInterface` diagnostics as a catalog: stable, distinct identifiers.
struct ServiceInterfaceCatalogTests {
    @Test func identifiersAreStableAndDistinct() {
        let diagnostics: [ServiceInterfaceDiagnostic] = [
            .notAProtocol(kind: "a class"),
            .requirementMustThrow(requirement: "f"),
            .typedThrows(requirement: "f"),
            .cannotImplement(requirement: "f", reason: "r"),
            .propertyRequirement(name: "p"),
            .interfaceArgument(written: "P"),
        ]
        let identifiers = diagnostics.map(\.identifier)
        #expect(identifiers == [
            "interface-not-a-protocol", "interface-requirement-must-throw", "interface-typed-throws",
            "interface-cannot-implement", "interface-property-requirement", "interface-argument",
        ])
        #expect(Set(identifiers).count == identifiers.count)
        // The `interface-` prefix keeps them apart from `NanoServiceDiagnostic`'s identifiers.
        #expect(identifiers.allSatisfy { $0.hasPrefix("interface-") })
        #expect(diagnostics.allSatisfy { $0.diagnosticID == MessageID(domain: "NanoServices", id: $0.identifier) && $0.severity == .error })
    }
}
