import CVATLint

/// Statistics turned into findings, when the configuration asks: labels with too few annotations, and a
/// largest-to-smallest label ratio past a limit. Off unless `thresholds:` sets them.
final class LabelBalance: ShapeRule {
    static let description = RuleDescription(
        id: "label-balance",
        defaultSeverity: .warning,
        category: .labels,
        summary: "a label with fewer annotations than thresholds.min_annotations_per_label, or labels out of balance",
        rationale: """
            A class with a handful of examples is one a model will not learn, and a dataset whose largest \
            class outnumbers its smallest a hundredfold trains a model that ignores the small one. Both are \
            judgements about a dataset, not errors in a file, so this rule says nothing until the \
            configuration sets thresholds.min_annotations_per_label or thresholds.max_imbalance_ratio.
            """,
        issueTypes: [.init("label_too_few_annotations"), .init("label_imbalance")],
        triggering: [
            RuleExample("car drawn twice, bus once, with min_annotations_per_label: 2", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["car", "↓bus"]), body: RuleExample.imageElement("""
                    <box label="car" xtl="1" ytl="1" xbr="5" ybr="5"/>
                    <box label="car" xtl="2" ytl="2" xbr="6" ybr="6"/>
                    <box label="bus" xtl="1" ytl="1" xbr="5" ybr="5"/>
                    """))).configured("thresholds:\n  min_annotations_per_label: 2\n"),
            RuleExample("car three times as common as bus, with max_imbalance_ratio: 2", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["↓car", "bus"]), body: RuleExample.imageElement("""
                    <box label="car" xtl="1" ytl="1" xbr="5" ybr="5"/>
                    <box label="car" xtl="2" ytl="2" xbr="6" ybr="6"/>
                    <box label="car" xtl="3" ytl="3" xbr="7" ybr="7"/>
                    <box label="bus" xtl="1" ytl="1" xbr="5" ybr="5"/>
                    """))).configured("thresholds:\n  max_imbalance_ratio: 2\n"),
        ],
        nonTriggering: [
            RuleExample("the same counts with no thresholds set", xml: RuleExample.document(
                meta: RuleExample.task(labels: ["car", "bus"]), body: RuleExample.imageElement("""
                    <box label="car" xtl="1" ytl="1" xbr="5" ybr="5"/>
                    <box label="bus" xtl="1" ytl="1" xbr="5" ybr="5"/>
                    """))),
        ])

    private let context: RuleContext
    @exclusivity(unchecked) private var counts: [String: Int] = [:]
    private var order: [String] = []

    init(context: RuleContext) { self.context = context }

    /// Nothing to count unless a threshold asks.
    private lazy var enabled = context.options.thresholds.minimumAnnotationsPerLabel != nil
        || context.options.thresholds.maximumImbalanceRatio != nil

    func visitImage(_ image: ImageRecord) {
        guard enabled else { return }
        for shape in image.shapes { visitShape(shape, label: shape.label, track: nil) }
    }

    func visitShape(_ shape: Shape, label: String, track: TrackRecord?) {
        guard enabled, !shape.outside else { return }
        if counts[label] == nil { order.append(label) }
        counts[label, default: 0] += 1
    }

    func finish() {
        let thresholds = context.options.thresholds
        let facts = context.facts
        let place = { (label: String) in facts.label(label)?.location ?? facts.kinds(of: label)?.values.min() }
        if let minimum = thresholds.minimumAnnotationsPerLabel {
            for label in order {
                guard let count = counts[label], count < minimum else { continue }
                context.report("label '\(label)' has \(counted(count, "annotation")), fewer than min_annotations_per_label \(minimum)",
                               at: place(label), issueType: "label_too_few_annotations") { $0.label = label }
            }
        }
        if let limit = thresholds.maximumImbalanceRatio,
           let largest = order.max(by: { (counts[$0] ?? 0, $1) < (counts[$1] ?? 0, $0) }),
           let smallest = order.min(by: { (counts[$0] ?? 0, $0) < (counts[$1] ?? 0, $1) }),
           let most = counts[largest], let least = counts[smallest], least > 0, Double(most) / Double(least) > limit {
            let ratio = (Double(most) / Double(least) * 10).rounded() / 10
            context.report("label '\(largest)' has \(most) annotations and '\(smallest)' \(least): \(ratio):1, over max_imbalance_ratio \(limit.clean)",
                           at: place(largest), issueType: "label_imbalance") { $0.label = largest }
        }
    }
}
