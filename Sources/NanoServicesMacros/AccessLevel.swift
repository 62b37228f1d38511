import SwiftSyntax

/// A Swift access level, ordered from most to least restrictive (`open` counts as `public`).
enum AccessLevel: Int, Comparable {
    case `private`
    case `fileprivate`
    case `internal`
    case `package`
    case `public`

    /// The access level the modifiers spell, `internal` when they spell none.
    ///
    /// Setter-only modifiers such as `private(set)` are ignored.
    init(modifiers: DeclModifierListSyntax) {
        self = .internal
        for modifier in modifiers where modifier.detail == nil {
            switch modifier.name.tokenKind {
            case .keyword(.open), .keyword(.public): self = .public
            case .keyword(.package): self = .package
            case .keyword(.internal): self = .internal
            case .keyword(.fileprivate): self = .fileprivate
            case .keyword(.private): self = .private
            default: continue
            }
        }
    }

    /// Whether methods at this level are part of a service's interface.
    var isForwarded: Bool {
        self >= .package
    }

    /// The access level generated members of a type at this level get: never below
    /// `internal`, so the generated code is visible wherever the type is.
    var forGeneratedMembers: AccessLevel {
        max(self, .internal)
    }

    /// The modifier to write in generated code, followed by a space; empty for `internal`,
    /// which is the default.
    var sourcePrefix: String {
        switch self {
        case .public: "public "
        case .package: "package "
        case .internal: ""
        case .fileprivate: "fileprivate "
        case .private: "private "
        }
    }

    static func < (lhs: AccessLevel, rhs: AccessLevel) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
