import MarketAnalytics

/// Every word, abbreviation and mark the screens and reports use, defined once: the help
/// screen's glossary, the index table's "convention" column (export and `report`) and the README
/// all read from here, so a definition cannot drift between them.
public enum Glossary {
    public struct Entry: Sendable {
        /// A stable key (the index table's `index` column where the entry is an index).
        public let id: String
        /// As it appears on screen.
        public let term: String
        public let definition: String
    }

    /// The terms, in the order the help screen lists them: first the market-share figures, then
    /// the ones among the reported groups only, then the bank and pairing columns, then marks.
    public static let entries: [Entry] = [
        Entry(id: "hhi", term: "HHI, market",
              definition: "Herfindahl–Hirschman index on market shares, 0–10,000 (shares in percent, squared); "
                  + "the lower bound: the unreported part as many tiny firms"),
        Entry(id: "hhi_upper", term: "bounds, upper if",
              definition: "the upper bound of the market HHI, under the stated assumption about the largest "
                  + "unreported lender (Kvålseth 2018)"),
        Entry(id: "hhi_upper_no_assumption", term: "no-assumption max",
              definition: "the market HHI if the whole unreported remainder were one firm: the bound that assumes nothing"),
        Entry(id: "cr", term: "CR1 CR3 CR4 CR5 CR8",
              definition: "concentration ratio: the k largest groups' combined share of the market (market shares)"),
        Entry(id: "hhi_platforms", term: "HHI among groups",
              definition: "HHI of the reported groups' shares of their own sum (not of the market), 0–10,000: how "
                  + "unequal the platforms are among themselves, never a market verdict"),
        Entry(id: "hhi_normalized", term: "normalised (norm)",
              definition: "(H − 1/N)/(1 − 1/N) on the groups' own shares, 0–1"),
        Entry(id: "equivalent_firms", term: "equivalent firms (firms)",
              definition: "10,000 / HHI among groups: how many equal groups would give that HHI"),
        Entry(id: "gini", term: "Gini",
              definition: "inequality of the groups' balances, 0–1, uncorrected (R ineq default); corrected × N/(N−1)"),
        Entry(id: "entropy", term: "Entropy",
              definition: "Shannon entropy of the groups' own shares, natural log; relative = entropy / ln N"),
        Entry(id: "theil_t", term: "Theil T", definition: "ln N − entropy on the groups' own shares (not Theil L)"),
        Entry(id: "hall_tideman", term: "Hall–Tideman", definition: "1 / (2 Σ i·sᵢ − 1) on the groups' own shares, ranked"),
        Entry(id: "dominance", term: "Dominance", definition: "García-Alba index Σ (sᵢ²/H)² on the groups' own shares"),
        Entry(id: "linda", term: "Linda", definition: "Linda index of the groups' own shares; K = number of groups, equal shares give 1/K"),
        Entry(id: "delta_pp", term: "Δ pp", definition: "change in market share from the previous period, in percentage points"),
        Entry(id: "others", term: "others (unreported)", definition: "the market total less the reported groups: lenders not in the data"),
        Entry(id: "exp_t1", term: "Exp/T1",
              definition: "a bank's co-lending balance with one partner group and the group's related parties "
                  + "(related_parties.csv, one hop) over its net tier-1 capital in the period; cap 25% (CBIRC 2021); in the "
                  + "banks view, its largest partner's"),
        Entry(id: "colend", term: "Colend",
              definition: "a bank's co-lending balance with all platforms over its total loans; cap 50% (CBIRC 2021)"),
        Entry(id: "top_share", term: "Top partner, Top %",
              definition: "the partner group the bank funds most (its largest co-lending balance), and that balance's "
                  + "share of the bank's platform-sourced balance"),
        Entry(id: "partner_hhi", term: "HHI (banks view)",
              definition: "partner HHI: how concentrated a bank's platform lending is across groups, 0–10,000 "
                  + "(10,000 = one partner only)"),
        Entry(id: "over_cap_count", term: ">25%", definition: "how many partner groups are above 25% of the bank's tier-1 capital"),
        Entry(id: "bank_dep", term: "Bank dep., Of bank",
              definition: "the pairing's share of the bank's platform funding: how much the bank depends on this group"),
        Entry(id: "of_group", term: "Of group", definition: "the pairing's share of the group's funding"),
        Entry(id: "funder_hhi", term: "funder HHI",
              definition: "how concentrated a group's funding is across banks, 0–10,000"),
        Entry(id: "marks", term: "! » ~",
              definition: "a rule's state at the period's end (one rule calendar): ! in force; » in transition (the "
                  + "caps from \(RuleCalendar.noticeIssued), existing business may run until "
                  + "\(RuleCalendar.rectificationDeadlineExtended), first set for \(RuleCalendar.rectificationDeadline)); "
                  + "~ not yet in force (the caps before \(RuleCalendar.noticeIssued), the 30% floor on loans made before "
                  + "\(RuleCalendar.newLoansFrom))"),
        Entry(id: "warning", term: "warning",
              definition: "an early warning: an exposure within a cap but at or above --warn-at of it (default 80%: "
                  + "20% of tier-1, 40% of loans); listed after the breaches"),
        Entry(id: "stale", term: "stale†",
              definition: "a bank's capital or total loans figure from more than \(BankFigures.staleAfter) periods before "
                  + "the period shown (banks.csv by period); a period with no figure at or before it shows \"no capital "
                  + "figure\" and no ratio"),
        Entry(id: "related", term: "related, counting",
              definition: "related parties (related_parties.csv): a partner's exposure under the 25% cap adds the "
                  + "balances of the groups linked to it or to its platforms, one hop; a bank linked to its partner is marked"),
        Entry(id: "projection", term: "projected breach",
              definition: "a projection, not a finding: the average step of a cap ratio over the last four periods "
                  + "carried forward to the first period it would pass the cap; none when flat, falling or with fewer periods"),
        Entry(id: "changes", term: "changed since",
              definition: "alerts compared with the previous period by rule, bank and partner: new, resolved, worse or "
                  + "better (moved by at least 1 percentage point; HHI by 100)"),
        Entry(id: "flags", term: "S D R* E*, [S] [E]",
              definition: "provenance: sourced, derived from sourced figures, recalled (check it), estimated; "
                  + "S/E* = total sourced, split across banks estimated"),
        Entry(id: "stacking", term: "stacking",
              definition: "borrowers with loans originated in the period from two or more (three or more) groups, from "
                  + "loan files; over-indebtedness (o) counts debts outstanding at the period's end instead"),
        Entry(id: "outstanding", term: "outstanding at E",
              definition: "a loan originated on or before the period's end E whose term runs past E (originated + "
                  + "term_days > E) and, when closed_on is given, that closed after E; its amount is the principal "
                  + "at origination (repayments within the term are not modelled unless closed_on ends the loan)"),
        Entry(id: "owing_groups", term: "on 2+ groups",
              definition: "borrowers whose outstanding loans at E come from two or more platform groups; classes "
                  + "1, 2, 3, 4, 5+ count borrowers by the number of groups they owe to, with what they owe in all"),
        Entry(id: "overlap", term: "overlap",
              definition: "borrowers owing to both groups of a pair at E; the o matrix shades it as a share of the "
                  + "row group's borrowers (the column group's share is on the status line)"),
        Entry(id: "debt_percentiles", term: "p50 / p90 / p99",
              definition: "percentiles of a borrower's total outstanding debt, nearest rank: the value at rank "
                  + "ceil(p/100 × N) of the N debts in ascending order"),
        Entry(id: "bad_rate", term: "bad rate",
              definition: "the share by amount of outstanding loans overdue, in default or written off, among "
                  + "borrowers on one group and among those on 2+ groups"),
        Entry(id: "min_cell", term: "<10 n<10 x",
              definition: "hidden by --min-cell N (10 in a read-only kiosk): <10 a count of fewer than N borrowers, n<10 an "
                  + "amount or percentile of fewer than N (the max debt always), x a figure of N or more hidden so that none "
                  + "of them can be worked out by subtraction; empty in exports, null in JSON"),
        Entry(id: "apr_above", term: "> 24%, > 36%",
              definition: "the share of new lending (by amount) at an annual rate strictly above each threshold "
                  + "(--apr-thresholds; 24% and 36% are the lines of the 2015 private-lending rules)"),
        Entry(id: "cofunding_floor", term: "30% co-fund",
              definition: "CBIRC 2021 notice, item 2: in each co-funded loan the platform funds at least 30%; loans "
                  + "where it funds more than nothing and less than all count as co-funded; exactly 30% complies"),
        Entry(id: "type_codes", term: "Type codes",
              definition: "bank types shortened to their initials on narrow screens (CC city commercial; OWN a group's "
                  + "own lending arm); the selected row's full type is on the status line"),
        Entry(id: "matrix_codes", term: "matrix columns",
              definition: "banks shortened to their initials (ICBC) or, where initials collide, a word that tells them "
                  + "apart (Const for China Construction Bank); the help lists them, the status line names the selected cell's"),
    ]

    /// The definition for a key; an unknown key is a programming error caught by the tests.
    public static func definition(_ id: String) -> String {
        entries.first { $0.id == id }?.definition ?? ""
    }
}
