import MarketAnalytics

/// The statements both dialects share: the loans checked and typed, then each `EngineTable`.
extension EngineJob {
    var body: [String] {
        [check, typedLoans, periodEnds, write(.originations), write(.status), write(.stacking), outstanding,
         write(.indebtedness), write(.pricing), write(.summary)]
    }

    /// Fails the job at the first row LendScope would call malformed, naming its `loan_id`, so an
    /// engine never sums what LendScope would refuse (a CAST would round 12.345 silently).
    private var check: String {
        let d = dialect
        let yuan = "[0-9]+([.][0-9]{1,2})?"
        let date = "[0-9]{4}-[0-9]{2}-[0-9]{2}"
        var cases = [
            ("platform IS NULL OR platform = ''", "'platform is empty'"),
            ("bank IS NULL OR bank = ''", "'bank is empty'"),
            ("borrower_id IS NULL OR borrower_id = ''", "'borrower_id is empty'"),
            ("amount_cny IS NULL OR NOT \(d.matches("amount_cny", yuan))", "concat('amount_cny ', coalesce(amount_cny, ''), ' is not yuan with at most two decimals')"),
            ("CAST(amount_cny AS DECIMAL(38, 2)) = 0", "'amount_cny is zero: a loan is above zero'"),
            ("term_days IS NULL OR NOT \(d.matches("term_days", "0*[1-9][0-9]{0,8}"))", "concat('term_days ', coalesce(term_days, ''), ' is not a whole number of days from 1 to 999999999')"),
            ("originated IS NULL OR NOT \(d.matches("originated", date)) OR TRY_CAST(originated AS DATE) IS NULL",
             "concat('originated ', coalesce(originated, ''), ' is not an ISO date')"),
            ("rate_apr IS NULL OR NOT \(d.matches("rate_apr", "[0-9]+([.][0-9]{1,9})?"))", "concat('rate_apr ', coalesce(rate_apr, ''), ' is not a fraction with at most 9 decimals')"),
            ("status IS NULL OR status NOT IN ('current', 'repaid', 'overdue', 'default', 'written_off')", "concat('status ', coalesce(status, ''), ' is not current, repaid, overdue, default or written_off')"),
            ("closed_on IS NOT NULL AND (NOT \(d.matches("closed_on", date)) OR TRY_CAST(closed_on AS DATE) IS NULL)",
             "concat('closed_on ', closed_on, ' is not an ISO date')"),
            ("closed_on IS NOT NULL AND TRY_CAST(closed_on AS DATE) < TRY_CAST(originated AS DATE)", "'closed_on is before originated'"),
            ("platform_funded_cny IS NOT NULL AND NOT \(d.matches("platform_funded_cny", yuan))", "concat('platform_funded_cny ', platform_funded_cny, ' is not yuan with at most two decimals')"),
            ("platform_funded_cny IS NOT NULL AND CAST(platform_funded_cny AS DECIMAL(38, 2)) > CAST(amount_cny AS DECIMAL(38, 2))", "'platform_funded_cny is more than amount_cny'"),
        ]
        if platforms != nil {
            cases.append(("platform NOT IN (SELECT platform FROM platform_groups WHERE platform IS NOT NULL)",
                          "concat('platform ', platform, ' is not listed in ', \(d.literal(platforms ?? "")))"))
        }
        let listedTwice = platforms == nil ? "" : """

            UNION ALL
            SELECT \(d.fail("concat('platform ', platform, ' is listed twice in ', \(d.literal(platforms ?? "")))")) AS failure
            FROM platform_groups GROUP BY platform HAVING count(*) > 1
            """
        let whens = cases.map { "             WHEN \($0.0) THEN \($0.1)" }.joined(separator: "\n")
        return materialise("loan_problems", """
            SELECT \(d.fail("concat('loan ', coalesce(loan_id, '(no loan_id)'), ': ', problem)")) AS failure
            FROM (SELECT loan_id, CASE
            \(whens)
                  END AS problem
                  FROM loan_rows) checked
            WHERE problem IS NOT NULL\(listedTwice)
            LIMIT 1
            """)
    }

