/// Every date the CBIRC co-lending rules use, in one place: alerts, the trends' events, the
/// glossary, `report`, the loan parser, the engine jobs and the README all read them from here.
///
/// Two texts set the dates:
/// - CBIRC, 商业银行互联网贷款管理暂行办法 (Interim Measures for the internet loans of commercial
///   banks, CBIRC order 2020 No. 9), published and in force on 2020-07-17. It splits old and new
///   business (新老划断) with a two-year transition: new business complies from the start, existing
///   business must be rectified by the end of the transition, 2022-07-17. (The CBIRC's answers on
///   the draft: "设置两年过渡期。办法实施之日起，新增业务应当符合办法规定。过渡期结束后，商业银行存量
///   互联网贷款业务应遵守办法规定。")
/// - CBIRC General Office, 关于进一步规范商业银行互联网贷款业务的通知 (银保监办发〔2021〕24号),
///   issued 2021-02-20, item 6: "本通知第二条、第五条自2022年1月1日起执行，存量业务自然结清，其他规定
///   过渡期与《办法》一致。" — items 2 (the 30% floor) and 5 (no out-of-region lending) apply from
///   1 January 2022, existing business running off as it matures; the other items (3: 25% of net
///   tier-1 capital per partner, 4: 50% of total loans) follow the Measures' transition.
/// - The transition was later extended to 2023-06-30 (CBIRC, July 2022; the project's domain
///   notes record it as sourced).
///
/// Where sources disagree, this calendar follows the notice's own item 6 over secondary
/// summaries: earlier versions of LendScope applied the floor from the notice's issue date
/// (2021-02-20); the notice says 2022-01-01. The caps apply from the notice's issue to new business
/// and are in transition for existing business until the extended deadline, 2023-06-30; a period
/// ending on the deadline itself is `in_force` (rectification is due by that day).
public enum RuleCalendar {
    /// The Interim Measures, published and in force.
    public static let interimMeasures = CalendarDate(year: 2020, month: 7, day: 17)!
    /// The February 2021 notice (银保监办发〔2021〕24号), issued.
    public static let noticeIssued = CalendarDate(year: 2021, month: 2, day: 20)!
    /// Items 2 and 5 of the notice apply to new loans from this day (item 6).
    public static let newLoansFrom = CalendarDate(year: 2022, month: 1, day: 1)!
    /// The end of the Measures' two-year transition, as first set.
    public static let rectificationDeadline = CalendarDate(year: 2022, month: 7, day: 17)!
    /// The transition's end as extended: existing business complies from this day.
    public static let rectificationDeadlineExtended = CalendarDate(year: 2023, month: 6, day: 30)!

    public static let noticeSource = "CBIRC notice on internet loans of commercial banks (银保监办发〔2021〕24号)"
    public static let measuresSource = "CBIRC Interim Measures for internet loans of commercial banks (2020 No. 9)"

    /// The notice's item 6, the sentence every date below follows.
    public static let transitionText = "item 6: items 2 and 5 apply from 2022-01-01, existing business running off as it "
        + "matures; the other items follow the transition of the Interim Measures (rectification by 2022-07-17, "
        + "extended to 2023-06-30)"

    /// A dated event for the trends chart and the HTML and text reports.
    public struct Event: Sendable, Hashable {
        public let date: CalendarDate
        public let text: String
    }

    /// The events on the time axis, oldest first: the rule dates above and the market events of
    /// the founding story.
    public static let events: [Event] = [
        Event(date: interimMeasures, text: "Interim Measures: two-year transition begins"),
        Event(date: CalendarDate(year: 2020, month: 11, day: 2)!, text: "online micro-lending draft (never finalised)"),
        Event(date: CalendarDate(year: 2020, month: 11, day: 3)!, text: "Ant Group IPO suspended"),
        Event(date: noticeIssued, text: "CBIRC notice: 25% tier-1 / 50% loans caps (transition)"),
        Event(date: newLoansFrom, text: "30% floor and regional rule apply to new loans"),
        Event(date: rectificationDeadline, text: "rectification deadline (later extended)"),
        Event(date: rectificationDeadlineExtended, text: "extended deadline: caps fully in force"),
    ]

    /// Where a rule stands at a period's end.
    public enum State: Hashable, Sendable {
        /// The period ends before the rule applies: its figures would breach a rule not yet made.
        case notYet
        /// The rule applies, but existing business may run until `until`.
        case transition(until: CalendarDate)
        case inForce

        /// The JSON code.
        public var code: String {
            switch self {
            case .notYet: return "not_yet"
            case .transition: return "transition"
            case .inForce: return "in_force"
            }
        }

        /// The screen mark: `~` not yet, `»` in transition, `!` in force (the glossary says so).
        public var mark: String {
            switch self {
            case .notYet: return "~"
            case .transition: return "»"
            case .inForce: return "!"
            }
        }

        /// Words for a status line or a report.
        public var label: String {
            switch self {
            case .notYet: return "rule not yet in force"
            case .transition(let until): return "transition: existing business may run until \(until)"
            case .inForce: return "in force"
            }
        }

        /// The deadline of a transition; nil otherwise.
        public var until: CalendarDate? {
            if case .transition(let until) = self { return until }
            return nil
        }

        /// True once the rule applies at all (`transition` or `in_force`): what `in_force` means in JSON.
        public var applies: Bool { self != .notYet }
    }

    /// The state of a co-lending cap (items 3 and 4) at a period ending on `date`.
    public static func capState(on date: CalendarDate) -> State {
        if date < noticeIssued { return .notYet }
        if date < rectificationDeadlineExtended { return .transition(until: rectificationDeadlineExtended) }
        return .inForce
    }

    /// The state of the 30% floor (item 2) for loans made in a period ending on `date`: it binds
    /// new loans from 2022-01-01 and never loans made before (they run off as they mature).
    public static func floorState(on date: CalendarDate) -> State {
        date < newLoansFrom ? .notYet : .inForce
    }

    /// True when a loan originated on `date` is bound by the floor.
    public static func floorBinds(loanOriginatedOn date: CalendarDate) -> Bool { date >= newLoansFrom }
}
