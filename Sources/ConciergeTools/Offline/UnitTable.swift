import Foundation

/// Units by dimension, each as an exact factor to the dimension's base unit. Temperature is affine and handled apart.
enum UnitTable {
    struct Unit {
        let dimension: String
        let canonical: String
        let factor: Decimal
    }

    static let definitions: [(dimension: String, canonical: String, factor: String, names: [String])] = [
        ("length", "m", "1", ["m", "meter", "meters", "metre", "metres"]),
        ("length", "km", "1000", ["km", "kilometer", "kilometers", "kilometre", "kilometres"]),
        ("length", "cm", "0.01", ["cm", "centimeter", "centimeters", "centimetre", "centimetres"]),
        ("length", "mm", "0.001", ["mm", "millimeter", "millimeters", "millimetre", "millimetres"]),
        ("length", "mi", "1609.344", ["mi", "mile", "miles"]),
        ("length", "yd", "0.9144", ["yd", "yard", "yards"]),
        ("length", "ft", "0.3048", ["ft", "foot", "feet"]),
        ("length", "in", "0.0254", ["in", "inch", "inches"]),
        ("length", "nmi", "1852", ["nmi", "nautical mile", "nautical miles"]),
        ("mass", "kg", "1", ["kg", "kilogram", "kilograms", "kilo", "kilos"]),
        ("mass", "g", "0.001", ["g", "gram", "grams"]),
        ("mass", "mg", "0.000001", ["mg", "milligram", "milligrams"]),
        ("mass", "t", "1000", ["t", "tonne", "tonnes", "metric ton", "metric tons"]),
        ("mass", "lb", "0.45359237", ["lb", "lbs", "pound", "pounds"]),
        ("mass", "oz", "0.028349523125", ["oz", "ounce", "ounces"]),
        ("mass", "st", "6.35029318", ["st", "stone", "stones"]),
        ("volume", "l", "1", ["l", "liter", "liters", "litre", "litres"]),
        ("volume", "ml", "0.001", ["ml", "milliliter", "milliliters", "millilitre", "millilitres"]),
        ("volume", "gal", "3.785411784", ["gal", "gallon", "gallons", "us gallon", "us gallons"]),
        ("volume", "qt", "0.946352946", ["qt", "quart", "quarts"]),
        ("volume", "cup", "0.2365882365", ["cup", "cups"]),
        ("volume", "fl oz", "0.0295735295625", ["fl oz", "fluid ounce", "fluid ounces"]),
        ("time", "s", "1", ["s", "sec", "second", "seconds"]),
        ("time", "min", "60", ["min", "minute", "minutes"]),
        ("time", "h", "3600", ["h", "hr", "hour", "hours"]),
        ("time", "d", "86400", ["d", "day", "days"]),
        ("time", "wk", "604800", ["wk", "week", "weeks"]),
        ("speed", "m/s", "1", ["m/s", "meters per second", "metres per second"]),
        ("speed", "km/h", "0.27777777777777777777777777777777777778", ["km/h", "kph", "kmh", "kilometers per hour", "kilometres per hour"]),
        ("speed", "mph", "0.44704", ["mph", "miles per hour"]),
        ("speed", "kn", "0.51444444444444444444444444444444444444", ["kn", "knot", "knots"]),
        ("data", "B", "1", ["b", "byte", "bytes"]),
        ("data", "KB", "1000", ["kb", "kilobyte", "kilobytes"]),
        ("data", "MB", "1000000", ["mb", "megabyte", "megabytes"]),
        ("data", "GB", "1000000000", ["gb", "gigabyte", "gigabytes"]),
        ("data", "TB", "1000000000000", ["tb", "terabyte", "terabytes"]),
        ("data", "KiB", "1024", ["kib", "kibibyte", "kibibytes"]),
        ("data", "MiB", "1048576", ["mib", "mebibyte", "mebibytes"]),
        ("data", "GiB", "1073741824", ["gib", "gibibyte", "gibibytes"]),
        ("area", "m2", "1", ["m2", "m²", "square meter", "square meters", "square metre", "square metres"]),
        ("area", "km2", "1000000", ["km2", "km²", "square kilometer", "square kilometers", "square kilometres"]),
        ("area", "ha", "10000", ["ha", "hectare", "hectares"]),
        ("area", "acre", "4046.8564224", ["acre", "acres"]),
        ("area", "ft2", "0.09290304", ["ft2", "ft²", "square foot", "square feet"]),
        ("area", "mi2", "2589988.110336", ["mi2", "mi²", "square mile", "square miles"]),
    ]

    static let temperatures: [String: String] = [
        "c": "C", "°c": "C", "celsius": "C", "degrees celsius": "C", "centigrade": "C",
        "f": "F", "°f": "F", "fahrenheit": "F", "degrees fahrenheit": "F",
        "k": "K", "kelvin": "K", "kelvins": "K",
    ]

    static let byName: [String: Unit] = {
        var table: [String: Unit] = [:]
        for definition in definitions {
            let unit = Unit(dimension: definition.dimension, canonical: definition.canonical,
                            factor: Decimal(string: definition.factor)!)
            for name in definition.names { table[name] = unit }
        }
        return table
    }()

    /// Every name the table knows, longest first (so `fl oz` wins over `oz` when scanning text).
    static var allNames: [String] {
        (Array(byName.keys) + Array(temperatures.keys)).sorted { $0.count > $1.count }
    }

    static func unit(_ name: String) -> Unit? {
        let key = name.trimmingCharacters(in: .whitespaces).lowercased()
        return byName[key] ?? (key.hasSuffix("s") ? byName[String(key.dropLast())] : nil)
    }

    static func temperature(_ name: String) -> String? {
        var key = name.trimmingCharacters(in: .whitespaces).lowercased()
        if key.hasPrefix("degrees ") && temperatures[key] == nil { key = String(key.dropFirst(8)) }
        return temperatures[key]
    }

    static func convertTemperature(_ value: Decimal, from: String, to: String) -> Decimal {
        let kelvin: Decimal =
            switch from {
            case "C": value + Decimal(string: "273.15")!
            case "F": (value - 32) * 5 / 9 + Decimal(string: "273.15")!
            default: value
            }
        switch to {
        case "C": return kelvin - Decimal(string: "273.15")!
        case "F": return (kelvin - Decimal(string: "273.15")!) * 9 / 5 + 32
        default: return kelvin
        }
    }
}
