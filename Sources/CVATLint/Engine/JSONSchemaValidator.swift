import Foundation

/// A JSON document as the validator reads it.
indirect enum JSONValue: Decodable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// The JSON Schema type names this value has (an integral number is both `number` and `integer`).
    var types: Set<String> {
        switch self {
        case .null: ["null"]
        case .bool: ["boolean"]
        case let .number(value): value.rounded() == value && value.isFinite ? ["number", "integer"] : ["number"]
        case .string: ["string"]
        case .array: ["array"]
        case .object: ["object"]
        }
    }
}

/// Validates documents against the JSON Schemas cvat-lint publishes, with no package beyond Foundation.
///
/// It knows the keywords those schemas use (draft 7: `type`, `required`, `properties`, `additionalProperties`,
/// `propertyNames`, `items`, `const`, `enum`, `minimum`, `minLength`, `pattern`, `oneOf`, local `$ref`) and
/// refuses a schema that uses any other, so that a schema growing past it fails loudly instead of passing
/// everything.
public struct JSONSchemaValidator {
    private let root: JSONValue
    private static let known: Set<String> = [
        "$schema", "$id", "title", "description", "definitions", "type", "required", "properties",
        "additionalProperties", "propertyNames", "items", "const", "enum", "minimum", "minLength", "pattern", "oneOf", "$ref",
    ]
    /// Stops after this many errors: a wholly wrong document says enough by then.
    private static let maximumErrors = 20

    public init(schema: String) throws {
        root = try JSONDecoder().decode(JSONValue.self, from: Data(schema.utf8))
        var unknown: Set<String> = []
        Self.collectKeywords(root, into: &unknown)
        guard unknown.isEmpty else {
            throw InputError("the schema uses keywords this validator does not know: \(unknown.sorted().joined(separator: ", "))")
        }
    }

    private static func collectKeywords(_ schema: JSONValue, into unknown: inout Set<String>) {
        guard case let .object(members) = schema else { return }
        for (key, value) in members {
            if !known.contains(key) { unknown.insert(key) }
            switch key {
            case "properties", "definitions":
                if case let .object(children) = value { for child in children.values { collectKeywords(child, into: &unknown) } }
            case "oneOf":
                if case let .array(children) = value { for child in children { collectKeywords(child, into: &unknown) } }
            case "items", "additionalProperties", "propertyNames":
                collectKeywords(value, into: &unknown)
            default:
                continue
            }
        }
    }

    /// Where `document` breaks the schema (or the part of it `pointer` names, e.g. `#/definitions/plan`), each
    /// as "/path/in/document: what is wrong"; empty when it is valid. Throws when the document is not JSON.
    public func errors(in document: Data, against pointer: String = "#") throws -> [String] {
        try errors(in: try JSONDecoder().decode(JSONValue.self, from: document), against: pointer)
    }

    /// The same for a document already read.
    func errors(in value: JSONValue, against pointer: String) throws -> [String] {
        var errors: [String] = []
        validate(value, against: try resolve(pointer), at: "", errors: &errors)
        return errors
    }

    private func resolve(_ reference: String) throws -> JSONValue {
        guard reference.hasPrefix("#") else { throw InputError("only local references are known: \(reference)") }
        var node = root
        for part in reference.dropFirst().split(separator: "/") {
            guard case let .object(members) = node, let next = members[String(part)] else {
                throw InputError("the schema has no \(reference)")
            }
            node = next
        }
        return node
    }

    private func validate(_ value: JSONValue, against schema: JSONValue, at path: String, errors: inout [String]) {
        guard errors.count < Self.maximumErrors, case let .object(rules) = schema else { return }
        func fail(_ message: String) { errors.append("\(path.isEmpty ? "/" : path): \(message)") }
        if case let .string(reference)? = rules["$ref"] {
            guard let target = try? resolve(reference) else { return fail("unresolved reference \(reference)") }
            validate(value, against: target, at: path, errors: &errors)
        }
        switch rules["type"] {
        case let .string(type)?:
            if !value.types.contains(type) { return fail("is not of type \(type)") }
        case let .array(types)?:
            let names = types.compactMap { type -> String? in if case let .string(name) = type { name } else { nil } }
            if value.types.isDisjoint(with: names) { return fail("is not of type \(names.joined(separator: " or "))") }
        default:
            break
        }
        if let expected = rules["const"], value != expected { fail("is not the required constant") }
        if case let .array(choices)? = rules["enum"], !choices.contains(value) { fail("is not one of the allowed values") }
        if case let .number(minimum)? = rules["minimum"], case let .number(number) = value, number < minimum {
            fail("is less than \(minimum)")
        }
        if case let .string(text) = value {
            if case let .number(length)? = rules["minLength"], Double(text.unicodeScalars.count) < length {
                fail("is shorter than \(Int(length))")
            }
            if case let .string(pattern)? = rules["pattern"] {
                let matches = (try? NSRegularExpression(pattern: pattern))
                    .map { $0.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil } ?? false
                if !matches { fail("does not match \(pattern)") }
            }
        }
        if case let .array(items) = value, let itemSchema = rules["items"] {
            for (index, item) in items.enumerated() { validate(item, against: itemSchema, at: "\(path)/\(index)", errors: &errors) }
        }
        if case let .object(members) = value {
            if case let .array(required)? = rules["required"] {
                for case let .string(key) in required where members[key] == nil { fail("lacks required \(key)") }
            }
            var declared: [String: JSONValue] = [:]
            if case let .object(properties)? = rules["properties"] { declared = properties }
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                if let propertySchema = declared[key] {
                    validate(member, against: propertySchema, at: "\(path)/\(key)", errors: &errors)
                } else if let extra = rules["additionalProperties"] {
                    if extra == .bool(false) {
                        fail("has \(key), which is not allowed")
                    } else {
                        validate(member, against: extra, at: "\(path)/\(key)", errors: &errors)
                    }
                }
                if let names = rules["propertyNames"] { validate(.string(key), against: names, at: "\(path)/\(key)", errors: &errors) }
            }
        }
        if case let .array(options)? = rules["oneOf"] {
            let passing = options.filter { option in
                var scratch: [String] = []
                validate(value, against: option, at: path, errors: &scratch)
                return scratch.isEmpty
            }.count
            if passing != 1 { fail(passing == 0 ? "matches none of the allowed shapes" : "matches \(passing) of the allowed shapes, not one") }
        }
    }
}
