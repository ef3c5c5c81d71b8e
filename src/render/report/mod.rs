//! The activity report: `/report/` (tables, each with a bar chart of the same
//! numbers) and `/report.csv` (the same numbers, one a line). Both show what
//! [`counts::count`] counted; the counting rules are written there.

pub(crate) mod counts;

use serde::Serialize;

use super::escape;
use super::view::Rcx;
use crate::link::Guide;
use counts::{Counts, Row};

/// The columns of `report.csv`.
const CSV_HEADER: [&str; 6] = ["section", "fiscal_year", "period", "label", "column", "count"];

/// A table of the page: rows with a count per quarter and a total.
#[derive(Serialize)]
struct Table {
    /// Its id on the page.
    id: String,
    /// Its caption.
    caption: String,
    rows: Vec<TableRow>,
    /// The same totals as a bar chart (inline SVG, `role="img"`).
    chart_svg: String,
}

#[derive(Serialize)]
struct TableRow {
    label: String,
    quarters: [u32; 4],
    total: u32,
}

/// One fiscal year's tables.
#[derive(Serialize)]
struct YearPage {
    /// `FY2026`.
    name: String,
    /// Its id on the page.
    id: String,
    tables: Vec<Table>,
}

/// The owners' items now.
#[derive(Serialize)]
struct OwnerRow<'a> {
    owner: &'a str,
    open: u32,
    done_dated: u32,
    done_undated: u32,
}

/// Partners of one status now.
#[derive(Serialize)]
struct PartnerRow {
    status: &'static str,
    /// One count per kind of the page's `kinds`.
    by_kind: Vec<u32>,
    total: u32,
}

/// The page's context.
#[derive(Serialize)]
pub(crate) struct ReportPage {
    years: Vec<YearPage>,
    /// The fiscal year's first day (`07-01`).
    fiscal_year_start: String,
    kinds: Vec<&'static str>,
    /// Partners by status.
    partners: Vec<PartnerRow>,
    partners_chart_svg: String,
    owners: Vec<serde_json::Value>,
    owners_chart_svg: String,
    csv_url: String,
    today: String,
}

/// The numbers of `guide` as the report counts them (reads every partner and playbook).
fn counts_of(guide: &Rcx<'_>) -> Counts {
    let s = guide.settings();
    counts::count(guide.partners(), guide.playbooks(), s.fiscal_year_start, guide.today())
}

fn fy(year: i32) -> String {
    format!("FY{year}")
}

/// The year's tables, in the order of the page and the CSV: (section, caption, rows).
fn year_tables(y: &counts::Year) -> Vec<(&'static str, &'static str, Vec<Row>)> {
    vec![
        ("meetings-by-kind", "Meetings held by partner kind", y.meetings_by_kind.clone()),
        ("meetings-by-partner", "Meetings held by partner", y.meetings_by_partner.clone()),
        ("items-done-by-owner", "Action items done by owner", y.done_by_owner.clone()),
        ("playbooks", "Playbooks added and reviewed", vec![y.playbooks_added.clone(), y.playbooks_reviewed.clone()]),
    ]
}

/// The context of `/report/`.
pub(crate) fn page(guide: &Rcx<'_>) -> ReportPage {
    let c = counts_of(guide);
    let years = c
        .years
        .iter()
        .map(|y| {
            let name = fy(y.year);
            let id = format!("fy{}", y.year);
            let tables = year_tables(y)
                .into_iter()
                .map(|(section, caption, rows)| {
                    let id = format!("{id}-{section}");
                    let caption = format!("{caption}, {name}");
                    let bars: Vec<(String, u32)> = rows.iter().map(|r| (r.label.clone(), r.total())).collect();
                    Table {
                        chart_svg: bar_chart(&format!("{id}-chart"), &caption, &bars),
                        id,
                        caption,
                        rows: rows
                            .into_iter()
                            .map(|r| TableRow { total: r.total(), quarters: r.quarters, label: r.label })
                            .collect(),
                    }
                })
                .collect();
            YearPage { name, id, tables }
        })
        .collect();
    let partners: Vec<PartnerRow> = c
        .partners
        .iter()
        .map(|r| PartnerRow { status: r.status, by_kind: r.by_kind.clone(), total: r.by_kind.iter().sum() })
        .collect();
    let partner_bars: Vec<(String, u32)> = partners.iter().map(|r| (r.status.to_string(), r.total)).collect();
    let owner_bars: Vec<(String, u32)> = c.owners.iter().map(|o| (o.owner.clone(), o.open)).collect();
    let start = guide.settings().fiscal_year_start;
    ReportPage {
        years,
        fiscal_year_start: format!("{:02}-{:02}", start.month, start.day),
        kinds: c.kinds.clone(),
        partners_chart_svg: bar_chart("partners-chart", "Partners by status, now", &partner_bars),
        partners,
        owners: c
            .owners
            .iter()
            .map(|o| {
                serde_json::to_value(OwnerRow {
                    owner: &o.owner,
                    open: o.open,
                    done_dated: o.done_dated,
                    done_undated: o.done_undated,
                })
                .unwrap_or_default()
            })
            .collect(),
        owners_chart_svg: bar_chart("owners-chart", "Open action items by owner, now", &owner_bars),
        csv_url: crate::routes::url_of(guide.base(), REPORT_CSV),
        today: guide.today().to_string(),
    }
}

