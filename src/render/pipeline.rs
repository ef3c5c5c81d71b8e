//! Context of the pipeline board (`/partners/pipeline/`): the partners in
//! columns by status, prospect to active, with paused and ended apart, and
//! the count of each column as a bar across the top. Each card holds what a
//! pipeline is read for: the last contact and the next step.

use serde::Serialize;

use super::context::partner_url;
use super::view::Rcx;
use crate::link::Partner;
use crate::link::rules;
use crate::load::fields::Status;

/// The statuses a partnership moves through, in order.
const FLOW: [Status; 4] = [Status::Prospect, Status::Contacted, Status::Meeting, Status::Active];
/// The statuses off the flow, shown apart.
const APART: [Status; 2] = [Status::Paused, Status::Ended];

/// A partner's card on the board.
#[derive(Serialize)]
pub(crate) struct PipelineCard<'a> {
    name: &'a str,
    url: String,
    kind_label: Option<&'static str>,
    /// The last contact's date, and how long ago it was in words.
    last_contact: Option<Dated>,
    /// No contact for longer than the guide allows ([`rules::stale_days`]).
    stale: bool,
    next_step: Option<NextStep<'a>>,
}

/// A date with words beside it.
#[derive(Serialize)]
pub(crate) struct Dated {
    date: String,
    words: String,
}

/// A partner's next step as its card shows it.
#[derive(Serialize)]
pub(crate) struct NextStep<'a> {
    action: &'a str,
    /// The due date and how soon or how late it is ([`rules::when`]).
    due: Option<Dated>,
    overdue: bool,
}

/// One column of the pipeline board.
#[derive(Serialize)]
pub(crate) struct Column<'a> {
    id: &'static str,
    label: &'static str,
    partners: Vec<PipelineCard<'a>>,
}

/// A segment of the bar of counts: a column's label and count.
#[derive(Serialize)]
pub(crate) struct StageCount {
    id: &'static str,
    label: &'static str,
    count: usize,
}

/// The pipeline board.
pub(crate) struct Pipeline<'a> {
    /// Prospect → contacted → meeting → active.
    pub(crate) flow: Vec<Column<'a>>,
    /// Paused and ended, those that have partners.
    pub(crate) apart: Vec<Column<'a>>,
    /// The count of every column that has partners, flow first: the bar.
    pub(crate) counts: Vec<StageCount>,
    /// How many partners are on the board (those with a status).
    pub(crate) total: usize,
    /// The days without contact after which a partner is stale.
    pub(crate) stale_after_days: u32,
}

/// The card of partner `p`.
fn card<'a>(guide: &Rcx<'a>, p: &'a Partner) -> PipelineCard<'a> {
    let pr = &p.profile;
    let today = guide.today();
    let next_step = guide.partner_actions(&p.slug).into_iter().find(|o| o.is_next_step()).map(|n| NextStep {
        action: &n.task,
        due: n.due.and_then(|d| Some(Dated { date: d.to_string(), words: n.when.beside_date()?.to_string() })),
        overdue: n.when.overdue(),
    });
    let last = rules::last_contact(pr, today);
    PipelineCard {
        name: &pr.name,
        url: partner_url(guide.base(), &p.slug),
        kind_label: pr.kind.map(|k| k.label()),
        last_contact: last.map(|d| Dated { date: d.to_string(), words: rules::ago(d, today) }),
        stale: rules::stale_days(last, pr.status, today, guide.settings().stale_after_days).is_some(),
        next_step,
    }
}

/// The pipeline: prospect → contacted → meeting → active, then paused and ended apart.
pub(crate) fn pipeline<'a>(guide: &Rcx<'a>) -> Pipeline<'a> {
    let column = |s: Status| Column {
        id: s.as_str(),
        label: s.label(),
        partners: guide.partners().filter(|p| p.profile.status == Some(s)).map(|p| card(guide, p)).collect(),
    };
    let flow: Vec<Column<'a>> = FLOW.map(column).into();
    let apart: Vec<Column<'a>> = APART.map(column).into_iter().filter(|c| !c.partners.is_empty()).collect();
    let counts: Vec<StageCount> = flow
        .iter()
        .chain(&apart)
        .filter(|c| !c.partners.is_empty())
        .map(|c| StageCount { id: c.id, label: c.label, count: c.partners.len() })
        .collect();
    let total = counts.iter().map(|c| c.count).sum();
    Pipeline { flow, apart, counts, total, stale_after_days: guide.settings().stale_after_days }
}
