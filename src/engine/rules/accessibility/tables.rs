//! Data tables: which tables are data tables (axe-core's heuristic, read from markup), the
//! grid of slots that row and column spans make, which header cells describe a cell, and the
//! rules on header cells, captions and summaries.
//!
//! Layout and computed styles are not available, so two of axe's data-table signals are read
//! from markup only: cell borders come from the table's `border` attribute, and differently
//! coloured rows from `bgcolor` and inline `background` styles on rows.

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use ego_tree::{NodeId, Tree};
use scraper::{ElementRef, Html, Node};

use super::names::{Names, aria_label};
use super::roles::{is_concrete_role, is_focusable};
use super::verdict::{Verdict, judge, require};
use crate::engine::page::Page;
use crate::engine::page::dom::{Attribute, ancestors_inclusive, text_content, visible_text};
use crate::engine::page::index::ByNode;
use crate::engine::rules::{Check, Refs, Rule};
use crate::report::wording::{counted, plural};
use crate::sel;

/// Tables whose spans make more slots than this are not analysed (hostile markup).
const MAX_SLOTS: usize = 250_000;
/// The largest `colspan` browsers honour.
const MAX_COLSPAN: usize = 1000;
/// A layout table has fewer cells than this (axe's heuristic).
const MIN_DATA_CELLS: usize = 10;
/// A table with at least this many columns in its middle row is a data table.
const MANY_COLUMNS: usize = 5;
/// A table with at least this many rows is a data table.
const MANY_ROWS: usize = 20;
/// A table wider than this share of the viewport is a layout table.
const WIDE_PERCENT: f64 = 95.0;
/// td-has-header applies to data tables of at least this many rows and columns.
const LARGE_TABLE: usize = 3;

/// Roles that make a table a data table when set on it: table roles and landmarks.
const DATA_TABLE_ROLES: &[&str] = &[
    "grid",
    "treegrid",
    "table",
    "banner",
    "complementary",
    "contentinfo",
    "form",
    "main",
    "navigation",
    "region",
    "search",
];

/// Elements that are content even without text (axe's "visual content").
const VISUAL_CONTENT: &[&str] = &[
    "img", "iframe", "object", "video", "audio", "canvas", "svg", "math", "button", "select",
    "textarea", "keygen", "progress", "meter", "input",
];

/// How a header cell applies: to its row, its column, or (a `<th>` in a mixed row and column)
/// both.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    Row,
    Col,
    Auto,
}

/// A table as a grid of slots: each cell fills `colspan × rowspan` slots. It holds node ids,
/// not element references, so that a page can keep it for all the rules on its tables (see
/// [`DataTables`]); [`Grid::elements`] gives the cells' elements.
struct Grid {
    rows: usize,
    /// Each cell's element, in `table.rows` order.
    cells: Vec<NodeId>,
    /// The cell index in each slot, row by row (`None` where no cell reaches).
    slots: Vec<Vec<Option<usize>>>,
    /// Each cell's first slot: (row, column).
    position: Vec<(usize, usize)>,
    /// Each cell's (rowspan, colspan) as laid out.
    span: Vec<(usize, usize)>,
    /// Each cell's header scope (`None` for a data cell).
    scope: Vec<Option<Scope>>,
}

