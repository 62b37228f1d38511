import SwiftSyntax

extension ServiceModelParser {
    /// Reads one method. Returns `nil` when it is not forwarded, either by design (not
    /// public, static) or because of an error, which is then diagnosed.
    mutating func parseMethod(_ function: FunctionDeclSyntax, conditions: [String]) -> ServiceMethod? {
        let name = function.name.bareName
        let markers = Markers(function.attributes)
        let access = AccessLevel(modifiers: function.modifiers)
        let isStatic = function.modifiers.contains(.static) || function.modifiers.contains(.class)
        guard access.isForwarded, !isStatic else {
            let reason = isStatic ? "static methods are not forwarded" : "only public methods are forwarded"
            for (attribute, marker) in markers.all {
                diagnose(
                    attribute,
                    .markerWithoutEffect(marker: marker, methodName: name, reason: reason),
                    fixIts: [NanoServiceFixIts.remove(attribute, named: marker)]
                )
            }
            return nil
        }

        var isForwardable = true
        if HandleMembers.reservedNames.contains(name) {
            diagnose(function.name, .collidesWithHandle(methodName: name))
            isForwardable = false
        }
        if let generics = function.genericParameterClause {
            diagnose(generics, .genericMethod(methodName: name))
            isForwardable = false
        }
        if !diagnoseGlobalActors(function.attributes, ownerName: name) {
            isForwardable = false
        }
        let effects = function.signature.effectSpecifiers
        let asyncSpecifier = effects?.asyncSpecifier
        if let asyncSpecifier, isStructTarget {
            diagnose(asyncSpecifier, .asyncMethod(methodName: name))
            isForwardable = false
        }
        if let reentrant = markers.reentrant, asyncSpecifier == nil {
            diagnose(
                reentrant, .reentrantWithoutAsync(methodName: name),
                fixIts: [NanoServiceFixIts.remove(reentrant, named: "Reentrant")])
        }
        let throwsSpecifier = effects?.throwsClause?.throwsSpecifier
        if let throwsSpecifier, throwsSpecifier.tokenKind == .keyword(.rethrows) {
            diagnose(
                throwsSpecifier,
                .cannotForward(methodName: name, reason: "'rethrows' depends on a closure argument; use 'throws'")
            )
            isForwardable = false
        }
        let parameters = parseParameters(function.signature.parameterClause, ownerName: name)
        let result = function.signature.returnClause.map { WrittenType($0.type, typeName: typeName) }
        if let opaque = result?.opaqueType {
            diagnose(
                opaque,
                .cannotForward(
                    methodName: name,
                    reason: "an opaque result type cannot be carried back to the caller; return a concrete or 'any' type"
                )
            )
            isForwardable = false
        }

        let isThrowing = throwsSpecifier != nil
        let returnsValue = !HandleMembers.returnsNothing(function.signature.returnClause)
        guard
            let kind = checkMarkers(
                markers, methodName: name, returnsValue: returnsValue, isThrowing: isThrowing, isAsync: asyncSpecifier != nil),
            isForwardable, let parameters
        else { return nil }

        return ServiceMethod(
            name: function.name.text,
            bareName: name,
            caseName: function.name.text,
            displayName: Self.displayName(name, function.signature.parameterClause),
            kind: kind,
            isThrowing: isThrowing,
            isAsync: asyncSpecifier != nil,
            isReentrant: asyncSpecifier != nil && markers.reentrant != nil,
            parameters: parameters,
            resultType: returnsValue ? result?.valueType.trimmedDescription : nil,
            resultMetatypeBase: returnsValue ? result?.metatypeBase : nil,
            resultIsSending: result?.isSending ?? false,
            accessLevel: min(access, typeAccessLevel),
            hasDiscardableResult: !function.attributes.attributes(named: "discardableResult").isEmpty,
            documentation: function.documentationLines,
            availability: Availability(function.attributes),
            conditions: conditions
        )
    }

    /// What became of an initializer.
    enum InitializerOutcome {
        /// Private: not forwarded, by design.
        case notForwarded
        case forwarded(ServiceInitializer)
        /// Diagnosed: the handle declares it unavailable.
        case rejected(RejectedInitializer)
    }

