//! `partnerbook check`: load -> link, report every problem, write nothing.
//! With `--format json` the problems go to stdout as JSON Lines (for CI
//! annotations and editors) and only the summary line goes to stderr; with
//! `--deny-warnings` warnings fail the check like errors. With `--external`
//! the guide's web links are asked for too (see `crate::external`).

use std::io::Write;
use std::time::Duration;

use super::{Outcome, color, describe, plural};
use crate::Failure;
use crate::cli::{CheckArgs, Format};
use crate::diag::Diagnostics;
use crate::source::SourceFiles;

/// Runs check.
pub fn run(args: &CheckArgs) -> Outcome {
    let json = args.format == Format::Json;
    match crate::check(&args.options()) {
        Ok((sources, guide, mut warnings)) => {
            let mut note = None;
            if args.external {
                let opts = crate::external::ExternalOptions { timeout: Duration::from_millis(args.link_timeout_ms) };
                note = crate::external::check(&args.options().guide, &sources, &opts, &mut warnings);
            }
            let mut text = report(&warnings, &sources.files, json);
            text.push_str(note.as_deref().unwrap_or_default());
            let w = warnings.warning_count();
            let counts = format!(
                "{} playbooks, {} partners, {} pages",
                guide.playbooks.len(),
                guide.partners.len(),
                guide.pages.len()
            );
            if args.deny_warnings && w > 0 {
                text.push_str(&format!("error: {w} warning{} and --deny-warnings; {counts}\n", plural(w)));
                return Outcome::ContentErrors(text);
            }
            text.push_str(&format!("ok: {counts}; {w} warning{}\n", plural(w)));
            // The process ends next: freeing a large guide piece by piece would only delay it.
            std::mem::forget((sources, guide, warnings));
            Outcome::Ok(text)
        }
        Err(Failure::Content(b)) if json => {
            let (sources, diags) = *b;
            let mut text = report(&diags, &sources.files, json);
            let (e, w) = (diags.error_count(), diags.warning_count());
            text.push_str(&format!("{e} error{}, {w} warning{}\n", plural(e), plural(w)));
            Outcome::ContentErrors(text)
        }
        Err(f) => describe(f),
    }
}

/// The problems for stderr; in JSON mode they are written to stdout here and
/// nothing is returned for stderr.
fn report(diags: &Diagnostics, files: &SourceFiles, json: bool) -> String {
    if !json {
        return diags.render(files, color());
    }
    let mut out = std::io::stdout().lock();
    // A closed pipe (`| head`) is not partnerbook's problem to report.
    let _ = out.write_all(diags.render_json(files).as_bytes());
    let _ = out.flush();
    String::new()
}