    /// Typed loans with their period, end date and group. Amounts DECIMAL(38,2), rates DECIMAL(38,9).
    private var typedLoans: String {
        let d = dialect
        return materialise("loans", """
            SELECT \(d.periodLabel(of: "t.originated", monthly: monthly)) AS period,
                   \(d.periodEnd(of: "t.originated", monthly: monthly)) AS period_end,
                   t.*, coalesce(g.grp, t.platform) AS grp, t.status IN ('overdue', 'default', 'written_off') AS bad
            FROM (SELECT platform, bank, borrower_id, CAST(amount_cny AS DECIMAL(38, 2)) AS amount,
                         CAST(term_days AS BIGINT) AS term, CAST(originated AS DATE) AS originated,
                         CAST(closed_on AS DATE) AS closed_on, CAST(rate_apr AS DECIMAL(38, 9)) AS rate, status,
                         coalesce(CAST(platform_funded_cny AS DECIMAL(38, 2)), CAST(0 AS DECIMAL(38, 2))) AS funded
                  FROM loan_rows) t
            LEFT JOIN platform_groups g ON g.platform = t.platform
            """)
    }

    /// The period ends: one for each period with new loans, as LendScope's.
    private var periodEnds: String {
        materialise("period_ends", "SELECT DISTINCT period, period_end AS e, \(periodIndex("period_end")) AS idx FROM loans")
    }

    /// A period's ordinal (year × 4 + quarter, or × 12 + month): consecutive periods differ by one.
    func periodIndex(_ date: String) -> String {
        monthly ? "(year(\(date)) * 12 + month(\(date)))" : "(year(\(date)) * 4 + quarter(\(date)))"
    }

    /// (period end, borrower, group, amount, bad) for every loan outstanding at a period end.
    ///
    /// Each loan is exploded over the ordinals of the periods it may be outstanding at the end of
    /// (from its origination's period to the period of its last day, capped at the last period
    /// with new loans), and joined to the period ends by equality on the ordinal: never a nested
    /// loop of loans × period ends. The exact conditions are then checked on the pairs.
    private var outstanding: String {
        let d = dialect
        // A term past a century is capped at the last period before any date arithmetic.
        let lastDay = d.addDays("l.originated", "l.term - 1")
        let last = "CASE WHEN l.term > 36500 THEN m.last_idx ELSE least(\(periodIndex(lastDay)), m.last_idx) END"
        return materialise("outstanding", """
            SELECT p.period, x.borrower_id, x.grp, x.amount, x.bad
            FROM (SELECT l.borrower_id, l.grp, l.amount, l.bad, l.originated, l.term, l.closed_on,
                         \(d.explodeRange(periodIndex("l.originated"), last)) AS idx
                  FROM loans l CROSS JOIN (SELECT max(idx) AS last_idx FROM period_ends) m) x
            JOIN period_ends p ON p.idx = x.idx
            WHERE x.originated <= p.e AND \(d.days(from: "x.originated", to: "p.e")) < x.term
                  AND (x.closed_on IS NULL OR x.closed_on > p.e)
            """)
    }

    private func write(_ table: EngineTable) -> String {
        write(table.rawValue, query(table))
    }

    static let zero = "CAST(0 AS DECIMAL(38, 2))"

    /// Money as text with exactly two decimals, by the engine's exact cast.
    func yuan(_ expression: String) -> String { "CAST(CAST(\(expression) AS DECIMAL(38, 2)) AS STRING)" }

    /// A sum of amounts where `condition` holds, zero when none does.
    func sum(where condition: String) -> String {
        yuan("coalesce(sum(CASE WHEN \(condition) THEN amount END), \(Self.zero))")
    }

    func count(where condition: String) -> String { "sum(CASE WHEN \(condition) THEN 1 ELSE 0 END)" }

