public import IPVS

/// The changes one reconcile pass would make, in the order they must be applied, with the
/// ownership that holds once they are. Pure data: computing it touches nothing; ``Planner``
/// makes it and `apply` carries it out.
public struct Plan: Sendable, Hashable {
    public var steps: [PlanStep]
    /// Ownership after the plan is applied (what to persist).
    public var ownership: Ownership
    /// Destinations still draining after this plan (they keep the loop re-checking).
    public var draining: Int

    public init(steps: [PlanStep] = [], ownership: Ownership = Ownership(), draining: Int = 0) {
        self.steps = steps
        self.ownership = ownership
        self.draining = draining
    }

    public var isEmpty: Bool { steps.isEmpty }
    public var changes: [IPVSChange] { steps.map(\.change) }
}

/// One kernel change and why it is in the plan.
public struct PlanStep: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        case create, update, delete, drain
    }

    public var kind: Kind
    public var change: IPVSChange
    /// The ids involved (`web`, `web/web-1`); empty for objects the file never named.
    public var subject: String

    public init(_ kind: Kind, _ change: IPVSChange, subject: String) {
        self.kind = kind
        self.change = change
        self.subject = subject
    }

    /// `+ -A -t 192.0.2.1:80 -s wrr   # web`: an ipvsadm line marked `+` create, `~` update,
    /// `-` delete, `0` drain (weight set to 0).
    public var description: String {
        let mark: String =
            switch kind {
            case .create: "+"
            case .update: "~"
            case .delete: "-"
            case .drain: "0"
            }
        return "\(mark) \(change)" + (subject.isEmpty ? "" : "   # \(subject)")
    }
}
