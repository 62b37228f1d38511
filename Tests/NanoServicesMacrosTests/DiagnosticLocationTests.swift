import NanoServicesMacros
import SwiftParser
import SwiftSyntax
import SwiftSyntaxMacroExpansion
import Testing

/// Every diagnostic points at syntax in the user's file. A node from a rewritten copy of the
/// tree (where `Self` was replaced) has positions but no file: the compiler reported it at
/// `<unknown>:0`. `BasicMacroExpansionContext`, like the compiler, finds a location only
/// for nodes of the file it was given.
@Suite struct DiagnosticLocationTests {
    @Test(arguments: [
        ("public func consume(_ values: some Sequence<Int>) {}", "some Sequence<Int>"),
        ("public func values() -> some Sequence<Int> { [1] }", "some Sequence<Int>"),
        ("public func log(_ message: @autoclosure () -> String) {}", "@autoclosure"),
        ("public func enter(_ actor: isolated any Actor) {}", "isolated"),
        ("init(values: some Sequence<Int>) {}", "some Sequence<Int>"),
        ("init(message: @autoclosure () -> String) {}", "@autoclosure"),
        ("init(actor: isolated any Actor) {}", "isolated"),
    ])
    func diagnosticHasASourceLocation(member: String, offendingText: String) throws {
        let source = """
            @NanoService
            final class Probe {
                \(member)
            }
            """
        let file = Parser.parse(source: source)
        let context = BasicMacroExpansionContext(
            sourceFiles: [file: .init(moduleName: "App", fullFilePath: "Probe.swift")]
        )
        let declaration = try #require(file.statements.first?.item.as(ClassDeclSyntax.self))
        let attribute = try #require(declaration.attributes.first?.as(AttributeSyntax.self))
        _ = try NanoServiceMacro.expansion(
            of: attribute, providingMembersOf: declaration, conformingTo: [], in: context
        )

        let diagnostic = try #require(context.diagnostics.first)
        #expect(context.diagnostics.count == 1)
        let location = try #require(context.location(of: diagnostic.node, at: .afterLeadingTrivia, filePathMode: .filePath))
        #expect(location.file.description == "\"Probe.swift\"")
        #expect(location.line.description == "3")
        let column = try #require(Int(location.column.description))
        let expectedColumn = try #require(source.split(separator: "\n")[2].range(of: offendingText)).lowerBound
        #expect(column == source.split(separator: "\n")[2].distance(from: source.split(separator: "\n")[2].startIndex, to: expectedColumn) + 1)
    }
}
