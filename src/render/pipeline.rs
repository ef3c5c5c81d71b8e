//! Context of the pipeline board (`/partners/pipeline/`): the partners in
//! columns by status, prospect to active, with paused and ended apart.

use serde::Serialize;

use super::context::{PartnerCard, partner_card};
use super::view::Rcx;
use crate::load::fields::Status;

/// One column of the pipeline board.
#[derive(Serialize)]
pub(crate) struct Column<'a> {
    id: &'static str,
    label: &'static str,
    partners: Vec<PartnerCard<'a>>,
}

/// The pipeline board.
pub(crate) struct Pipeline<'a> {
    /// Prospect → contacted → meeting → active.
    pub(crate) flow: Vec<Column<'a>>,
    /// Paused and ended, those that have partners.
    pub(crate) apart: Vec<Column<'a>>,
}

/// The pipeline: prospect → contacted → meeting → active, then paused and ended apart.
pub(crate) fn pipeline<'a>(guide: &Rcx<'a>) -> Pipeline<'a> {
    let column = |s: Status| Column {
        id: s.as_str(),
        label: s.label(),
        partners: guide.partners().filter(|p| p.profile.status == Some(s)).map(|p| partner_card(guide, p)).collect(),
    };
    let flow = [Status::Prospect, Status::Contacted, Status::Meeting, Status::Active].map(column).into();
    let apart = [Status::Paused, Status::Ended].map(column).into_iter().filter(|c| !c.partners.is_empty()).collect();
    Pipeline { flow, apart }
}
