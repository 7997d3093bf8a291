/// A membership test of a character class that ranges cannot express compactly: Unicode general categories
/// (`\pL`, `\p{Nd}`), or the complement of a nested class that holds such tests (`[\PL\d]`).
indirect enum RegexCategoryTest: Sendable {
    /// In one of the categories; `folded` also accepts a scalar whose simple case variant is in one (`(?i)`).
    case category(Set<Unicode.GeneralCategory>, folded: Bool)
    /// Not in the set.
    case notIn(RegexScalarSet)

    func matches(_ scalar: Unicode.Scalar) -> Bool {
        switch self {
        case .category(let members, let folded):
            if members.contains(scalar.properties.generalCategory) { return true }
            guard folded else { return false }
            return RegexCaseFolding.orbit(of: scalar.value).contains { variant in
                Unicode.Scalar(variant).map { members.contains($0.properties.generalCategory) } ?? false
            }
        case .notIn(let set):
            return !set.contains(scalar.value)
        }
    }

    func caseFolded() -> RegexCategoryTest {
        switch self {
        case .category(let members, _): return .category(members, folded: true)
        case .notIn(let set): return .notIn(set.caseFolded())
        }
    }

    /// RE2's names for the general categories (`\p{L}`, `\p{Lu}`, …), one letter for a whole class.
    static func categories(named name: String) -> Set<Unicode.GeneralCategory>? {
        switch name {
        case "L": return [.uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter]
        case "Lu": return [.uppercaseLetter]
        case "Ll": return [.lowercaseLetter]
        case "Lt": return [.titlecaseLetter]
        case "Lm": return [.modifierLetter]
        case "Lo": return [.otherLetter]
        case "M": return [.nonspacingMark, .spacingMark, .enclosingMark]
        case "Mn": return [.nonspacingMark]
        case "Mc": return [.spacingMark]
        case "Me": return [.enclosingMark]
        case "N": return [.decimalNumber, .letterNumber, .otherNumber]
        case "Nd": return [.decimalNumber]
        case "Nl": return [.letterNumber]
        case "No": return [.otherNumber]
        case "P":
            return [.connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
                    .initialPunctuation, .finalPunctuation, .otherPunctuation]
        case "Pc": return [.connectorPunctuation]
        case "Pd": return [.dashPunctuation]
        case "Ps": return [.openPunctuation]
        case "Pe": return [.closePunctuation]
        case "Pi": return [.initialPunctuation]
        case "Pf": return [.finalPunctuation]
        case "Po": return [.otherPunctuation]
        case "S": return [.mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol]
        case "Sm": return [.mathSymbol]
        case "Sc": return [.currencySymbol]
        case "Sk": return [.modifierSymbol]
        case "So": return [.otherSymbol]
        case "Z": return [.spaceSeparator, .lineSeparator, .paragraphSeparator]
        case "Zs": return [.spaceSeparator]
        case "Zl": return [.lineSeparator]
        case "Zp": return [.paragraphSeparator]
        case "C": return [.control, .format, .surrogate, .privateUse]
        case "Cc": return [.control]
        case "Cf": return [.format]
        case "Cs": return [.surrogate]
        case "Co": return [.privateUse]
        default: return nil
        }
    }
}
