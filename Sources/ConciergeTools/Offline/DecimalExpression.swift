import Foundation

/// A recursive-descent parser and evaluator for arithmetic written the way people write it, in exact `Decimal`:
/// `+ - * / ^ ( )`, `×` `÷`, words (`plus`, `minus`, `times`, `multiplied by`, `divided by`, `to the power of`),
/// thousands separators (`2,340`), percentages (`17.5%`, `17.5% of 2,340`, `200 + 10%`), `sqrt`. Nothing is evaluated
/// as code: anything else is a syntax error.
struct DecimalExpression {
    enum Failure: Error, Equatable, CustomStringConvertible {
        case syntax(String)
        case divisionByZero
        case tooLarge

        var description: String {
            switch self {
            case .syntax(let detail): "cannot read the expression: \(detail)"
            case .divisionByZero: "division by zero"
            case .tooLarge: "the result is too large"
            }
        }
    }

    private var tokens: [DecimalToken]
    private var index = 0

    init(_ text: String) throws {
        tokens = try DecimalTokenizer.tokens(of: text)
    }

    static func evaluate(_ text: String) throws -> Decimal {
        var parser = try DecimalExpression(text)
        guard !parser.tokens.isEmpty else { throw Failure.syntax("it is empty") }
        let value = try parser.sum()
        guard parser.index == parser.tokens.count else { throw Failure.syntax("unexpected '\(parser.tokens[parser.index])'") }
        guard !value.isNaN else { throw Failure.tooLarge }
        return value
    }

    private var peek: DecimalToken? { index < tokens.count ? tokens[index] : nil }

    private mutating func sum() throws -> Decimal {
        var value = try product()
        while let token = peek, token == .plus || token == .minus {
            index += 1
            var rhs = try product()
            // "200 + 10%" adds ten percent of 200.
            if case .percentOf(let share) = lastPercent { rhs = value * share; lastPercent = nil }
            value = token == .plus ? value + rhs : value - rhs
        }
        return value
    }

    private var lastPercent: PercentMark?
    private enum PercentMark { case percentOf(Decimal) }

    private mutating func product() throws -> Decimal {
        var value = try power()
        while let token = peek, token == .times || token == .divide || token == .of {
            index += 1
            let rhs = try power()
            lastPercent = nil
            if token == .divide {
                guard !rhs.isZero else { throw Failure.divisionByZero }
                value = value / rhs
            } else {
                value = value * rhs
            }
        }
        return value
    }

    private mutating func power() throws -> Decimal {
        let base = try unary()
        guard peek == .power else { return base }
        index += 1
        let exponent = try power()
        guard exponent == exponent.rounded(0), abs(exponent) <= 1000 else { throw Failure.syntax("exponents must be whole numbers up to 1000") }
        let whole = Int(truncating: exponent as NSDecimalNumber)
        if whole < 0 {
            guard !base.isZero else { throw Failure.divisionByZero }
            return 1 / Foundation.pow(base, -whole)
        }
        return Foundation.pow(base, whole)
    }

    private mutating func unary() throws -> Decimal {
        if peek == .minus { index += 1; return -(try unary()) }
        if peek == .plus { index += 1; return try unary() }
        return try postfix()
    }

    private mutating func postfix() throws -> Decimal {
        var value = try primary()
        lastPercent = nil
        while peek == .percent {
            index += 1
            value = value / 100
            lastPercent = .percentOf(value)
        }
        return value
    }

    private mutating func primary() throws -> Decimal {
        guard let token = peek else { throw Failure.syntax("it ends too early") }
        index += 1
        switch token {
        case .number(let value): return value
        case .open:
            let value = try sum()
            guard peek == .close else { throw Failure.syntax("a '(' is not closed") }
            index += 1
            return value
        case .sqrt:
            let operand = try unary()
            guard operand >= 0 else { throw Failure.syntax("square root of a negative number") }
            return Self.squareRoot(operand)
        default:
            throw Failure.syntax("unexpected '\(token)'")
        }
    }

    /// Newton's method in Decimal, to 30 significant digits.
    static func squareRoot(_ value: Decimal) -> Decimal {
        guard value > 0 else { return 0 }
        var guess = Decimal(sqrt(NSDecimalNumber(decimal: value).doubleValue))
        for _ in 0..<8 { guess = (guess + value / guess) / 2 }
        return guess
    }
}

extension Decimal {
    func rounded(_ scale: Int, _ mode: NSDecimalNumber.RoundingMode = .plain) -> Decimal {
        var source = self
        var result = Decimal()
        NSDecimalRound(&result, &source, scale, mode)
        return result
    }
}