/// The rows of a table in `table.rows` order: header rows, body rows, then footer rows.
fn table_rows(table: ElementRef<'_>) -> Vec<ElementRef<'_>> {
    let is_row = |e: &ElementRef<'_>| e.value().name() == "tr";
    let (mut head, mut body, mut foot) = (Vec::new(), Vec::new(), Vec::new());
    for child in table.child_elements() {
        match child.value().name() {
            "tr" => body.push(child),
            "thead" => head.extend(child.child_elements().filter(is_row)),
            "tbody" => body.extend(child.child_elements().filter(is_row)),
            "tfoot" => foot.extend(child.child_elements().filter(is_row)),
            _ => {}
        }
    }
    head.extend(body);
    head.extend(foot);
    head
}

fn row_cells(row: ElementRef<'_>) -> impl Iterator<Item = ElementRef<'_>> {
    row.child_elements()
        .filter(|c| matches!(c.value().name(), "td" | "th"))
}

/// An HTML non-negative integer (leading digits after whitespace), if any.
fn span_value(cell: ElementRef<'_>, name: &str) -> Option<usize> {
    let value = cell.attribute(name)?.trim_start();
    let digits: &str = &value[..value
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(value.len())];
    if digits.is_empty() {
        return None;
    }
    Some(digits.parse::<usize>().unwrap_or(usize::MAX))
}

impl Grid {
    /// Lays the table out; `None` when it is too large to analyse.
    fn new(table: ElementRef<'_>) -> Option<Grid> {
        let rows = table_rows(table);
        let count: usize = rows.iter().map(|row| row_cells(*row).count()).sum();
        let mut elements: Vec<ElementRef<'_>> = Vec::with_capacity(count);
        let mut grid = Grid {
            rows: rows.len(),
            cells: Vec::with_capacity(count),
            slots: vec![Vec::new(); rows.len()],
            position: Vec::with_capacity(count),
            span: Vec::with_capacity(count),
            scope: Vec::new(),
        };
        let mut budget = MAX_SLOTS;
        for (y, row) in rows.iter().enumerate() {
            let mut x = 0;
            for cell in row_cells(*row) {
                let colspan = span_value(cell, "colspan")
                    .filter(|n| *n > 0)
                    .unwrap_or(1)
                    .min(MAX_COLSPAN);
                // rowspan="0" reaches to the end of the table; spans never reach past it.
                let rowspan = match span_value(cell, "rowspan") {
                    Some(0) => rows.len() - y,
                    Some(n) => n.min(rows.len() - y),
                    None => 1,
                };
                budget = budget.checked_sub(colspan * rowspan)?;
                let index = grid.cells.len();
                grid.cells.push(cell.id());
                elements.push(cell);
                grid.span.push((rowspan, colspan));
                let mut first = None;
                for _ in 0..colspan {
                    for r in 0..rowspan {
                        let line = &mut grid.slots[y + r];
                        while line.get(x).is_some_and(Option::is_some) {
                            x += 1;
                        }
                        if line.len() <= x {
                            line.resize(x + 1, None);
                        }
                        line[x] = Some(index);
                        first.get_or_insert((y + r, x));
                    }
                    x += 1;
                }
                grid.position.push(first.unwrap_or((y, x)));
            }
        }
        // Rows and columns made only of <th> slots, worked out once for all header cells.
        let is_th = |cell: usize| elements[cell].value().name() == "th";
        let th_rows: Vec<bool> = grid
            .slots
            .iter()
            .map(|line| line.iter().flatten().all(|c| is_th(*c)))
            .collect();
        let width = grid.slots.iter().map(Vec::len).max().unwrap_or(0);
        let th_columns: Vec<bool> = (0..width)
            .map(|x| {
                grid.slots
                    .iter()
                    .all(|line| line.get(x).copied().flatten().is_some_and(is_th))
            })
            .collect();
        grid.scope = elements
            .iter()
            .enumerate()
            .map(|(i, cell)| grid.compute_scope(i, *cell, &th_rows, &th_columns))
            .collect();
        Some(grid)
    }

    /// The cells' elements in `tree` (the document the grid was laid out from), by index.
    fn elements<'a>(&self, tree: &'a Tree<Node>) -> Option<Vec<ElementRef<'a>>> {
        self.cells
            .iter()
            .map(|id| tree.get(*id).and_then(ElementRef::wrap))
            .collect()
    }

    /// axe's `getScope` for cell `i` (`cell`): an explicit role or `scope`, else a `<th>` in a
    /// row of `<th>`s is a column header, one in a column of `<th>`s a row header, and any
    /// other `<th>` both.
    fn compute_scope(
        &self,
        i: usize,
        cell: ElementRef<'_>,
        th_rows: &[bool],
        th_columns: &[bool],
    ) -> Option<Scope> {
        match cell.attribute("role") {
            Some("columnheader") => return Some(Scope::Col),
            Some("rowheader") => return Some(Scope::Row),
            _ => {}
        }
        match cell.attribute("scope") {
            Some("col") => return Some(Scope::Col),
            Some("row") => return Some(Scope::Row),
            _ => {}
        }
        if cell.value().name() != "th" {
            return None;
        }
        let (y, x) = self.position[i];
        if th_rows[y] {
            return Some(Scope::Col);
        }
        if th_columns.get(x).copied().unwrap_or(false) {
            return Some(Scope::Row);
        }
        Some(Scope::Auto)
    }

    fn is_column_header(&self, i: usize) -> bool {
        matches!(self.scope[i], Some(Scope::Col | Scope::Auto))
    }

    fn is_row_header(&self, i: usize) -> bool {
        matches!(self.scope[i], Some(Scope::Row | Scope::Auto))
    }

    fn slot(&self, y: usize, x: usize) -> Option<usize> {
        self.slots
            .get(y)
            .and_then(|line| line.get(x))
            .copied()
            .flatten()
    }

    /// The header cells the grid gives a cell, found lazily: row headers to its left (in its
    /// own rows), then column headers above (in its own columns), the cell itself included
    /// when it is one.
    fn grid_headers(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let (y, x) = self.position[i];
        let (rowspan, colspan) = self.span[i];
        let last_row = y + rowspan - 1;
        let last_col = x + colspan - 1;
        let row_headers = (y..=last_row)
            .flat_map(move |row| (0..=last_col).rev().map(move |col| (row, col)))
            .filter_map(|(row, col)| self.slot(row, col))
            .filter(|c| self.is_row_header(*c));
        let column_headers = (0..=last_row)
            .rev()
            .flat_map(move |row| (x..=last_col).rev().map(move |col| (row, col)))
            .filter_map(|(row, col)| self.slot(row, col))
            .filter(|c| self.is_column_header(*c));
        row_headers.chain(column_headers)
    }

    /// The cells from a cell's first slot in one direction, up to the first empty slot.
    fn walk(&self, i: usize, down: bool) -> impl Iterator<Item = usize> + '_ {
        let (y, x) = self.position[i];
        (1..).map_while(move |step| {
            if down {
                self.slot(y + step, x)
            } else {
                self.slot(y, x + step)
            }
        })
    }
}

