import SwiftCompilerPlugin
import SwiftSyntaxMacros

/// The compiler plug-in that implements the macros declared in `NanoServices`.
@main
struct NanoServicesPlugin: CompilerPlugin {
    let providingMacros: [any Macro.Type] = [
        NanoServiceMacro.self,
        CallMacro.self,
        CastMacro.self,
        ServiceInterfaceMacro.self,
        ReentrantMacro.self,
        RemoteServiceMacro.self,
        LocalOnlyMacro.self,
    ]
}
