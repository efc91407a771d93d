import Foundation

enum DecimalToken: Equatable, CustomStringConvertible {
    case number(Decimal)
    case plus, minus, times, divide, power, percent, of, open, close, sqrt

    var description: String {
        switch self {
        case .number(let value): "\(value)"
        case .plus: "+"
        case .minus: "-"
        case .times: "*"
        case .divide: "/"
        case .power: "^"
        case .percent: "%"
        case .of: "of"
        case .open: "("
        case .close: ")"
        case .sqrt: "sqrt"
        }
    }
}

/// Splits arithmetic text into tokens; words become operators, filler words are dropped, anything else is refused.
enum DecimalTokenizer {
    static let words: [(String, [DecimalToken])] = [
        ("multiplied by", [.times]), ("divided by", [.divide]), ("to the power of", [.power]), ("square root of", [.sqrt]),
        ("percent of", [.percent, .of]), ("per cent", [.percent]), ("percent", [.percent]), ("squared", [.power, .number(2)]),
        ("cubed", [.power, .number(3)]), ("plus", [.plus]), ("minus", [.minus]), ("times", [.times]), ("over", [.divide]),
        ("sqrt", [.sqrt]), ("of", [.of]), ("x", [.times]),
    ]
    static let symbols: [Character: DecimalToken] = [
        "+": .plus, "-": .minus, "−": .minus, "*": .times, "×": .times, "·": .times, "/": .divide, "÷": .divide, "^": .power,
        "%": .percent, "(": .open, ")": .close,
    ]

    static func tokens(of text: String) throws -> [DecimalToken] {
        let characters = Array(text.lowercased())
        var tokens: [DecimalToken] = []
        var position = 0
        while position < characters.count {
            let character = characters[position]
            if character.isWhitespace || character == "$" || character == "€" || character == "£" {
                position += 1
            } else if character.isNumber || character == "." {
                let (value, next) = try number(characters, from: position)
                tokens.append(.number(value))
                position = next
            } else if character == "*", position + 1 < characters.count, characters[position + 1] == "*" {
                tokens.append(.power)
                position += 2
            } else if let symbol = symbols[character] {
                tokens.append(symbol)
                position += 1
            } else if let (word, next) = word(characters, from: position) {
                tokens += word
                position = next
            } else {
                throw DecimalExpression.Failure.syntax("'\(String(characters[position...]).prefix(12))' is not arithmetic")
            }
        }
        return tokens
    }

    /// Digits with optional thousands separators (a comma followed by exactly three digits) and a decimal point.
    private static func number(_ characters: [Character], from start: Int) throws -> (Decimal, Int) {
        var digits = ""
        var position = start
        while position < characters.count {
            let character = characters[position]
            if character.isASCII, character.isNumber || character == "." {
                digits.append(character)
                position += 1
            } else if character == ",", isThousandsGroup(characters, after: position) {
                position += 1
            } else {
                break
            }
        }
        guard digits.filter({ $0 == "." }).count <= 1, digits != ".",
            let value = Decimal(string: digits)
        else { throw DecimalExpression.Failure.syntax("'\(digits)' is not a number") }
        return (value, position)
    }

    private static func isThousandsGroup(_ characters: [Character], after comma: Int) -> Bool {
        let group = Array(characters[(comma + 1)...].prefix(4))
        guard group.count >= 3, group.prefix(3).allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        return group.count == 3 || !(group[3].isASCII && group[3].isNumber)
    }

    private static func word(_ characters: [Character], from start: Int) -> ([DecimalToken], Int)? {
        let rest = String(characters[start...])
        for (word, tokens) in words where rest.hasPrefix(word) {
            let end = start + word.count
            if end < characters.count, characters[end].isLetter { continue }
            return (tokens, end)
        }
        return nil
    }
}
