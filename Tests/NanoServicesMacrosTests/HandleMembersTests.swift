import Foundation
@testable import NanoServicesMacros
import SwiftParser
import SwiftSyntax
import Testing

/// `HandleMembers` is the macros' picture of `ServiceHandle`; these tests compare it with the
/// real protocol and its extensions, read from the library's source, so that a member added to
/// the handle without updating the reserved list fails here instead of in a user's build.
struct HandleMembersTests {
    /// Every `public` instance member of `protocol ServiceHandle` and `extension ServiceHandle`
    /// in `Sources/NanoServices`, by base name, with the type of each property.
    private static func declaredHandleMembers() throws -> [String: String?] {
        let library = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/NanoServices")
        let files = try #require(FileManager.default.enumerator(at: library, includingPropertiesForKeys: nil))
        var members: [String: String?] = [:]
        for case let url as URL in files where url.pathExtension == "swift" {
            let file = Parser.parse(source: try String(contentsOf: url, encoding: .utf8))
            for statement in file.statements {
                let block: MemberBlockSyntax? =
                    if let protocolDeclaration = statement.item.as(ProtocolDeclSyntax.self),
                        protocolDeclaration.name.text == "ServiceHandle"
                    {
                        protocolDeclaration.memberBlock
                    } else if let extensionDeclaration = statement.item.as(ExtensionDeclSyntax.self),
                        extensionDeclaration.extendedType.trimmedDescription == "ServiceHandle"
                    {
                        extensionDeclaration.memberBlock
                    } else {
                        nil
                    }
                for member in block?.members ?? [] {
                    // Static members (`Service.unownedCurrent`) live on the type, where no
                    // forwarded instance method can collide with them.
                    if member.decl.asProtocol(WithModifiersSyntax.self)?.modifiers
                        .contains(where: { $0.name.tokenKind == .keyword(.static) }) == true
                    {
                        continue
                    }
                    if let function = member.decl.as(FunctionDeclSyntax.self) {
                        members[function.name.text] = .some(nil)
                    } else if let variable = member.decl.as(VariableDeclSyntax.self) {
                        for binding in variable.bindings {
                            members[binding.pattern.trimmedDescription] = binding.typeAnnotation?.type.trimmedDescription
                        }
                    }
                }
            }
        }
        // `_$runtime`, `init(_$runtime:)` and `_Message` are implementation details whose `_`
        // prefix no user method can collide with by accident.
        return members.filter { !$0.key.hasPrefix("_") }
    }

    @Test func reservedNamesAreExactlyTheHandlesOwnMembers() throws {
        let declared = try Self.declaredHandleMembers()
        #expect(Set(declared.keys) == HandleMembers.reservedNames)
    }

    @Test func requirablePropertiesAreHandlePropertiesOfTheDocumentedType() throws {
        let declared = try Self.declaredHandleMembers()
        for (name, type) in HandleMembers.requirableProperties {
            #expect(declared[name] == .some(type))
        }
    }
}
