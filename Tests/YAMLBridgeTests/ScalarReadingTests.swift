import Testing
import YAMLBridge

/// Scalars into Swift types: strings, booleans (true/false only), integers of every width with
/// range errors, quoted digits, hexadecimal, floats.
@Suite struct ScalarReadingTests {
    /// Reads `value: <text>` as the integer type named `width`, rendering the value or the error.
    static func integer(_ width: String, _ text: String) -> String {
        let yaml = "value: \(text)"
        return switch width {
        case "Int": boxOutcome(Int.self, yaml)
        case "Int8": boxOutcome(Int8.self, yaml)
        case "Int16": boxOutcome(Int16.self, yaml)
        case "Int32": boxOutcome(Int32.self, yaml)
        case "Int64": boxOutcome(Int64.self, yaml)
        case "UInt": boxOutcome(UInt.self, yaml)
        case "UInt8": boxOutcome(UInt8.self, yaml)
        case "UInt16": boxOutcome(UInt16.self, yaml)
        case "UInt32": boxOutcome(UInt32.self, yaml)
        case "UInt64": boxOutcome(UInt64.self, yaml)
        default: "unknown width \(width)"
        }
    }

    static func ok(_ value: String) -> String { "ok: \(value)" }

    /// Reads `Box<T>`, rendering the boxed value or the first error.
    static func boxOutcome<T: NodeReadable>(_ type: T.Type, _ yaml: String) -> String {
        switch decode(Box<T>.self, yaml) {
        case .success(let box): "ok: \(box.value)"
        case .failure(let diagnostics): diagnostics.items.first?.description ?? "no error"
        }
    }

    static func range(_ text: String, _ min: String, _ max: String) -> String {
        let shown = text.hasPrefix("\"") ? String(text.dropFirst().dropLast()) : text
        return "1:8: error: value: expected an integer from \(min) to \(max), found \"\(shown)\""
    }

    static func notAnInteger(_ text: String) -> String {
        "1:8: error: value: expected an integer, found \"\(text)\""
    }

    @Test(arguments: [
        ("UInt8", "0", ok("0")), ("UInt8", "255", ok("255")), ("UInt8", "256", range("256", "0", "255")),
        ("UInt8", "-1", range("-1", "0", "255")),
        ("Int8", "-128", ok("-128")), ("Int8", "127", ok("127")), ("Int8", "128", range("128", "-128", "127")),
        ("Int8", "-129", range("-129", "-128", "127")),
        ("UInt16", "65535", ok("65535")), ("UInt16", "70000", range("70000", "0", "65535")),
        ("Int16", "-32768", ok("-32768")), ("Int16", "32768", range("32768", "-32768", "32767")),
        ("UInt32", "4294967295", ok("4294967295")), ("UInt32", "4294967296", range("4294967296", "0", "4294967295")),
        ("Int32", "2147483647", ok("2147483647")), ("Int32", "2147483648", range("2147483648", "-2147483648", "2147483647")),
        ("Int32", "-2147483648", ok("-2147483648")),
        ("UInt64", "18446744073709551615", ok("18446744073709551615")),
        ("UInt64", "18446744073709551616", range("18446744073709551616", "0", "18446744073709551615")),
        ("Int64", "9223372036854775807", ok("9223372036854775807")),
        ("Int64", "-9223372036854775808", ok("-9223372036854775808")),
        ("Int64", "9223372036854775808", range("9223372036854775808", "-9223372036854775808", "9223372036854775807")),
        ("Int", "-42", ok("-42")), ("Int", "+42", ok("42")),
        ("UInt", "18446744073709551615", ok("18446744073709551615")), ("UInt", "-0", ok("0")),
    ])
    func integerWidthsAndRanges(width: String, text: String, expected: String) {
        #expect(Self.integer(width, text) == expected)
    }