/// Elements by id, collected on first use (for `headers` references).
struct Ids<'a> {
    dom: &'a Html,
    map: OnceCell<HashMap<&'a str, ElementRef<'a>>>,
}

impl<'a> Ids<'a> {
    fn new(dom: &'a Html) -> Ids<'a> {
        Ids {
            dom,
            map: OnceCell::new(),
        }
    }

    fn get(&self, id: &str) -> Option<ElementRef<'a>> {
        let map = self.map.get_or_init(|| {
            let mut map = HashMap::new();
            for el in self.dom.tree.nodes().filter_map(ElementRef::wrap) {
                if let Some(id) = el.value().id() {
                    map.entry(id).or_insert(el);
                }
            }
            map
        });
        map.get(id).copied()
    }
}

/// The elements a cell's `headers` attribute names, when it names any that exist; browsers
/// fall back to the grid's headers otherwise.
fn named_headers<'a>(cell: ElementRef<'_>, ids: &Ids<'a>) -> Option<Vec<ElementRef<'a>>> {
    let named: Vec<ElementRef<'a>> = cell
        .attribute("headers")?
        .split_ascii_whitespace()
        .filter_map(|id| ids.get(id))
        .collect();
    (!named.is_empty()).then_some(named)
}

/// True when `header` is one of the header cells of cell `i` (`cells` are the grid's
/// elements).
fn is_header_of(
    grid: &Grid,
    cells: &[ElementRef<'_>],
    i: usize,
    header: usize,
    ids: &Ids<'_>,
) -> bool {
    match named_headers(cells[i], ids) {
        Some(named) => named.iter().any(|e| e.id() == grid.cells[header]),
        None => grid.grid_headers(i).any(|h| h == header),
    }
}

/// The value of an inline style property (lower-cased), if set.
fn inline_style(el: ElementRef<'_>, property: &str) -> Option<String> {
    el.attribute("style")?.split(';').find_map(|decl| {
        let (prop, value) = decl.split_once(':')?;
        prop.trim()
            .eq_ignore_ascii_case(property)
            .then(|| value.trim().to_ascii_lowercase())
    })
}

/// The background a row is given in markup: `bgcolor` or an inline background style.
fn row_background(row: ElementRef<'_>) -> (Option<String>, Option<String>) {
    let color = inline_style(row, "background-color")
        .or_else(|| inline_style(row, "background"))
        .or_else(|| {
            row.attribute("bgcolor")
                .map(|c| c.trim().to_ascii_lowercase())
        });
    let image = inline_style(row, "background-image");
    (color, image)
}

/// True when the table's `width` (attribute or inline style) is nearly the whole page.
fn is_wide(table: ElementRef<'_>) -> bool {
    let width =
        inline_style(table, "width").or_else(|| table.attribute("width").map(str::to_owned));
    width
        .and_then(|w| w.trim().strip_suffix('%').map(|p| p.trim().parse::<f64>()))
        .and_then(Result::ok)
        .is_some_and(|p| p > WIDE_PERCENT)
}

fn nonblank(el: ElementRef<'_>, name: &str) -> bool {
    el.attribute(name).is_some_and(|v| !v.is_empty())
}

/// A cell that by itself marks the table as a data table: a `<th>`, header attributes or
/// roles, or a lone `<abbr>` child.
fn cell_marks_data_table(cell: ElementRef<'_>) -> bool {
    if cell.value().name() == "th"
        || ["scope", "headers", "abbr"]
            .iter()
            .any(|a| nonblank(cell, a))
    {
        return true;
    }
    let role = cell.attribute("role").map(str::to_ascii_lowercase);
    if matches!(role.as_deref(), Some("columnheader" | "rowheader")) {
        return true;
    }
    let mut children = cell.child_elements();
    matches!(
        (children.next(), children.next()),
        (Some(only), None) if only.value().name() == "abbr"
    )
}

/// axe's `isDataTable`: whether a table holds data (rather than laying out a page), from
/// its role, structure, header cells, borders, row colours and size.
fn is_data_table(table: ElementRef<'_>) -> bool {
    let role = table
        .attribute("role")
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if matches!(role.as_str(), "presentation" | "none") && !is_focusable(table) {
        return false;
    }
    if ancestors_inclusive(table).any(|e| e.attribute("contenteditable") == Some("true")) {
        return true;
    }
    if DATA_TABLE_ROLES.contains(&role.as_str()) {
        return true;
    }
    if table.attribute("datatable") == Some("0") {
        return false;
    }
    if nonblank(table, "summary") {
        return true;
    }
    if table
        .child_elements()
        .any(|c| matches!(c.value().name(), "thead" | "tfoot" | "caption" | "colgroup"))
    {
        return true;
    }
    let rows = table_rows(table);
    let mut cells = 0usize;
    for row in &rows {
        for cell in row_cells(*row) {
            if cell_marks_data_table(cell) {
                return true;
            }
            cells += 1;
        }
    }
    if table.select(sel!("table")).any(|t| t.id() != table.id()) {
        return false;
    }
    if rows.len() < 2 {
        return false;
    }
    let sample = rows[rows.len().div_ceil(2).min(rows.len() - 1)];
    let sample_cells: Vec<ElementRef<'_>> = row_cells(sample).collect();
    if sample_cells.len() == 1 && span_value(sample_cells[0], "colspan").is_none_or(|n| n <= 1) {
        return false;
    }
    if sample_cells.len() >= MANY_COLUMNS {
        return true;
    }
    // Cells have borders when the table sets a non-zero `border`.
    if table.attribute("border").is_some_and(|b| b.trim() != "0") {
        return true;
    }
    let backgrounds: Vec<_> = rows.iter().map(|r| row_background(*r)).collect();
    if backgrounds.windows(2).any(|w| w[0] != w[1]) {
        return true;
    }
    if rows.len() >= MANY_ROWS {
        return true;
    }
    if is_wide(table) || cells < MIN_DATA_CELLS {
        return false;
    }
    table
        .select(sel!("object, embed, iframe, applet"))
        .next()
        .is_none()
}

/// The page's data tables, found once and shared (through [`Page::memo`]) by the rules that
/// lay them out, with each table's grid laid out on first use.
struct DataTables {
    /// The data tables, in document order.
    tables: Vec<NodeId>,
    /// Each data table's grid (`None` when too large to analyse).
    grids: ByNode<OnceLock<Option<Grid>>>,
}

impl DataTables {
    /// Finds the data tables of `page` (axe's heuristic, [`is_data_table`]).
    fn build(page: &Page) -> DataTables {
        let tables: Vec<NodeId> = page
            .select(sel!("table"))
            .filter(|t| is_data_table(*t))
            .map(|t| t.id())
            .collect();
        let grids = tables.iter().map(|id| (*id, OnceLock::new())).collect();
        DataTables { tables, grids }
    }

    /// The data tables, in document order.
    fn elements<'a>(&self, dom: &'a Html) -> impl Iterator<Item = ElementRef<'a>> {
        self.tables
            .iter()
            .filter_map(|id| dom.tree.get(*id).and_then(ElementRef::wrap))
    }

    /// The grid of a data table and its cells' elements; `None` when the table is too large
    /// to analyse (or is not one of the data tables).
    fn grid<'a>(&self, table: ElementRef<'a>) -> Option<(&Grid, Vec<ElementRef<'a>>)> {
        let grid = self
            .grids
            .get(table.id())?
            .get_or_init(|| Grid::new(table))
            .as_ref()?;
        let cells = grid.elements(table.tree())?;
        Some((grid, cells))
    }
}