    private func query(_ table: EngineTable) -> String {
        switch table {
        case .originations:
            return "SELECT period, platform, bank, count(*) AS loans, \(yuan("sum(amount)")) AS amount_cny\nFROM loans GROUP BY period, platform, bank"
        case .status:
            return "SELECT period, platform, status, \(yuan("sum(amount)")) AS amount_cny\nFROM loans GROUP BY period, platform, status"
        case .stacking:
            return """
                SELECT period, count(*) AS borrowers, \(count(where: "n >= 2")) AS multi_platform_2, \(count(where: "n >= 3")) AS multi_platform_3,
                       \(sum(where: "n >= 2")) AS amount_multi_platform_2_cny, \(sum(where: "n >= 3")) AS amount_multi_platform_3_cny
                FROM (SELECT period, borrower_id, count(DISTINCT grp) AS n, sum(amount) AS amount FROM loans GROUP BY period, borrower_id) b
                GROUP BY period
                """
        case .indebtedness:
            return indebtednessQuery
        case .pricing:
            let floor = "funded > 0 AND funded < amount AND funded * 10 < amount * 3"
            let inForce = "originated >= CAST(\(dialect.literal(CofundingFloor.inForceFrom.description)) AS DATE)"
            var columns = ["period", "platform", "\(yuan("sum(amount)")) AS new_cny"]
            for threshold in aprThresholds {
                columns.append("\(sum(where: "rate > CAST(\(dialect.literal(Self.fraction(threshold))) AS DECIMAL(38, 9))")) AS "
                    + EngineTable.aboveColumn(percent: String(threshold.description.dropLast())).sqlIdentifier(dialect))
            }
            columns += [
                "\(count(where: "funded > 0 AND funded < amount")) AS cofunded_loans",
                "\(sum(where: "funded > 0 AND funded < amount")) AS cofunded_cny",
                "\(count(where: floor)) AS below_floor_loans",
                "\(sum(where: floor)) AS below_floor_cny",
                "\(count(where: floor + " AND " + inForce)) AS in_force_below_loans",
                "\(sum(where: floor + " AND " + inForce)) AS in_force_below_cny",
                "CASE WHEN c.has_platform_funded THEN count(*) ELSE 0 END AS funded_stated_loans",
            ]
            return "SELECT " + columns.joined(separator: ",\n       ")
                + "\nFROM loans CROSS JOIN loan_columns c GROUP BY period, platform, c.has_platform_funded"
        case .summary:
            return "SELECT (SELECT count(*) FROM loans) AS loans, "
                + "CASE WHEN has_platform_funded THEN 'true' ELSE 'false' END AS platform_funded_column FROM loan_columns"
        }
    }

    /// `0.240000000` for 24%: a threshold as the exact fraction LendScope compares rates with.
    static func fraction(_ threshold: APRThreshold) -> String {
        let whole = threshold.billionths / 1_000_000_000, part = String(threshold.billionths % 1_000_000_000)
        return "\(whole)." + String(repeating: "0", count: 9 - part.count) + part
    }

