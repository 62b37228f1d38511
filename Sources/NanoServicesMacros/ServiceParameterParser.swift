import SwiftSyntax

extension ServiceModelParser {
    /// Reads the parameters of a forwarded method or initializer named `ownerName`. Returns
    /// `nil` when one of them cannot cross to the service's thread (each such parameter is
    /// diagnosed).
    mutating func parseParameters(
        _ clause: FunctionParameterClauseSyntax,
        ownerName: String
    ) -> [ServiceParameter]? {
        var parameters: [ServiceParameter] = []
        var allForwardable = true
        for (position, parameter) in clause.parameters.enumerated() {
            if let forwarded = parseParameter(parameter, position: position, ownerName: ownerName) {
                parameters.append(forwarded)
            } else {
                allForwardable = false
            }
        }
        return allForwardable ? parameters : nil
    }

    private mutating func parseParameter(
        _ parameter: FunctionParameterSyntax,
        position: Int,
        ownerName: String
    ) -> ServiceParameter? {
        let nameToken = parameter.secondName ?? parameter.firstName
        let isUnnamed = nameToken.tokenKind == .wildcard
        let shownName = isUnnamed ? "#\(position + 1)" : "'\(nameToken.bareName)'"
        let type = WrittenType(parameter.type, typeName: typeName)

        if type.isInout {
            diagnose(parameter, .inoutParameter(parameterName: nameToken.bareName))
            return nil
        }
        let problem: (node: Syntax, reason: String)? =
            if let isolated = type.isolatedSpecifier {
                (Syntax(isolated), "'isolated' parameter \(shownName) would tie it to the caller's actor, not the service's thread")
            } else if let ellipsis = parameter.ellipsis {
                (Syntax(ellipsis), "variadic parameter \(shownName) cannot be passed on; take an array")
            } else if let autoclosure = type.autoclosureAttribute {
                (Syntax(autoclosure), "'@autoclosure' parameter \(shownName) would be evaluated on the service's thread; take a value")
            } else if let opaque = type.opaqueType {
                (Syntax(opaque), "opaque parameter type '\(opaque.trimmedDescription)' cannot be stored in a message; use a concrete or 'any' type")
            } else {
                nil
            }
        if let problem {
            diagnose(problem.node, .cannotForward(methodName: ownerName, reason: problem.reason))
            return nil
        }

        let defaultValue = parameter.defaultValue.map {
            SelfReplacer(typeName: typeName).rewrite($0.value).trimmedDescription
        }
        let label = parameter.firstName.tokenKind == .wildcard ? nil : parameter.firstName
        return ServiceParameter(
            label: label?.text,
            callLabel: label.map(Self.callLabel),
            name: isUnnamed ? "_$\(position)" : nameToken.text,
            signatureType: type.signatureType,
            valueType: type.valueType.trimmedDescription,
            metatypeBase: type.metatypeBase,
            ownership: type.isSending ? .sending
                : type.isConsuming ? .consuming
                : type.isBorrowing ? .borrowing : .plain,
            isWrittenConsuming: type.isConsuming,
            defaultValue: defaultValue,
            descriptionForCheck: "parameter \(shownName)"
        )
    }

    /// A label as written in a call: backticks only for the keywords that need them there.
    private static func callLabel(_ label: TokenSyntax) -> String {
        ["inout", "var", "let"].contains(label.bareName) ? label.text : label.bareName
    }
}
