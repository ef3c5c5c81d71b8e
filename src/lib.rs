//! partnerbook turns a library outreach guide (Markdown playbooks and YAML
//! partner profiles) into a static website. The pipeline, used alike by
//! `build` and `check`:
//!
//! ```text
//! load (disk -> Sources) -> link (Sources -> Guide) -> render (Guide -> Site) -> write (Site -> disk)
//! ```

pub mod cli;
pub mod cmd;
pub mod diag;
pub(crate) mod edit;
pub(crate) mod external;
pub mod fs;
#[doc(hidden)]
pub mod fuzzing;
pub mod link;
pub mod load;
pub(crate) mod paths;
pub mod render;
pub(crate) mod routes;
pub(crate) mod serve;
pub mod source;
pub mod write;

use std::path::PathBuf;

use diag::Diagnostics;
use load::{LoadError, Sources};

/// What `build` and `check` are asked to do, resolved from the command line.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// The guide folder.
    pub guide: PathBuf,
    /// The output folder (ignored by `check`).
    pub out_dir: PathBuf,
    /// How to link: base URL, drafts, today.
    pub link: link::LinkOptions,
}

/// Why a run failed.
#[derive(Debug)]
pub enum Failure {
    /// The guide has errors; they are in the diagnostics, with their files.
    Content(Box<(Sources, Diagnostics)>),
    /// Reading or writing failed.
    Io(fs::IoError),
    /// The folder is not a guide.
    NotAGuide(PathBuf),
    /// A template could not be parsed or rendered.
    Template(String),
}

impl From<LoadError> for Failure {
    fn from(e: LoadError) -> Self {
        match e {
            LoadError::Io(e) => Failure::Io(e),
            LoadError::NotAGuide(p) => Failure::NotAGuide(p),
        }
    }
}

impl From<fs::IoError> for Failure {
    fn from(e: fs::IoError) -> Self {
        Failure::Io(e)
    }
}

/// What a successful run reports.
#[derive(Debug)]
pub struct Report {
    /// Files written (or that would be written).
    pub files: usize,
    /// The loaded sources, for rendering the warnings.
    pub(crate) sources: Sources,
    /// Warnings.
    pub(crate) warnings: Diagnostics,
}

/// load -> link; fails when the guide has errors. The guide returned has
/// no HTML: `check` judges the guide, it renders nothing.
pub fn check(opts: &BuildOptions) -> Result<(Sources, link::Guide, Diagnostics), Failure> {
    check_traced(opts, &mut link::Cache::check_only(), &mut Trace::from_env())
}

fn check_traced(
    opts: &BuildOptions,
    cache: &mut link::Cache,
    trace: &mut Trace,
) -> Result<(Sources, link::Guide, Diagnostics), Failure> {
    let mut diags = Diagnostics::default();
    let sources = load::load(&opts.guide, &mut diags)?;
    trace.stage("load");
    let guide = link::link_with(&sources, &opts.link, cache, &mut diags);
    trace.stage("link");
    if diags.has_errors() {
        return Err(Failure::Content(Box::new((sources, diags))));
    }
    Ok((sources, guide, diags))
}

/// load -> link -> render -> write.
pub fn build(opts: &BuildOptions) -> Result<Report, Failure> {
    let mut trace = Trace::from_env();
    let (mut sources, guide, warnings) = check_traced(opts, &mut link::Cache::default(), &mut trace)?;
    // Rendering needs the linked guide only: the texts read stay for the files
    // the warnings quote, the others are freed (a third of a large build's memory).
    let quoted: std::collections::HashSet<source::FileId> =
        warnings.iter().filter_map(|d| d.span.as_ref()).map(|s| s.file).collect();
    sources.files.keep_only(|id| quoted.contains(&id));
    drop(quoted);
    let theme = render::Theme::for_guide(&guide).map_err(Failure::Template)?;
    // Pages are written as they are rendered, into a folder beside the output
    // that replaces it only when every file is there.
    let staging = write::Staging::new(&opts.out_dir)?;
    let (rendered, written) = write::stream(&staging, |sink| render::render_to(&guide, &theme, sink));
    let files = match (rendered, written) {
        (Ok(files), Ok(())) => files,
        (_, Err(e)) => {
            staging.abort();
            return Err(Failure::Io(e));
        }
        (Err(e), Ok(())) => {
            staging.abort();
            return Err(Failure::Template(format!("{}: {}", e.page, e.message)));
        }
    };
    trace.stage("render and write");
    staging.commit()?;
    trace.stage("swap");
    Ok(Report { files, sources, warnings })
}

/// Stage times on standard error when `PARTNERBOOK_TRACE` is set: where a slow run spends its time.
pub struct Trace {
    last: Option<std::time::Instant>,
}

impl Trace {
    /// Tracing on when the environment asks for it.
    pub fn from_env() -> Self {
        Trace { last: std::env::var_os("PARTNERBOOK_TRACE").map(|_| std::time::Instant::now()) }
    }

    /// Prints the time since the last stage, named `name`.
    pub fn stage(&mut self, name: &str) {
        if let Some(last) = self.last {
            let now = std::time::Instant::now();
            eprintln!("trace: {name} {:.1} ms", (now - last).as_secs_f64() * 1e3);
            self.last = Some(now);
        }
    }
}