    /// The long table of `IndebtednessTable`, row for row (pairs and groups with no borrower left out).
    private var indebtednessQuery: String {
        let d = dialect
        func rank(_ count: String) -> String { "greatest(1, least(\(count), \(d.divide("l.p * \(count) + 99", "100"))))" }
        return """
            WITH per_borrower AS (
                SELECT period, borrower_id, count(DISTINCT grp) AS n, sum(amount) AS debt,
                       coalesce(sum(CASE WHEN bad THEN amount END), \(Self.zero)) AS bad_amount
                FROM outstanding GROUP BY period, borrower_id
            ),
            class_names AS (SELECT * FROM (VALUES (1, '1'), (2, '2'), (3, '3'), (4, '4'), (5, '5+')) AS v(k, class)),
            classes AS (
                SELECT period, least(n, 5) AS k, count(*) AS borrowers, sum(debt) AS amount FROM per_borrower GROUP BY period, least(n, 5)
            ),
            member AS (SELECT DISTINCT period, borrower_id, grp FROM outstanding),
            ranked AS (
                SELECT period, debt, n >= 2 AS multi,
                       row_number() OVER (PARTITION BY period ORDER BY debt) AS rn_all,
                       count(*) OVER (PARTITION BY period) AS cnt_all,
                       row_number() OVER (PARTITION BY period, n >= 2 ORDER BY debt) AS rn_class,
                       count(*) OVER (PARTITION BY period, n >= 2) AS cnt_class
                FROM per_borrower
            ),
            levels AS (SELECT * FROM (VALUES ('p50', 50), ('p90', 90), ('p99', 99)) AS v(name, p))
            SELECT p.period, 'borrowers' AS `table`, '' AS a, '' AS b, CAST(coalesce(count(b.borrower_id), 0) AS STRING) AS value
            FROM period_ends p LEFT JOIN per_borrower b ON b.period = p.period GROUP BY p.period
            UNION ALL
            SELECT p.period, 'by_groups', c.class, '', CAST(coalesce(k.borrowers, 0) AS STRING)
            FROM period_ends p CROSS JOIN class_names c LEFT JOIN classes k ON k.period = p.period AND k.k = c.k
            UNION ALL
            SELECT p.period, 'amount_by_groups', c.class, '', \(yuan("coalesce(k.amount, \(Self.zero))"))
            FROM period_ends p CROSS JOIN class_names c LEFT JOIN classes k ON k.period = p.period AND k.k = c.k
            UNION ALL
            SELECT period, 'group_borrowers', grp, '', CAST(count(*) AS STRING) FROM member GROUP BY period, grp
            UNION ALL
            SELECT x.period, 'overlap', x.grp, y.grp, CAST(count(*) AS STRING)
            FROM member x JOIN member y ON x.period = y.period AND x.borrower_id = y.borrower_id AND x.grp < y.grp
            GROUP BY x.period, x.grp, y.grp
            UNION ALL
            SELECT r.period, 'debt_all', l.name, '', \(yuan("r.debt"))
            FROM ranked r JOIN levels l ON r.rn_all = \(rank("r.cnt_all"))
            UNION ALL
            SELECT period, 'debt_all', 'max', '', \(yuan("max(debt)")) FROM per_borrower GROUP BY period
            UNION ALL
            SELECT r.period, 'debt_multi', l.name, '', \(yuan("r.debt"))
            FROM ranked r JOIN levels l ON r.multi AND r.rn_class = \(rank("r.cnt_class"))
            UNION ALL
            SELECT period, 'debt_multi', 'max', '', \(yuan("max(debt)")) FROM per_borrower WHERE n >= 2 GROUP BY period
            UNION ALL
            SELECT p.period, 'bad_amount', 'single', '', \(yuan("coalesce(sum(CASE WHEN b.n = 1 THEN b.bad_amount END), \(Self.zero))"))
            FROM period_ends p LEFT JOIN per_borrower b ON b.period = p.period GROUP BY p.period
            UNION ALL
            SELECT p.period, 'bad_amount', 'multi', '', \(yuan("coalesce(sum(CASE WHEN b.n >= 2 THEN b.bad_amount END), \(Self.zero))"))
            FROM period_ends p LEFT JOIN per_borrower b ON b.period = p.period GROUP BY p.period
            """.replacingOccurrences(of: "`table`", with: "table".sqlIdentifier(d))
    }
}

extension String {
    /// A column name quoted for the dialect (`table` is a keyword in both).
    func sqlIdentifier(_ dialect: SQLDialect) -> String {
        switch dialect {
        case .duckdb: "\"" + replacingOccurrences(of: "\"", with: "\"\"") + "\""
        case .spark: "`" + replacingOccurrences(of: "`", with: "``") + "`"
        }
    }
}
