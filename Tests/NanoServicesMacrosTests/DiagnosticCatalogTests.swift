import Foundation
@testable import NanoServicesMacros
import SwiftDiagnostics
import SwiftParser
import SwiftSyntax
import Testing

/// Properties of the diagnostics as a whole, checked on the parser directly.
struct DiagnosticCatalogTests {
    /// Parses `source` (one type declaration) and returns the macro's diagnostic messages.
    private func diagnosticMessages(_ source: String) throws -> [String] {
        let file = Parser.parse(source: source)
        let declaration = try #require(file.statements.first?.item.as(DeclSyntax.self)?.asProtocol(DeclGroupSyntax.self))
        var parser = ServiceModelParser()
        _ = parser.parse(declaration)
        return parser.diagnostics.map(\.message)
    }

    @Test(arguments: HandleMembers.reservedNames.sorted())
    func everyHandleMemberNameCollides(name: String) throws {
        let messages = try diagnosticMessages(
            """
            final class Machine {
                public func \(name)() {}
            }
            """
        )
        #expect(messages == ["public method '\(name)' collides with the handle's own '\(name)'; rename it"])
    }

    /// docs/MACRO-EXPANSION.md quotes these messages; the quotes must be what is emitted.
    @Test(arguments: [
        NanoServiceDiagnostic.actorType(typeName: "X"),
        .nonFinalClass(typeName: "X"),
        .inoutParameter(parameterName: "x"),
        .genericMethod(methodName: "f"),
        .collidesWithHandle(methodName: "control"),
        .castReturnsValue(methodName: "f"),
        .redundantCast(methodName: "f"),
    ])
    func documentedMessagesAreTheEmittedOnes(diagnostic: NanoServiceDiagnostic) throws {
        let documentation = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/MACRO-EXPANSION.md")
        let text = try String(contentsOf: documentation, encoding: .utf8)
        #expect(text.contains("`\(diagnostic.message)`"))
    }

    @Test func nonPublicMethodsMayUseHandleMemberNames() throws {
        let messages = try diagnosticMessages(
            """
            final class Machine {
                func control() {}
                private func timingOut() -> String { "" }
            }
            """
        )
        #expect(messages.isEmpty)
    }

    @Test func diagnosticIdentifiersAreStableAndDistinct() {
        let diagnostics: [NanoServiceDiagnostic] = [
            .actorType(typeName: "A"),
            .unsupportedDeclaration(kind: "enum", name: "E"),
            .nonFinalClass(typeName: "C"),
            .memberwiseInitializerNeeded(typeName: "S"),
            .inoutParameter(parameterName: "x"),
            .genericMethod(methodName: "f"),
            .asyncMethod(methodName: "f"),
            .asyncInitializer(initializerName: "init()"),
            .collidesWithHandle(methodName: "control"),
            .redundantCall(methodName: "f", reason: .returnsValue),
            .redundantCast(methodName: "f"),
            .castReturnsValue(methodName: "f"),
            .callAndCast(methodName: "f"),
            .markerWithoutEffect(marker: "Call", methodName: "f", reason: "r"),
            .markerOutsideService(marker: "Call"),
            .markerOnNonMethod(marker: "Call"),
            .cannotForward(methodName: "f", reason: "r"),
            .globalActorMethod(methodName: "f", actorName: "MainActor"),
            .globalActorType(typeName: "C", actorName: "MainActor"),
            .propertyNotForwarded(propertyName: "p", typeDescription: "Int"),
            .subscriptNotForwarded,
        ]
        let identifiers = diagnostics.map(\.diagnosticID)
        #expect(Set(identifiers).count == diagnostics.count)
        #expect(diagnostics.allSatisfy { $0.diagnosticID == MessageID(domain: "NanoServices", id: $0.identifier) })
        #expect(NanoServiceDiagnostic.redundantCall(methodName: "f", reason: .throwsError).diagnosticID
            == NanoServiceDiagnostic.redundantCall(methodName: "g", reason: .returnsValue).diagnosticID)
    }

    @Test func onlyMarkerMisuseIsAWarning() {
        #expect(NanoServiceDiagnostic.redundantCall(methodName: "f", reason: .returnsValue).severity == .warning)
        #expect(NanoServiceDiagnostic.redundantCast(methodName: "f").severity == .warning)
        #expect(NanoServiceDiagnostic.markerWithoutEffect(marker: "Call", methodName: "f", reason: "r").severity == .warning)
        #expect(NanoServiceDiagnostic.markerOutsideService(marker: "Call").severity == .warning)
        #expect(NanoServiceDiagnostic.nonFinalClass(typeName: "C").severity == .error)
        #expect(NanoServiceDiagnostic.callAndCast(methodName: "f").severity == .error)
    }

    /// Members that are simply not forwarded warn (the code compiles); a global actor, which
    /// would break the generated code, is an error.
    @Test func unforwardedMembersWarnAndGlobalActorsAreErrors() {
        #expect(NanoServiceDiagnostic.propertyNotForwarded(propertyName: "p", typeDescription: "Int").severity == .warning)
        #expect(NanoServiceDiagnostic.subscriptNotForwarded.severity == .warning)
        #expect(NanoServiceDiagnostic.globalActorMethod(methodName: "f", actorName: "MainActor").severity == .error)
        #expect(NanoServiceDiagnostic.globalActorType(typeName: "C", actorName: "MainActor").severity == .error)
    }
}
