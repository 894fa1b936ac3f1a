/// A bank's exposure to the merged partner under the 25% cap, where the merger makes it breach.
public struct MergerCapBreach: Sendable, Hashable {
    public let bank: String
    /// The merged partner's balance with the bank, the parties' related groups included, over net
    /// tier-1 capital.
    public let exposureToTier1After: Double
    /// Each party's exposure (its related parties included) over net tier-1 capital before, by party.
    public let exposureToTier1Before: [String: Double]
    /// Groups counted besides the parties (their related parties), by name.
    public let relatedCounted: [String]
    /// The amount over the cap after the merger, in yuan.
    public let excessCNY: Double
}

extension PeriodAnalysis {
    /// The (bank, merged partner) pairs that would newly breach the 25% cap: over it after the
    /// merger, while the bank was within the cap with every party before. Largest first.
    func capBreachesCreated(merging parties: [String], related: RelatedPartyIndex) -> [MergerCapBreach] {
        let partySet = Set(parties)
        var created: [MergerCapBreach] = []
        for bank in banks {
            guard let tier1 = bank.figures?.tier1CapitalCNY, tier1 > 0,
                  parties.contains(where: { bank.exposures[$0] != nil }) else { continue }
            if parties.contains(where: { bank.partnersOverCap.contains($0) }) { continue }
            let relatedGroups = Set(parties.flatMap { related.relatedGroups(of: $0) }).subtracting(partySet)
            let counted = relatedGroups.filter { (bank.exposures[$0] ?? 0) > 0 }.sorted()
            let amount = (parties.sorted() + counted).reduce(0.0) { $0 + (bank.exposures[$1] ?? 0) }
            guard ColendingCap.singlePartner.isBreached(amount: amount, base: tier1) else { continue }
            var before: [String: Double] = [:]
            for party in parties { before[party] = bank.exposureToTier1(party) ?? 0 }
            created.append(MergerCapBreach(bank: bank.bank, exposureToTier1After: amount / tier1,
                                           exposureToTier1Before: before, relatedCounted: counted,
                                           excessCNY: amount - ColendingCap.singlePartner.limit * tier1))
        }
        return created.sorted { ($0.exposureToTier1After, $1.bank) > ($1.exposureToTier1After, $0.bank) }
    }
}
