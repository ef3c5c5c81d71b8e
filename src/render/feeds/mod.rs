//! The guide's data for other tools: `/calendar.ics` (due dates and meetings
//! as an RFC 5545 calendar) and `/partners.json` (every partner profile with
//! its URLs and what needs attention). Pure functions of the [`Guide`]: the
//! same guide and "today" give the same bytes, so builds stay reproducible.
//!
//! The calendar is written by hand rather than with a calendar crate: the
//! `icalendar` crate (0.17) fills in a clock-based `DTSTAMP` and a random
//! `UID`, leaves `X-` properties unescaped, and folds some lines to 76 octets
//! (a line of exactly 150 octets, for one). Tests parse the output back with
//! that crate's parser.
mod calendar;
mod json;
#[cfg(test)]
mod tests;

pub(crate) use calendar::{calendar, owner_calendar, owner_calendars};
pub(crate) use json::partners_json;

use crate::link::Guide;
use crate::routes::Route;

/// Site path of a partner's page.
pub(super) fn partner_path(guide: &Guide, slug: &str) -> String {
    Route::Partner(slug.to_string()).url(&guide.settings.base_path)
}

/// Site path of a partner's meeting brief.
pub(super) fn brief_path(guide: &Guide, slug: &str) -> String {
    Route::Brief(slug.to_string()).url(&guide.settings.base_path)
}
