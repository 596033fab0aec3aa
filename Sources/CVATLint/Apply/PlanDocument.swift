import Foundation

/// A plan handed to `apply --plan`: a `check --format json` report (its first export's plan) or a bare plan.
public struct PlanDocument: Sendable {
    private let plan: ImportPlan
    private let identity: String?

    /// Reads the JSON; throws with a one-line reason when it is neither shape, breaks the published JSON Schema
    /// (`schema`, the report's: a report as a whole, a bare plan as its `plan` definition), or does not decode.
    public init(json: Data, schema: String? = nil) throws {
        if let schema {
            let validator = try JSONSchemaValidator(schema: schema)
            let document: JSONValue
            do {
                document = try JSONDecoder().decode(JSONValue.self, from: json)
            } catch {
                throw InputError("the plan file is not JSON: \(Self.describe(error))")
            }
            var isReport = false
            if case let .object(members) = document { isReport = members["exports"] != nil }
            let errors = try validator.errors(in: document, against: isReport ? "#" : "#/definitions/plan")
            if !errors.isEmpty {
                throw InputError("the plan file breaks the published JSON Schema (cvat-lint schema --report) at "
                                 + errors.prefix(3).joined(separator: "; ") + (errors.count > 3 ? "; …" : ""))
            }
        }
        struct Report: Decodable {
            struct Export: Decodable {
                var plan: ImportPlan
                var identity: String?
            }
            var exports: [Export]
        }
        let decoder = JSONDecoder()
        if let report = try? decoder.decode(Report.self, from: json) {
            guard report.exports.count == 1, let export = report.exports.first else {
                throw InputError("the plan file is a report of \(report.exports.count) exports; keep the one to apply")
            }
            plan = export.plan
            identity = export.identity
            return
        }
        do {
            plan = try decoder.decode(ImportPlan.self, from: json)
            identity = nil
        } catch {
            throw InputError("the plan file does not read as a cvat-lint report or plan: \(Self.describe(error))")
        }
    }

    /// The plan, when it belongs to the export `report` is about: the same target, the same identity,
    /// and the same labels.
    func plan(for report: ExportReport) throws -> ImportPlan {
        guard plan.target == report.target else {
            throw InputError("the plan is for target \(plan.target), not \(report.target)")
        }
        if let identity, let own = report.identity, identity != own {
            throw InputError("the plan belongs to \(identity), not to this export (\(own))")
        }
        let labels = Set(plan.ontology.map(\.label)), own = Set(report.plan.ontology.map(\.label))
        guard labels == own else {
            let foreign = labels.subtracting(own).sorted().prefix(3).joined(separator: ", ")
            let missing = own.subtracting(labels).sorted().prefix(3).joined(separator: ", ")
            throw InputError("the plan belongs to another export: its labels differ (" +
                             [foreign.isEmpty ? nil : "not here: \(foreign)", missing.isEmpty ? nil : "not in the plan: \(missing)"]
                                .compactMap { $0 }.joined(separator: "; ") + ")")
        }
        return plan
    }

    private static func describe(_ error: Error) -> String {
        guard let error = error as? DecodingError else { return ErrorText.line(error) }
        switch error {
        case let .keyNotFound(key, context): return "missing \(key.stringValue)" + place(context)
        case let .typeMismatch(_, context), let .valueNotFound(_, context), let .dataCorrupted(context):
            return context.debugDescription + place(context)
        @unknown default: return "\(error)"
        }
    }

    /// " at a.b.c", or nothing for the document as a whole.
    private static func place(_ context: DecodingError.Context) -> String {
        context.codingPath.isEmpty ? "" : " at " + context.codingPath.map(\.stringValue).joined(separator: ".")
    }
}