    @Test(arguments: [
        (#""8080""#, ok("8080")),  // GORB's JSON writes ports as strings
        ("'8080'", ok("8080")),
        (#"" 8080 ""#, ok("8080")),
        ("0x1F", ok("31")), ("0X1f", ok("31")), ("-0x10", ok("-16")), (#""0xff""#, ok("255")),
        ("0080", ok("80")),  // decimal, never YAML 1.1 octal
        ("0x", notAnInteger("0x")),
        ("1.0", notAnInteger("1.0")),
        ("1e3", notAnInteger("1e3")),
        ("1_000", notAnInteger("1_000")),
        ("0b101", notAnInteger("0b101")),
        ("0o17", notAnInteger("0o17")),
        ("12abc", notAnInteger("12abc")),
        ("--1", notAnInteger("--1")),
        ("+", notAnInteger("+")),
        ("１２", notAnInteger("１２")),
        ("eighty", notAnInteger("eighty")),
    ])
    func integerSpellings(text: String, expected: String) {
        #expect(Self.integer("Int", text) == expected)
    }

    @Test(arguments: [
        // The range is the news only for a number that does not fit; otherwise the kind is.
        ("value:", "1:7: error: value: expected an integer, found null"),
        ("value: ~", "1:8: error: value: expected an integer, found null"),
        ("value: [80]", "1:8: error: value: expected an integer, found a list"),
        ("value: {port: 80}", "1:8: error: value: expected an integer, found a mapping"),
        ("value: eighty", "1:8: error: value: expected an integer, found \"eighty\""),
    ])
    func integerFromNonScalars(yaml: String, expected: String) {
        #expect(decodeOutcome(Box<UInt16>.self, yaml) == expected)
    }

    @Test(arguments: [
        ("true", "ok: true"), ("True", "ok: true"), ("TRUE", "ok: true"),
        ("false", "ok: false"), ("False", "ok: false"), ("FALSE", "ok: false"),
        (#""true""#, "ok: true"),
        ("yes", #"1:8: error: value: expected true or false, found "yes""#),
        ("no", #"1:8: error: value: expected true or false, found "no""#),
        ("on", #"1:8: error: value: expected true or false, found "on""#),
        ("off", #"1:8: error: value: expected true or false, found "off""#),
        ("y", #"1:8: error: value: expected true or false, found "y""#),
        ("1", #"1:8: error: value: expected true or false, found "1""#),
        ("tRUE", #"1:8: error: value: expected true or false, found "tRUE""#),
        ("~", "1:8: error: value: expected true or false, found null"),
    ])
    func booleans(text: String, expected: String) {
        #expect(Self.boxOutcome(Bool.self, "value: \(text)") == expected)
    }

    @Test(arguments: [
        ("hello", "hello"), ("80", "80"), ("true", "true"), ("'~'", "~"), (#""null""#, "null"), ("''", ""),
        ("'  padded  '", "  padded  "), (#""日本""#, "日本"), ("|\n  a\n  b", "a\nb"), ("192.0.2.1", "192.0.2.1"),
        ("::1", "::1"), ("1:30", "1:30"),
    ])
    func strings(text: String, expected: String) throws {
        #expect(try decode(Box<String>.self, "value: \(text)").get().value == expected)
    }

    @Test(arguments: [
        ("value:", "1:7: error: value: expected a string, found null"),
        ("value: ~", "1:8: error: value: expected a string, found null"),
        ("value: {a: 1}", "1:8: error: value: expected a string, found a mapping"),
        ("value:\n  a: 1", "2:3: error: value: expected a string, found a mapping"),
        ("value: [a]", "1:8: error: value: expected a string, found a list"),
    ])
    func stringMismatches(yaml: String, expected: String) {
        #expect(decodeOutcome(Box<String>.self, yaml) == expected)
    }

    @Test(arguments: [
        ("1.5", 1.5), ("-2", -2), ("1e3", 1000), ("2.5E-1", 0.25), (".5", 0.5), ("5.", 5), ("+3.25", 3.25),
        (#""2.5""#, 2.5), ("0", 0), ("-0.0", 0),
    ])
    func doubles(text: String, expected: Double) throws {
        #expect(try decode(Box<Double>.self, "value: \(text)").get().value == expected)
    }

    @Test func specialFloats() throws {
        #expect(try decode(Box<Double>.self, "value: .inf").get().value == .infinity)
        #expect(try decode(Box<Double>.self, "value: -.Inf").get().value == -.infinity)
        #expect(try decode(Box<Double>.self, "value: .NaN").get().value.isNaN)
        #expect(try decode(Box<Float>.self, "value: 0.25").get().value == 0.25)
    }

    @Test(arguments: [
        ("abc", "expected a number, found \"abc\""), ("1,5", "expected a number, found \"1,5\""),
        ("1.2.3", "expected a number, found \"1.2.3\""), ("0x1p3", "expected a number, found \"0x1p3\""),
        ("inf", "expected a number, found \"inf\""), ("nan", "expected a number, found \"nan\""),
        ("1e400", "expected a number within the range of Double, found \"1e400\""),
        ("[1]", "expected a number, found a list"), ("", "expected a number, found null"),
    ])
    func doubleErrors(text: String, message: String) {
        let outcome = decodeOutcome(Box<Double>.self, "value: \(text)")
        #expect(outcome.hasSuffix("error: value: " + message), "\(outcome)")
    }

    @Test func floatOverflowIsAnError() {
        #expect(decodeOutcome(Box<Float>.self, "value: 1e39").hasSuffix("expected a number within the range of Float, found \"1e39\""))
    }

    @Test func topLevelScalars() throws {
        #expect(try decode(Int.self, "42").get() == 42)
        #expect(try decode(String.self, "hi").get() == "hi")
        #expect(decodeErrors(UInt8.self, "300") == ["1:1: error: expected an integer from 0 to 255, found \"300\""])
    }

    @Test func rawRepresentableEnums() throws {
        enum Protocol: String, NodeReadable {
            case tcp, udp, sctp
            init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
                let text = try String(reading: node, in: &context)
                guard let value = Self(rawValue: text) else { throw ReadFailure(mark: node.mark, message: "expected tcp, udp or sctp, found \"\(text)\"") }
                self = value
            }
        }
        #expect(try decode(Box<Protocol>.self, "value: udp").get().value == .udp)
        let errors = decodeErrors(Box<Protocol>.self, "value: icmp")
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("1:8: error: value: ") == true)
    }
}
