/// The tables of a data directory's `engine/` folder: what the engine jobs write and LendScope
/// reads as it reads `loans/`. Each is a folder of CSV part files with a header, complete when
/// its `_SUCCESS` marker exists. Amounts are yuan with exactly two decimals.
public enum EngineTable: String, CaseIterable, Sendable {
    /// `period,platform,bank,loans,amount_cny`: new lending (as `lendscope aggregate` writes it).
    case originations
    /// `period,platform,status,amount_cny`: new lending by repayment status.
    case status
    /// `period,borrowers,multi_platform_2,multi_platform_3,amount_multi_platform_2_cny,amount_multi_platform_3_cny`:
    /// distinct borrowers of the period's new loans, those with loans from 2+ and 3+ groups, and their amounts.
    case stacking
    /// `period,table,a,b,value`: over-indebtedness at each period end (as `aggregate --indebtedness` writes it).
    case indebtedness
    /// `period,platform,new_cny,above_apr_<p>_cny…,cofunded_loans,cofunded_cny,below_floor_loans,below_floor_cny,`
    /// `in_force_below_loans,in_force_below_cny,funded_stated_loans`: pricing and the co-funding floor.
    case pricing
    /// `loans,platform_funded_column`: how many loan rows, and whether the input had `platform_funded_cny`.
    case summary

    /// The fixed columns, in order (pricing adds one `above_apr_<p>_cny` per threshold after `new_cny`).
    public var columns: [String] {
        switch self {
        case .originations: ["period", "platform", "bank", "loans", "amount_cny"]
        case .status: ["period", "platform", "status", "amount_cny"]
        case .stacking: ["period", "borrowers", "multi_platform_2", "multi_platform_3", "amount_multi_platform_2_cny",
                         "amount_multi_platform_3_cny"]
        case .indebtedness: ["period", "table", "a", "b", "value"]
        case .pricing: ["period", "platform", "new_cny", "cofunded_loans", "cofunded_cny", "below_floor_loans", "below_floor_cny",
                        "in_force_below_loans", "in_force_below_cny", "funded_stated_loans"]
        case .summary: ["loans", "platform_funded_column"]
        }
    }

    /// The marker of a complete table (Spark's, Hadoop's).
    public static let successMarker = "_SUCCESS"
    /// The output folder's job state: `running <id>` while a job writes, `done <id>` after.
    public static let jobMarker = "_JOB"

    /// `above_apr_24_cny` for 24% (`24.5` for 24.5%): a pricing column's name.
    public static func aboveColumn(percent: String) -> String { "above_apr_\(percent)_cny" }
}
