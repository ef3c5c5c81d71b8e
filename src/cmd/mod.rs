//! The commands: each composes the pipeline stages and reports.

pub mod build;
pub mod check;
pub mod init;
pub mod new;
pub mod serve;

use std::io::IsTerminal;

use crate::Failure;

/// How a command ended, for `main` to print and exit with.
pub enum Outcome {
    /// Success, with a message for stderr.
    Ok(String),
    /// Content errors (exit 1), rendered.
    ContentErrors(String),
    /// Usage or environment error (exit 2).
    Environment(String),
}

/// Renders a failure for the terminal.
pub(crate) fn describe(failure: Failure) -> Outcome {
    match failure {
        Failure::Content(b) => {
            let (sources, diags) = *b;
            let mut text = diags.render(&sources.files, color());
            let (e, w) = (diags.error_count(), diags.warning_count());
            text.push_str(&format!("{e} error{}, {w} warning{}; nothing was written\n", plural(e), plural(w)));
            Outcome::ContentErrors(text)
        }
        Failure::Io(e) => Outcome::Environment(format!("error: {e}\n")),
        Failure::NotAGuide(p) => Outcome::Environment(format!(
            "error: {} is not a guide: it has no site.yaml\nhelp: give the guide folder, e.g. `partnerbook build content`\n",
            p.display()
        )),
        Failure::Template(m) if m.starts_with("error") => Outcome::Environment(format!("{}\n", m.trim_end())),
        Failure::Template(m) => Outcome::Environment(format!("error: template: {}\n", m.trim_end())),
    }
}

/// Colour on stderr when it is a terminal.
pub(crate) fn color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// "s" unless one.
pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