/// Judges each data table of `page` by its grid and its cells' elements (a table too large to
/// lay out is skipped).
fn judge_grids<'a>(
    page: &'a Page,
    none_found: &str,
    mut test: impl FnMut(&Grid, &[ElementRef<'a>]) -> Verdict,
) -> Check {
    let tables = page.memo(DataTables::build);
    judge(
        tables.elements(&page.dom),
        none_found,
        |table| match tables.grid(table) {
            Some((grid, cells)) => test(grid, &cells),
            None => Verdict::Skip,
        },
    )
}

/// axe's `hasContent`: text, an embedded control or image, or an ARIA label, in the element
/// or below it.
fn has_content(el: ElementRef<'_>) -> bool {
    if !text_content(el).is_empty() {
        return true;
    }
    // `descendants` starts with the element itself.
    el.descendants().filter_map(ElementRef::wrap).any(|e| {
        let v = e.value();
        (VISUAL_CONTENT.contains(&v.name())
            && !(v.name() == "input"
                && v.attribute("type")
                    .is_some_and(|t| t.eq_ignore_ascii_case("hidden"))))
            || aria_label(e).is_some()
            || v.attribute("aria-labelledby")
                .is_some_and(|l| !l.trim().is_empty())
    })
}

/// axe's `isDataCell`: a non-empty `<td>` (or a cell with a cell role).
fn is_data_cell(cell: ElementRef<'_>) -> bool {
    if cell.child_elements().next().is_none() && cell.text().all(|t| t.trim().is_empty()) {
        return false;
    }
    match cell.attribute("role").filter(|r| is_concrete_role(r)) {
        Some(role) => matches!(role, "cell" | "gridcell"),
        None => cell.value().name() == "td",
    }
}

pub fn th_has_data_cells(page: &Page) -> Check {
    let ids = Ids::new(&page.dom);
    judge_grids(page, "the page has no data tables", |grid, cells| {
        let referenced: HashSet<&str> = cells
            .iter()
            .flat_map(|c| {
                let refs = [c.attribute("headers"), c.attribute("aria-labelledby")];
                refs.into_iter()
                    .flatten()
                    .flat_map(str::split_ascii_whitespace)
            })
            .collect();
        let lonely = (0..cells.len()).filter(|&h| {
            let header = cells[h];
            let is_header = header.value().name() == "th"
                || matches!(header.attribute("role"), Some("rowheader" | "columnheader"));
            if !is_header || text_content(header).is_empty() {
                return false;
            }
            if header
                .value()
                .id()
                .is_some_and(|id| !id.is_empty() && referenced.contains(id))
            {
                return false;
            }
            let describes = |c: usize| is_header_of(grid, cells, c, h, &ids);
            let column_cell = grid.is_column_header(h)
                && grid
                    .walk(h, true)
                    .any(|c| !grid.is_column_header(c) && describes(c));
            let row_cell = grid.is_row_header(h)
                && grid
                    .walk(h, false)
                    .any(|c| !grid.is_row_header(c) && describes(c));
            !column_cell && !row_cell
        });
        match lonely.count() {
            0 => Verdict::Pass,
            n => Verdict::Review(format!(
                "{} no data cell; check that every header labels data in its row or column",
                counted(n, "header cell describes", "header cells describe")
            )),
        }
    })
}

pub fn td_has_header(page: &Page) -> Check {
    let ids = Ids::new(&page.dom);
    let names = Names::new(page);
    judge_grids(page, "the page has no large data tables", |grid, cells| {
        let width = |y: usize| grid.slots.get(y).map_or(0, Vec::len);
        if grid.slots.len() < LARGE_TABLE || (0..LARGE_TABLE).any(|y| width(y) < LARGE_TABLE) {
            return Verdict::Skip;
        }
        // Whether each cell has content, worked out at most once per cell.
        let content: Vec<OnceCell<bool>> = vec![OnceCell::new(); cells.len()];
        let has = |c: usize| *content[c].get_or_init(|| has_content(cells[c]));
        let orphans = (0..cells.len())
            .filter(|&i| {
                let cell = cells[i];
                has(i)
                    && is_data_cell(cell)
                    && aria_label(cell).is_none()
                    && names.labelledby(cell).is_none()
                    && !match named_headers(cell, &ids) {
                        Some(named) => named.into_iter().any(has_content),
                        None => grid.grid_headers(i).any(has),
                    }
            })
            .count();
        require(orphans == 0, || {
            format!(
                "{} of this large table {} no row or column header; mark headers with <th>",
                counted(orphans, "data cell", "data cells"),
                plural(orphans, "has", "have"),
            )
        })
    })
}

pub fn table_fake_caption(page: &Page) -> Check {
    judge_grids(page, "the page has no data tables", |grid, _| {
        let first = grid.slots.first().map(Vec::as_slice).unwrap_or_default();
        if grid.slots.len() <= 1 || first.len() <= 1 || grid.rows <= 1 {
            return Verdict::Pass;
        }
        let varied = first
            .windows(2)
            .any(|w| matches!((w[0], w[1]), (Some(a), Some(b)) if a != b));
        require(varied, || {
            "the first row is one cell spanning every column, used as a caption; use <caption> \
             instead"
                .into()
        })
    })
}

pub fn table_duplicate_name(page: &Page) -> Check {
    let names = Names::new(page);
    judge(
        page.select(sel!("table")),
        "the page has no tables",
        |table| {
            let summary = table.attribute("summary").unwrap_or_default();
            let caption = table
                .child_elements()
                .find(|c| c.value().name() == "caption");
            let duplicate = match caption {
                Some(caption) if !summary.is_empty() => {
                    summary.to_lowercase() == names.content(caption).to_lowercase()
                }
                _ => false,
            };
            require(!duplicate, || {
                "the summary repeats the caption, so screen readers read the same text twice".into()
            })
        },
    )
}

pub fn empty_table_header(page: &Page) -> Check {
    judge(
        page.select(sel!(
            "th:not([role]), [role=\"rowheader\"], [role=\"columnheader\"]"
        )),
        "the page has no table header cells",
        |header| {
            require(!visible_text(header).is_empty(), || {
                "the header cell has no visible text, so its row or column has no name".into()
            })
        },
    )
}

/// The rules of this file.
pub static RULES: &[Rule] = &[
    axe_rule! {
        id: "empty-table-header",
        title: "Table header cells have text",
        description: "A header cell names its row or column for screen-reader users; an empty \
                      one leaves the data it heads unexplained.",
        severity: Minor,
        weight: 1.0,
        fix: "Put visible text in every header cell.",
        steps: [
            "Write a short heading in each <th>.",
            "If the cell heads nothing, make it a <td>.",
        ],
        minutes: 3,
        refs: Refs::axe_only("empty-table-header", &[]),
        check: empty_table_header,
    },
    axe_rule! {
        id: "th-has-data-cells",
        title: "Table headers describe data cells",
        description: "A header with no data cells under it or beside it confuses the table's \
                      structure. Deciding it needs the table's reading, so such tables are \
                      listed for review, as in axe and Lighthouse.",
        severity: Major,
        weight: 0.0,
        fix: "Make every header head some data.",
        steps: [
            "Remove header cells that label nothing, or turn them into data cells.",
            "For complex tables, tie cells to headers with `headers` and ids.",
        ],
        minutes: 10,
        refs: Refs::axe("th-has-data-cells", &["1.3.1"]),
        check: th_has_data_cells,
    },
    axe_rule! {
        id: "td-has-header",
        title: "Cells of large data tables have headers",
        description: "In a data table of three or more rows and columns, screen readers announce \
                      each cell with its row and column headers; a cell without any is just a \
                      value out of context.",
        severity: Critical,
        weight: 0.0,
        fix: "Give every data cell a header.",
        steps: [
            "Mark the header row and column with <th> (add `scope` where it is ambiguous).",
            "For irregular tables, list header ids in each cell's `headers`.",
        ],
        minutes: 10,
        refs: Refs::axe("td-has-header", &["1.3.1"]),
        check: td_has_header,
    },
    axe_rule! {
        id: "table-fake-caption",
        title: "Data tables use <caption> rather than a spanning first row",
        description: "A first row that is one cell across the whole table looks like a caption \
                      but is announced as a cell, and it breaks the column headers below it.",
        severity: Major,
        weight: 0.0,
        fix: "Move the title into <caption>.",
        steps: [
            "Replace the spanning first row with `<caption>Title</caption>` right after <table>.",
        ],
        minutes: 5,
        refs: Refs::axe("table-fake-caption", &["1.3.1"]),
        check: table_fake_caption,
    },
    axe_rule! {
        id: "table-duplicate-name",
        title: "Table summaries do not repeat the caption",
        description: "Screen readers read both the caption and the summary; when they are the \
                      same text, users hear it twice.",
        severity: Minor,
        weight: 0.0,
        fix: "Keep the caption; drop or rewrite the summary.",
        steps: [
            "Remove the obsolete `summary` attribute, or make it explain the table's layout.",
        ],
        minutes: 2,
        refs: Refs::axe("table-duplicate-name", &[]),
        check: table_duplicate_name,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rules::testing::{check, failing, outcome, page};
    use crate::report::Outcome::{Fail, NotApplicable, Pass};

    fn data_table(html: &str) -> bool {
        let dom = Html::parse_fragment(html);
        let table = dom.select(sel!("table")).next().unwrap();
        is_data_table(table)
    }

    #[test]
    fn data_table_heuristic() {
        let rows = |n: usize, cols: usize| -> String {
            let row = format!("<tr>{}</tr>", "<td>x</td>".repeat(cols));
            row.repeat(n)
        };
        let cases = [
            (format!("<table>{}</table>", rows(2, 2)), false),
            (format!("<table role=presentation><tr><th>h</th></tr>{}</table>", rows(1, 1)), false),
            (format!("<table role=grid>{}</table>", rows(1, 1)), true),
            (format!("<table><tr><th>h</th></tr>{}</table>", rows(1, 1)), true),
            (format!("<table summary=s>{}</table>", rows(1, 1)), true),
            (format!("<table><caption>c</caption>{}</table>", rows(1, 1)), true),
            (format!("<table>{}</table>", rows(2, 5)), true),
            (format!("<table border=1>{}</table>", rows(2, 2)), true),
            ("<table datatable=0><tr><th>h</th></tr></table>".to_owned(), false),
            (format!("<table>{}</table>", rows(4, 3)), true),
            (format!("<table width=100%>{}</table>", rows(4, 3)), false),
            (format!("<table>{}</table>", rows(21, 1)), false),
            (
                format!(
                    "<table>{}<tr><td><table><tr><td>n</td></tr></table></td><td>x</td></tr></table>",
                    rows(4, 3)
                ),
                false,
            ),
            (format!("<table>{}</table>", rows(20, 2)), true),
            (
                "<table><tr style=\"background: #eee\"><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>".to_owned(),
                true,
            ),
        ];
        for (html, expected) in cases {
            assert_eq!(data_table(&html), expected, "{html}");
        }
    }

    #[test]
    fn spans_fill_the_grid() {
        let dom = Html::parse_fragment(
            "<table><tr><td rowspan=2 id=a>a</td><td colspan=2 id=b>b</td></tr>\
             <tr><td id=c>c</td><td id=d>d</td></tr></table>",
        );
        let table = dom.select(sel!("table")).next().unwrap();
        let grid = Grid::new(table).unwrap();
        assert_eq!(
            grid.slots,
            vec![
                vec![Some(0), Some(1), Some(1)],
                vec![Some(0), Some(2), Some(3)]
            ]
        );
        assert_eq!(grid.position[3], (1, 2));
        let huge = Html::parse_fragment(
            "<table><tr><td colspan=1000 rowspan=1000>x</td></tr>\
             <tr><td colspan=1000>y</td></tr></table>",
        );
        assert!(Grid::new(huge.select(sel!("table")).next().unwrap()).is_some());
        let hostile = Html::parse_fragment(&format!(
            "<table>{}</table>",
            "<tr><td colspan=1000>x</td></tr>".repeat(300)
        ));
        assert!(Grid::new(hostile.select(sel!("table")).next().unwrap()).is_none());
    }

    #[test]
    fn header_cells_need_data_cells() {
        let html = r#"
            <table id="ok"><tr><th>Name</th><th>Age</th></tr><tr><td>Ann</td><td>31</td></tr></table>
            <table id="row"><tr><th>Name</th><td>Ann</td></tr><tr><th>Age</th><td>31</td></tr></table>
            <table id="ref"><tr><td headers="h9">x</td><th id="h9">Total</th></tr></table>
            <table id="alone"><tr><th>Only</th></tr><tr><th>Headers</th></tr></table>
            <table id="after"><tr><td>1</td><th>Late</th></tr></table>
            <table id="layout" role="none"><tr><th>a</th></tr></table>"#;
        let result = check("accessibility.th-has-data-cells", &page(html));
        assert_eq!(result.outcome, Pass);
        let reviewed: Vec<_> = result
            .reviews
            .iter()
            .filter_map(|e| e.selector.clone())
            .collect();
        assert_eq!(reviewed, ["table#alone", "table#after"]);
        let long = format!(
            "<table><tr><th>Item</th><th>Price</th></tr>{}</table>",
            "<tr><th>Tea</th><td>3</td></tr>".repeat(2000)
        );
        assert_eq!(outcome("accessibility.th-has-data-cells", &long), Pass);
        assert_eq!(outcome("accessibility.td-has-header", &long), NotApplicable);
        assert_eq!(
            outcome(
                "accessibility.th-has-data-cells",
                "<table><tr><td>x</td></tr></table>"
            ),
            NotApplicable
        );
    }

    #[test]
    fn large_tables_need_headers_for_each_cell() {
        let body = "<tr><td>1</td><td>2</td><td>3</td></tr>".repeat(3);
        let cases = [
            (
                format!("<table><tr><th>A</th><th>B</th><th>C</th></tr>{body}</table>"),
                Pass,
            ),
            (
                format!("<table><tr><th>A</th><th>B</th><td>C</td></tr>{body}</table>"),
                Fail,
            ),
            (
                format!(
                    "<table><tr><th>A</th><th>B</th><td>C</td></tr>{}</table>",
                    "<tr><td>1</td><td>2</td><td aria-label=\"three\">3</td></tr>".repeat(3)
                ),
                Pass,
            ),
            (
                "<table><tr><th>A</th><td>1</td></tr><tr><th>B</th><td>2</td></tr></table>"
                    .to_owned(),
                NotApplicable,
            ),
        ];
        for (html, expected) in cases {
            assert_eq!(
                outcome("accessibility.td-has-header", &html),
                expected,
                "{html}"
            );
        }
    }

    #[test]
    fn captions_and_summaries() {
        let html = r#"
            <table id="fake"><tr><td colspan="2">Prices</td></tr><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>
            <table id="real"><caption>Prices</caption><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>
            <table id="same" summary="Opening hours"><caption> Opening
              hours </caption><tr><td>9-5</td></tr></table>
            <table id="other" summary="Days down, hours across"><caption>Opening hours</caption><tr><td>9-5</td></tr></table>"#;
        let p = page(html);
        assert_eq!(
            failing("accessibility.table-fake-caption", &p),
            ["table#fake"]
        );
        assert_eq!(
            failing("accessibility.table-duplicate-name", &p),
            ["table#same"]
        );
        assert_eq!(
            outcome("accessibility.table-duplicate-name", "<p>no tables</p>"),
            NotApplicable
        );
    }

    #[test]
    fn header_cells_need_text() {
        let html = r#"<table><tr>
            <th id="a">Name</th><th id="b"></th>
            <td id="c" role="columnheader"><span style="display:none">Hidden</span></td>
            <td id="d" role="rowheader">Year</td>
            <th id="e" role="cell"></th>
            <th id="f"><img src="x.png" alt="Price"></th>
        </tr></table>"#;
        assert_eq!(
            failing("accessibility.empty-table-header", &page(html)),
            ["th#b", "td#c", "th#f"]
        );
    }
}
