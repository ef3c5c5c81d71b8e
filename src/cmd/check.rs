//! `partnerbook check`: load -> link, report every problem, write nothing.

use super::{Outcome, color, describe, plural};
use crate::cli::CheckArgs;

/// Runs check.
pub fn run(args: &CheckArgs) -> Outcome {
    match crate::check(&args.options()) {
        Ok((sources, guide, warnings)) => {
            let mut text = warnings.render(&sources.files, color());
            let w = warnings.warning_count();
            text.push_str(&format!(
                "ok: {} playbooks, {} partners, {} pages; {w} warning{}\n",
                guide.playbooks.len(),
                guide.partners.len(),
                guide.pages.len(),
                plural(w)
            ));
            Outcome::Ok(text)
        }
        Err(f) => describe(f),
    }
}
