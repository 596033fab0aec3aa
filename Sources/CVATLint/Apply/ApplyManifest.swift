/// What `apply` may do: the flags of the command.
public struct ApplyOptions: Sendable {
    /// What becomes of shapes of a kind the target cannot take.
    public enum ShapePolicy: String, Sendable, Codable, CaseIterable {
        case polygon, drop
    }

    /// How media reach the output.
    public enum MediaMode: String, Sendable, Codable, CaseIterable {
        /// Hard links where the output is on the input's file system, copies elsewhere.
        case link
        case copy
    }

    /// Executes lossy actions too.
    public var allowLoss: Bool
    /// Leaves out annotations and images broken beyond repair, each accounted for.
    public var dropInvalid: Bool
    public var masks: ShapePolicy
    public var ellipses: ShapePolicy
    public var cuboids: ShapePolicy
    public var media: MediaMode

    public init(allowLoss: Bool = false, dropInvalid: Bool = false, masks: ShapePolicy = .polygon,
                ellipses: ShapePolicy = .polygon, cuboids: ShapePolicy = .polygon, media: MediaMode = .link) {
        self.allowLoss = allowLoss
        self.dropInvalid = dropInvalid
        self.masks = masks
        self.ellipses = ellipses
        self.cuboids = cuboids
        self.media = media
    }
}

/// A label × kind and how many annotations of it.
public struct LabelKindCount: Sendable, Codable, Hashable {
    public var label: String
    public var kind: String
    public var count: Int
}

/// Annotations of one input label × kind that reached one output label × kind (`produced` of them:
/// more when points are split, none when they are left out), and the steps that took them there.
public struct ApplyTransition: Sendable, Codable, Hashable {
    public var label: String
    public var kind: String
    /// nil when the annotations were left out.
    public var toLabel: String?
    public var toKind: String?
    public var count: Int
    public var produced: Int
    /// The action types (or `drop-invalid:<issue type>`) that made the change, in order.
    public var steps: [String]

    enum CodingKeys: String, CodingKey {
        case label, kind
        case toLabel = "to_label"
        case toKind = "to_kind"
        case count, produced, steps
    }
}

/// One action of the plan and what executing it did.
public struct ExecutedAction: Sendable, Codable, Hashable {
    public var action: ImportAction
    public var lossless: Bool
    /// Annotations (or media files, for media actions) it touched, per label × kind.
    public var touched: [LabelKindCount]
    public var note: String?
}

/// An action of the plan that was not executed, and why.
public struct SkippedAction: Sendable, Codable, Hashable {
    public var action: ImportAction
    public var lossless: Bool
    public var reason: String
}

/// `cvat-lint-apply.json`: the plan executed, what each action touched, and annotation counts before and
/// after, such that every difference is one of the transitions.
public struct ApplyManifest: Sendable, Codable {
    public var version = 1
    public var input: String
    public var output: String
    public var target: String
    public var allowLoss: Bool
    public var dropInvalid: Bool
    public var policies: [String: String]
    public var plan: ImportPlan
    public var executed: [ExecutedAction]
    public var skipped: [SkippedAction]
    public var transitions: [ApplyTransition]
    public var before: [LabelKindCount]
    public var after: [LabelKindCount]
    /// Images written, and images left out with their reason.
    public var images: ImageTally
    public var media: MediaTally
    public var checkBefore: SeverityCounts
    public var checkAfter: SeverityCounts?
    /// Errors the output still has, as `issue_type: first message`.
    public var remainingErrors: [String]
    /// Changes the counts do not show (declarations left out of `<meta>`, a task written).
    public var notes: [String] = []
    /// Where every input annotation went, per input label × kind (checked to add up before apply exits 0).
    public var conservation: [ConservationRow] = []

    enum CodingKeys: String, CodingKey {
        case version, input, output, target
        case allowLoss = "allow_loss"
        case dropInvalid = "drop_invalid"
        case policies, plan, executed, skipped, transitions, before, after, images, media
        case checkBefore = "check_before"
        case checkAfter = "check_after"
        case remainingErrors = "remaining_errors"
        case notes, conservation
    }
}

/// Images in and out.
public struct ImageTally: Sendable, Codable, Hashable {
    public var input: Int = 0
    public var written: Int = 0
    /// Images left out, by reason (an issue type).
    public var dropped: [String: Int] = [:]
    /// Images made from video frames.
    public var fromFrames: Int = 0

    enum CodingKeys: String, CodingKey {
        case input, written, dropped
        case fromFrames = "from_frames"
    }
}

/// Media files in and out.
public struct MediaTally: Sendable, Codable, Hashable {
    public var input: Int = 0
    public var linked: Int = 0
    public var copied: Int = 0
    /// Files written under another name than the input's.
    public var renamed: Int = 0
    /// Input files left out (junk, named by no output image), up to 100 listed.
    public var skipped: Int = 0
    public var skippedExamples: [String] = []

    enum CodingKeys: String, CodingKey {
        case input, linked, copied, renamed, skipped
        case skippedExamples = "skipped_examples"
    }
}
