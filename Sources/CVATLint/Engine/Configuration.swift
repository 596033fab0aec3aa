import Foundation
import Yams

/// A `.cvat-lint.yml` that does not read: the file, the line, and what is wrong.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var line: Int?
    public var message: String

    public var description: String {
        line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)"
    }
}

/// What a `.cvat-lint.yml` says.
///
/// ```yaml
/// target: encord            # or cvat
/// boxes_as_polygons: false  # Encord's transform_bounding_boxes_to_polygons
/// rules:
///   enable: [label-multiple-shapes]   # when present, only these run
///   disable: [media-unnamed]
///   severity: {attribute-unsupported: error, interpolation-lost: off}
/// media:
///   ignore: ["images/*.txt"]          # fnmatch patterns of paths inside the export
/// thresholds:                         # the data-quality rules' limits
///   min_side: 1                       # px; boxes and ellipses thinner than this are degenerate
///   min_annotations_per_label: 10     # off unless set
/// ```
public struct Configuration: Sendable, Equatable {
    public static let fileName = ".cvat-lint.yml"

    public var path: String?
    public var target: String?
    public var boxesAsPolygons: Bool?
    public var enabledRules: [String]?
    public var disabledRules: [String] = []
    /// Severity per rule; nil means `off`.
    public var severities: [String: Severity?] = [:]
    public var mediaIgnore: [String] = []
    /// The data-quality limits, defaults where the file says nothing.
    public var thresholds = Thresholds()
    /// Declared spellings for values outside an attribute's list: label → attribute → value → spelling.
    public var valueMappings: [String: [String: [String: String]]] = [:]

    public init() {}

    /// The nearest `.cvat-lint.yml` in `directory` or above it.
    public static func find(from directory: String) -> String? {
        var url = URL(fileURLWithPath: directory).standardizedFileURL
        while true {
            let candidate = url.appendingPathComponent(fileName).path
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue {
                return candidate
            }
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path { return nil }
            url = parent
        }
    }

    /// Reads and checks a configuration file against the known rule ids and targets.
    public static func load(path: String, knownRules: Set<String>, knownTargets: Set<String>) throws -> Configuration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(file: path, line: nil, message: "cannot be read")
        }
        let text = String(decoding: data, as: UTF8.self)
        return try parse(text, path: path, knownRules: knownRules, knownTargets: knownTargets)
    }

    /// Parses configuration text; every problem names its line.
    public static func parse(_ text: String, path: String, knownRules: Set<String>,
                             knownTargets: Set<String>) throws -> Configuration {
        var configuration = Configuration()
        configuration.path = path
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let YamlError.duplicatedKeysInMapping(duplicates, context) {
            // Yams points at the first of the two; the one to remove is the later one.
            let key = duplicates.sorted().first ?? ""
            let second = Self.lineOfRepeatedKey(key, in: text, after: context.mark)
            throw ConfigurationError(file: path, line: second ?? context.mark.line,
                                     message: "key '\(key)' is given twice (first on line \(context.mark.line))")
        } catch let error as YamlError {
            throw ConfigurationError(file: path, line: error.line, message: "not valid YAML (\(error.shortDescription))")
        } catch {
            throw ConfigurationError(file: path, line: nil, message: "not valid YAML (\(error))")
        }
        guard let root else { return configuration }
        let reader = NodeReader(file: path)
        for (key, keyNode, value) in try reader.mapping(root, what: "the configuration") {
            switch key {
            case "target":
                let name = try reader.string(value, what: "target")
                guard knownTargets.contains(name) else {
                    throw reader.error(value, "unknown target '\(name)'; known: \(knownTargets.sorted().joined(separator: ", "))")
                }
                configuration.target = name
            case "boxes_as_polygons":
                configuration.boxesAsPolygons = try reader.bool(value, what: "boxes_as_polygons")
            case "rules":
                for (ruleKey, ruleKeyNode, ruleValue) in try reader.mapping(value, what: "rules") {
                    switch ruleKey {
                    case "enable":
                        let enabled = try reader.ruleList(ruleValue, what: "rules.enable", known: knownRules)
                        // An empty list would silently turn every check off, even the XML error of a broken file.
                        guard !enabled.isEmpty else {
                            throw reader.error(ruleKeyNode, "rules.enable lists no rule; name the rules to run, or leave the key out")
                        }
                        configuration.enabledRules = enabled
                    case "disable":
                        configuration.disabledRules = try reader.ruleList(ruleValue, what: "rules.disable", known: knownRules)
                    case "severity":
                        for (rule, ruleNode, level) in try reader.mapping(ruleValue, what: "rules.severity") {
                            guard knownRules.contains(rule) else {
                                throw reader.error(ruleNode, "unknown rule '\(rule)' in rules.severity")
                            }
                            let word = try reader.string(level, what: "the severity of \(rule)")
                            if word == "off" {
                                configuration.severities[rule] = .some(nil)
                            } else if let severity = Severity(rawValue: word) {
                                configuration.severities[rule] = severity
                            } else {
                                throw reader.error(level, "severity '\(word)' of \(rule) is not error, warning, info or off")
                            }
                        }
                    default:
                        throw reader.error(ruleKeyNode, "unknown key 'rules.\(ruleKey)' (expected enable, disable, severity)")
                    }
                }
            case "media":
                for (mediaKey, mediaKeyNode, mediaValue) in try reader.mapping(value, what: "media") {
                    guard mediaKey == "ignore" else {
                        throw reader.error(mediaKeyNode, "unknown key 'media.\(mediaKey)' (expected ignore)")
                    }
                    configuration.mediaIgnore = try reader.strings(mediaValue, what: "media.ignore")
                }
            case "thresholds":
                for (name, nameNode, limit) in try reader.mapping(value, what: "thresholds") {
                    let what = "thresholds.\(name)"
                    if let path = Thresholds.keys[name] {
                        configuration.thresholds[keyPath: path] = try reader.number(limit, what: what)
                    } else if let path = Thresholds.optionalKeys[name] {
                        configuration.thresholds[keyPath: path] = try reader.number(limit, what: what)
                    } else if let path = Thresholds.integerKeys[name] {
                        configuration.thresholds[keyPath: path] = Int(try reader.number(limit, what: what))
                    } else {
                        throw reader.error(nameNode, "unknown key '\(what)' (expected \(Thresholds.allKeys.joined(separator: ", ")))")
                    }
                }
            case "values":
                for (label, _, attributes) in try reader.mapping(value, what: "values") {
                    for (attribute, _, spellings) in try reader.mapping(attributes, what: "values.\(label)") {
                        for (from, _, to) in try reader.mapping(spellings, what: "values.\(label).\(attribute)") {
                            configuration.valueMappings[label, default: [:]][attribute, default: [:]][from] =
                                try reader.string(to, what: "values.\(label).\(attribute).\(from)")
                        }
                    }
                }
            default:
                throw reader.error(keyNode, "unknown key '\(key)' (expected target, boxes_as_polygons, rules, media, thresholds, values)")
            }
        }
        return configuration
    }
}

