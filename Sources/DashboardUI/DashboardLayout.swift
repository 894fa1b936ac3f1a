/// Where each part of the dashboard goes at a given terminal size. The reducer uses it too,
/// so paging moves by exactly what the screen shows.
public struct DashboardLayout: Hashable, Sendable {
    public static let minimumWidth = 50
    public static let minimumHeight = 12
    /// From this width on, the index panel sits beside the table instead of below it.
    static let sidePanelWidth = 110
    static let panelColumns = 40
    static let stackedPanelRows = 6

    public let width: Int
    public let height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    public var isTooSmall: Bool { width < Self.minimumWidth || height < Self.minimumHeight }
    var panelBeside: Bool { width >= Self.sidePanelWidth }

    /// The table's first row (its header) and how many rows it has: header, data rows, the
    /// pinned "others" row and the status line.
    var tableTop: Int { 2 }
    var tableRows: Int { max(0, (panelBeside ? height - 3 : height - 3 - stackedRows)) }
    /// The stacked panel's rows: six when the table keeps six (header, three groups, "others",
    /// status), fewer on a short screen.
    var stackedRows: Int { min(Self.stackedPanelRows, max(2, height - 3 - 6)) }
    var tableWidth: Int { panelBeside ? width - Self.panelColumns - 1 : width }
    /// Data rows between the header and the pinned "others" row.
    var dataRows: Int { max(1, tableRows - 3) }
    /// The overview's status line: the selected group's flag and source, and the rows indicator.
    var statusY: Int { tableTop + tableRows - 1 }

    var panelX: Int { panelBeside ? tableWidth + 1 : 0 }
    var panelY: Int { panelBeside ? tableTop : tableTop + tableRows }
    var panelWidth: Int { panelBeside ? Self.panelColumns : width }
    var panelHeight: Int { panelBeside ? height - 3 : stackedRows }
    var footerY: Int { height - 1 }
}