/// The CSV's file below the site root.
pub(crate) const REPORT_CSV: &str = "report.csv";

/// `report.csv`: every number of the page, one a line (RFC 4180, by the `csv`
/// crate): `section, fiscal_year, period, label, column, count`. A year's
/// tables give `period` Q1 to Q4 and `total`; the tables of now give `now`
/// with no fiscal year.
pub(crate) fn csv(guide: &Guide) -> String {
    let partners = guide.partners.values().map(|p| &**p);
    let c =
        counts::count(partners, guide.playbooks.values().map(|p| &**p), guide.settings.fiscal_year_start, guide.today);
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut line = |fields: [&str; 6]| {
        // Writing to memory cannot fail.
        let _ = out.write_record(fields.map(|f| no_formula(f).into_owned()));
    };
    line(CSV_HEADER);
    for y in &c.years {
        let year = fy(y.year);
        for (section, _, rows) in year_tables(y) {
            for r in rows {
                for (q, n) in r.quarters.iter().enumerate() {
                    line([section, &year, &format!("Q{}", q + 1), &r.label, "", &n.to_string()]);
                }
                line([section, &year, "total", &r.label, "", &r.total().to_string()]);
            }
        }
    }
    for r in &c.partners {
        for (kind, n) in c.kinds.iter().zip(&r.by_kind) {
            line(["partners-by-status-and-kind", "", "now", r.status, kind, &n.to_string()]);
        }
    }
    for o in &c.owners {
        for (column, n) in [("open", o.open), ("done", o.done_dated), ("done, date unknown", o.done_undated)] {
            line(["items-by-owner", "", "now", &o.owner, column, &n.to_string()]);
        }
    }
    String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// A field that a spreadsheet would read as a formula (`=`, `+`, `-`, `@`
/// first, as a partner's name could be) starts with `'`, which spreadsheets
/// show as text and hide; other fields stay as written.
fn no_formula(field: &str) -> std::borrow::Cow<'_, str> {
    match field.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{field}").into(),
        _ => field.into(),
    }
}

/// A horizontal bar chart of `bars` (label, count) as inline SVG: `role="img"`
/// with a title that says every number, so that a screen reader hears what the
/// bars show; the table beside it holds the same numbers.
fn bar_chart(id: &str, title: &str, bars: &[(String, u32)]) -> String {
    const ROW: u32 = 22;
    const LABEL: u32 = 220;
    const WIDTH: u32 = 640;
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1);
    let said: Vec<String> = bars.iter().map(|(l, n)| format!("{l}: {n}")).collect();
    let height = ROW * bars.len().max(1) as u32 + 4;
    let mut svg = format!(
        "<svg class=\"report-chart\" role=\"img\" aria-labelledby=\"{id}-t\" viewBox=\"0 0 {WIDTH} {height}\" \
         preserveAspectRatio=\"xMinYMin meet\"><title id=\"{id}-t\">{}</title>",
        escape(&format!("{title}. {}", if said.is_empty() { "None".into() } else { said.join("; ") }))
    );
    for (i, (label, n)) in bars.iter().enumerate() {
        let y = ROW * i as u32 + 2;
        let w = (WIDTH - LABEL - 48) * n / max;
        let short: String = label.chars().take(30).collect();
        svg.push_str(&format!(
            "<text x=\"0\" y=\"{}\" class=\"report-chart-label\">{}</text>\
             <rect x=\"{LABEL}\" y=\"{y}\" width=\"{w}\" height=\"{}\" class=\"report-bar\"></rect>\
             <text x=\"{}\" y=\"{}\" class=\"report-chart-label\">{n}</text>",
            y + 15,
            escape(&short),
            ROW - 6,
            LABEL + w + 6,
            y + 15
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_field_is_never_a_formula() {
        assert_eq!(no_formula("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(no_formula("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(no_formula("Campus IT"), "Campus IT");
        assert_eq!(no_formula(""), "");
    }

    #[test]
    fn a_chart_says_its_numbers_in_its_title_and_escapes_labels() {
        let svg = bar_chart("c", "Meetings", &[("R&D <lab>".into(), 3), ("IT".into(), 1)]);
        assert!(svg.starts_with("<svg class=\"report-chart\" role=\"img\" aria-labelledby=\"c-t\""), "{svg}");
        assert!(svg.contains("<title id=\"c-t\">Meetings. R&amp;D &lt;lab&gt;: 3; IT: 1</title>"), "{svg}");
        assert!(svg.contains(">R&amp;D &lt;lab&gt;</text>"), "{svg}");
        assert_eq!(svg.matches("<rect").count(), 2);
    }
}