extension Configuration {
    /// The line (1-based) where `key` is given again at the same indentation as at `first`.
    static func lineOfRepeatedKey(_ key: String, in text: String, after first: Mark) -> Int? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let indent = String(repeating: " ", count: max(0, first.column - 1))
        for number in first.line..<lines.count {
            let line = lines[number]
            guard line.hasPrefix(indent), line.dropFirst(indent.count).first != " " else { continue }
            let rest = line.dropFirst(indent.count)
            if rest.hasPrefix(key + ":") || rest.hasPrefix("\"\(key)\":") || rest.hasPrefix("'\(key)':") { return number + 1 }
        }
        return nil
    }
}

/// Reads typed values out of YAML nodes, naming the line of anything wrong.
private struct NodeReader {
    let file: String

    func error(_ node: Node, _ message: String) -> ConfigurationError {
        ConfigurationError(file: file, line: node.mark.map { $0.line }, message: message)
    }

    /// A mapping's entries with their key nodes, so that an error about a key names the key's own line.
    /// (Yams refuses a key given twice while composing.)
    func mapping(_ node: Node, what: String) throws -> [(String, Node, Node)] {
        guard case let .mapping(mapping) = node else { throw error(node, "\(what) must be a mapping of keys to values") }
        return try mapping.map { pair in
            guard let key = pair.key.string else { throw error(pair.key, "keys of \(what) must be text") }
            return (key, pair.key, pair.value)
        }
    }

    func string(_ node: Node, what: String) throws -> String {
        guard case .scalar = node, let text = node.string else { throw error(node, "\(what) must be text") }
        return text
    }

    /// A finite number, zero or more.
    func number(_ node: Node, what: String) throws -> Double {
        guard case .scalar = node, let value = node.float, value.isFinite, value >= 0 else {
            throw error(node, "\(what) must be a number, zero or more")
        }
        return value
    }

    func bool(_ node: Node, what: String) throws -> Bool {
        guard let value = node.bool else { throw error(node, "\(what) must be true or false") }
        return value
    }

    func strings(_ node: Node, what: String) throws -> [String] {
        guard case let .sequence(sequence) = node else { throw error(node, "\(what) must be a list") }
        return try sequence.map { try string($0, what: "each entry of \(what)") }
    }

    func ruleList(_ node: Node, what: String, known: Set<String>) throws -> [String] {
        guard case let .sequence(sequence) = node else { throw error(node, "\(what) must be a list of rule ids") }
        return try sequence.map { item in
            let id = try string(item, what: "each entry of \(what)")
            guard known.contains(id) else { throw error(item, "unknown rule '\(id)' in \(what); `cvat-lint rules` lists them") }
            return id
        }
    }
}

extension YamlError {
    /// The line a YAML error points at.
    var line: Int? {
        switch self {
        case let .scanner(_, _, mark, _), let .parser(_, _, mark, _), let .composer(_, _, mark, _):
            return mark.line
        default:
            return nil
        }
    }

    var shortDescription: String {
        switch self {
        case let .scanner(_, problem, _, _), let .parser(_, problem, _, _), let .composer(_, problem, _, _):
            return problem
        default:
            return String(describing: self).split(separator: "\n").first.map(String.init) ?? "error"
        }
    }
}
