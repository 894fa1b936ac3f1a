/// Who is related to whom, as the 25% cap reads `related_parties.csv`: symmetric, one hop.
///
/// A link's ends are names of platform groups, platforms (read as their group) or banks. A
/// partner's related parties are the groups linked to the group itself or to one of its
/// platforms; their own related parties are not followed (the notice says "单一合作方（含其关联方）":
/// a partner and its related parties, not theirs in turn).
struct RelatedPartyIndex {
    private var groupsOfGroup: [String: Set<String>] = [:]
    private var groupsOfBank: [String: Set<String>] = [:]

    init(_ dataset: MarketDataset) {
        guard !dataset.relatedParties.isEmpty else { return }
        // A bank is one banks.csv lists, or, without it, one the balances name.
        let banks = Set(dataset.banks.keys).union(dataset.balances.map(\.bank))
        for link in dataset.relatedParties {
            for (a, b) in [(link.party, link.relatedParty), (link.relatedParty, link.party)] {
                let groupA = dataset.group(of: a), groupB = dataset.group(of: b)
                if groupA != groupB { groupsOfGroup[groupA, default: []].insert(groupB) }
                if banks.contains(a) { groupsOfBank[a, default: []].insert(groupB) }
            }
        }
    }

    /// The groups related to `group` (never `group` itself), by name.
    func relatedGroups(of group: String) -> [String] {
        (groupsOfGroup[group] ?? []).sorted()
    }

    /// True when the bank itself is linked to the group or one of its platforms.
    func isBank(_ bank: String, relatedTo group: String) -> Bool {
        groupsOfBank[bank]?.contains(group) ?? false
    }
}
