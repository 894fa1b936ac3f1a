import TerminalText

/// A line made of whole parts with priorities (0 = must stay). When it is wider than the screen,
/// the least important parts go whole, the rightmost first among equals, so a period, a time or
/// a verdict is never cut mid-word; what went is returned, so the caller can say where it is.
struct PriorityLine {
    struct Part {
        var text: String
        var priority: Int
        /// A name or typed text may shorten to this many cells (with an ellipsis) before any
        /// priority-0 part goes; nil: the part is whole or gone (a figure, a time, a verdict).
        var shrinksTo: Int? = nil
    }

    var parts: [Part]
    var separator: String
    var lead = " "

    func text(_ kept: [Part]) -> String { lead + kept.map(\.text).joined(separator: separator) }

    /// The parts that fit in `width` cells, in their order, and the ones dropped.
    func fit(width: Int) -> (text: String, dropped: [Part]) {
        var kept = parts
        var dropped: [Part] = []
        while DisplayWidth.of(text(kept)) > width, kept.count > 1,
              let least = kept.indices.reversed().max(by: { kept[$0].priority < kept[$1].priority }),
              kept[least].priority > 0 {
            dropped.append(kept.remove(at: least))
        }
        // Then names shorten, the longest first, down to their minimum.
        while DisplayWidth.of(text(kept)) > width,
              let longest = kept.indices.filter({ index in
                  kept[index].shrinksTo.map { minimum in DisplayWidth.of(kept[index].text) > minimum } ?? false
              }).max(by: { DisplayWidth.of(kept[$0].text) < DisplayWidth.of(kept[$1].text) }) {
            let excess = DisplayWidth.of(text(kept)) - width
            let target = max(kept[longest].shrinksTo!, DisplayWidth.of(kept[longest].text) - excess)
            kept[longest].text = DisplayWidth.fit(kept[longest].text, width: target)
            kept[longest].shrinksTo = nil // once
        }
        // Still too wide (a very narrow screen): whole parts go from the end, never half of one.
        while DisplayWidth.of(text(kept)) > width, kept.count > 1 { dropped.append(kept.removeLast()) }
        return (text(kept), dropped)
    }
}