    /// Reads one initializer: forwarded, not forwarded (private), or rejected with a
    /// diagnostic.
    mutating func parseInitializer(_ initializer: InitializerDeclSyntax, conditions: [String]) -> InitializerOutcome {
        let access = AccessLevel(modifiers: initializer.modifiers)
        guard access >= .internal else { return .notForwarded }
        let name = Self.displayName("init", initializer.signature.parameterClause)

        var isForwardable = true
        if let generics = initializer.genericParameterClause {
            diagnose(generics, .genericMethod(methodName: name))
            isForwardable = false
        }
        if !diagnoseGlobalActors(initializer.attributes, ownerName: name) {
            isForwardable = false
        }
        let effects = initializer.signature.effectSpecifiers
        if let asyncSpecifier = effects?.asyncSpecifier {
            diagnose(asyncSpecifier, .asyncInitializer(initializerName: name))
            isForwardable = false
        }
        let throwsSpecifier = effects?.throwsClause?.throwsSpecifier
        if let throwsSpecifier, throwsSpecifier.tokenKind == .keyword(.rethrows) {
            diagnose(
                throwsSpecifier,
                .cannotForward(methodName: name, reason: "'rethrows' depends on a closure argument; use 'throws'")
            )
            isForwardable = false
        }
        guard let parameters = parseParameters(initializer.signature.parameterClause, ownerName: name),
            isForwardable
        else {
            let selfReplacer = SelfReplacer(typeName: typeName)
            return .rejected(
                RejectedInitializer(
                    displayName: name,
                    genericParameters: initializer.genericParameterClause.map { selfReplacer.rewrite($0).trimmedDescription } ?? "",
                    parameters: initializer.signature.parameterClause.parameters.map {
                        selfReplacer.rewrite($0.with(\.trailingComma, nil)).trimmedDescription
                    },
                    whereClause: initializer.genericWhereClause.map { " \(selfReplacer.rewrite($0).trimmedDescription)" } ?? "",
                    accessLevel: min(access, typeAccessLevel),
                    conditions: conditions
                )
            )
        }

        return .forwarded(
            ServiceInitializer(
                displayName: name,
                parameters: parameters,
                isThrowing: throwsSpecifier != nil,
                isFailable: initializer.optionalMark != nil,
                accessLevel: min(access, typeAccessLevel),
                documentation: initializer.documentationLines,
                availability: Availability(initializer.attributes),
                conditions: conditions
            )
        )
    }

    /// Diagnoses a global actor attribute (`@MainActor`, or a custom attribute whose name
    /// ends in `Actor`, the naming convention of global actors; the macro cannot see
    /// declarations elsewhere) on a forwarded method or initializer: it would isolate code
    /// that runs on the service's thread. Returns `false` when there was one.
    private mutating func diagnoseGlobalActors(_ attributes: AttributeListSyntax, ownerName: String) -> Bool {
        var isForwardable = true
        for attribute in attributes.globalActorAttributes {
            let attributeName = attribute.baseName ?? "MainActor"
            diagnose(
                attribute,
                .globalActorMethod(methodName: ownerName, actorName: attributeName),
                fixIts: [NanoServiceFixIts.remove(attribute, named: attributeName)]
            )
            isForwardable = false
        }
        return isForwardable
    }

    /// Checks the `@Call`/`@Cast` markers and decides the method's kind; `nil` on an error.
    private mutating func checkMarkers(
        _ markers: Markers,
        methodName name: String,
        returnsValue: Bool,
        isThrowing: Bool,
        isAsync: Bool
    ) -> ServiceMethodKind? {
        if let call = markers.call, let cast = markers.cast {
            let later = call.position > cast.position ? call : cast
            diagnose(later, .callAndCast(methodName: name))
            return nil
        }
        if let cast = markers.cast {
            if returnsValue {
                diagnose(cast, .castReturnsValue(methodName: name), fixIts: [NanoServiceFixIts.remove(cast, named: "Cast")])
                return nil
            }
            if !isThrowing && !isAsync {
                diagnose(cast, .redundantCast(methodName: name), fixIts: [NanoServiceFixIts.remove(cast, named: "Cast")])
            }
        }
        if let call = markers.call, returnsValue || isThrowing || isAsync {
            let reason: NanoServiceDiagnostic.CallReason = returnsValue ? .returnsValue : isThrowing ? .throwsError : .isAsync
            diagnose(call, .redundantCall(methodName: name, reason: reason), fixIts: [NanoServiceFixIts.remove(call, named: "Call")])
        }
        return HandleMembers.kind(
            returnsValue: returnsValue, isThrowing: isThrowing, isAsync: isAsync,
            markedCall: markers.call != nil, markedCast: markers.cast != nil)
    }

    /// The full Swift name of a function: `add(_:)`, `init(start:)`.
    static func displayName(_ baseName: String, _ parameters: FunctionParameterClauseSyntax) -> String {
        let labels = parameters.parameters.map { "\($0.firstName.bareName):" }.joined()
        return "\(baseName)(\(labels))"
    }
}

/// The `@Call` and `@Cast` attributes of a method.
private struct Markers {
    let call: AttributeSyntax?
    let cast: AttributeSyntax?
    let reentrant: AttributeSyntax?

    init(_ attributes: AttributeListSyntax) {
        call = attributes.attributes(named: "Call").first
        cast = attributes.attributes(named: "Cast").first
        reentrant = attributes.attributes(named: "Reentrant").first
    }

    /// Every marker with its name, in source order.
    var all: [(AttributeSyntax, String)] {
        [(call, "Call"), (cast, "Cast"), (reentrant, "Reentrant")]
            .compactMap { attribute, name in attribute.map { ($0, name) } }
            .sorted { $0.0.position < $1.0.position }
    }
}
