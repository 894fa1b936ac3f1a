-- Over-indebtedness at every quarter end, as LendScope defines it, in DuckDB SQL: the table
-- `lendscope aggregate --indebtedness` writes (period,table,a,b,value), row for row.
-- {loans} is a loan file (or a glob), {platforms} a platforms.csv (platform,group,...);
-- indebtedness_duckdb.py (beside this file) fills them in and runs it; `lendscope-bench` and
-- Tests/EndToEnd/indebtedness_check.py compare its rows with LendScope's.
-- A loan is outstanding at the end date E when originated <= E, originated + term_days > E
-- and, where closed_on is given, closed_on > E; percentiles are nearest-rank.
WITH loans AS (
    SELECT * FROM read_csv('{loans}', header = true, quote = '"', escape = '"', all_varchar = true)
),
typed AS (
    SELECT borrower_id, platform, CAST(amount_cny AS DECIMAL(18, 2)) AS amount, CAST(term_days AS INTEGER) AS term,
           CAST(originated AS DATE) AS originated,
           {closed_on} AS closed_on,
           status IN ('overdue', 'default', 'written_off') AS bad
    FROM loans
),
groups AS (
    SELECT platform, "group" AS grp FROM read_csv('{platforms}', header = true, all_varchar = true)
),
ends AS (
    SELECT DISTINCT year(originated) || 'Q' || quarter(originated) AS period,
           CAST(date_trunc('quarter', originated) + INTERVAL 3 MONTH - INTERVAL 1 DAY AS DATE) AS e
    FROM typed
),
outstanding AS (
    SELECT ends.period, t.borrower_id, coalesce(g.grp, t.platform) AS grp, t.amount, t.bad
    FROM typed t
    JOIN ends ON t.originated <= ends.e AND t.originated + t.term > ends.e
             AND (t.closed_on IS NULL OR t.closed_on > ends.e)
    LEFT JOIN groups g ON g.platform = t.platform
),
per_borrower AS (
    SELECT period, borrower_id, count(DISTINCT grp) AS n, sum(amount) AS debt,
           sum(CASE WHEN bad THEN amount ELSE 0 END) AS bad_amount
    FROM outstanding GROUP BY period, borrower_id
),
classes AS (
    SELECT period, CASE WHEN n >= 5 THEN '5+' ELSE CAST(n AS VARCHAR) END AS class, count(*) AS borrowers, sum(debt) AS amount
    FROM per_borrower GROUP BY ALL
),
class_names AS (SELECT unnest(['1', '2', '3', '4', '5+']) AS class),
periods AS (SELECT DISTINCT period FROM ends),
member AS (SELECT DISTINCT period, borrower_id, grp FROM outstanding),
ranked AS (
    SELECT period, debt, n >= 2 AS multi,
           row_number() OVER (PARTITION BY period ORDER BY debt) AS rn_all,
           count(*) OVER (PARTITION BY period) AS cnt_all,
           CASE WHEN n >= 2 THEN row_number() OVER (PARTITION BY period, n >= 2 ORDER BY debt) END AS rn_multi,
           count(*) OVER (PARTITION BY period, n >= 2) AS cnt_class
    FROM per_borrower
),
levels AS (SELECT * FROM (VALUES ('p50', 50), ('p90', 90), ('p99', 99)) AS v(name, p)),
result AS (
    SELECT period, 'borrowers' AS tbl, '' AS a, '' AS b, CAST(count(*) AS VARCHAR) AS value FROM per_borrower GROUP BY period
    UNION ALL
    SELECT p.period, 'by_groups', c.class, '', CAST(coalesce(k.borrowers, 0) AS VARCHAR)
    FROM periods p CROSS JOIN class_names c LEFT JOIN classes k ON k.period = p.period AND k.class = c.class
    UNION ALL
    SELECT p.period, 'amount_by_groups', c.class, '', CAST(coalesce(k.amount, CAST(0 AS DECIMAL(38, 2))) AS VARCHAR)
    FROM periods p CROSS JOIN class_names c LEFT JOIN classes k ON k.period = p.period AND k.class = c.class
    UNION ALL
    SELECT period, 'group_borrowers', grp, '', CAST(count(*) AS VARCHAR) FROM member GROUP BY period, grp
    UNION ALL
    SELECT x.period, 'overlap', x.grp, y.grp, CAST(count(*) AS VARCHAR)
    FROM member x JOIN member y ON x.period = y.period AND x.borrower_id = y.borrower_id AND x.grp < y.grp
    GROUP BY x.period, x.grp, y.grp
    UNION ALL
    SELECT r.period, 'debt_all', l.name, '', CAST(r.debt AS VARCHAR)
    FROM ranked r JOIN levels l ON r.rn_all = greatest(1, least(r.cnt_all, (l.p * r.cnt_all + 99) // 100))
    UNION ALL
    SELECT period, 'debt_all', 'max', '', CAST(max(debt) AS VARCHAR) FROM per_borrower GROUP BY period
    UNION ALL
    SELECT r.period, 'debt_multi', l.name, '', CAST(r.debt AS VARCHAR)
    FROM ranked r JOIN levels l ON r.multi AND r.rn_multi = greatest(1, least(r.cnt_class, (l.p * r.cnt_class + 99) // 100))
    UNION ALL
    SELECT period, 'debt_multi', 'max', '', CAST(max(debt) AS VARCHAR) FROM per_borrower WHERE n >= 2 GROUP BY period
    UNION ALL
    SELECT p.period, 'bad_amount', 'single', '',
           CAST(coalesce((SELECT sum(bad_amount) FROM per_borrower b WHERE b.period = p.period AND n = 1),
                         CAST(0 AS DECIMAL(38, 2))) AS VARCHAR)
    FROM periods p
    UNION ALL
    SELECT p.period, 'bad_amount', 'multi', '',
           CAST(coalesce((SELECT sum(bad_amount) FROM per_borrower b WHERE b.period = p.period AND n >= 2),
                         CAST(0 AS DECIMAL(38, 2))) AS VARCHAR)
    FROM periods p
)
SELECT period, tbl, a, b, value FROM result
