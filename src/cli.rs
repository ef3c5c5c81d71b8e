//! The command line: clap definitions, resolved into options structs before
//! any work starts.

use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};

use crate::BuildOptions;
use crate::link::LinkOptions;

/// What `--version` prints after the name: the version and the commit the
/// binary was built from ("unknown" when built outside git; see `build.rs`).
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (commit ", env!("PARTNERBOOK_COMMIT"), ")");

/// partnerbook: build a library outreach guide into a website.
#[derive(Debug, Parser)]
#[command(name = "partnerbook", version = VERSION, about, long_about = None)]
pub struct Cli {
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a new guide into DIR from the starter guide built into partnerbook.
    Init(InitArgs),
    /// Add a playbook or a partner profile to a guide, with every field ready to fill in.
    #[command(subcommand)]
    New(NewArgs),
    /// Report every error and warning of a guide; exit 1 on errors. Writes nothing.
    Check(CheckArgs),
    /// Build the guide into a static site.
    Build(BuildArgs),
    /// Build, serve and watch the guide; every save shows in the browser at once.
    Serve(ServeArgs),
}

/// Options shared by check and build.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// The guide folder (default: `content/` in the partnerbook repository, else the current folder).
    pub guide: Option<PathBuf>,
    /// Include playbooks marked `draft: true` (serve always does; there the flag changes nothing).
    #[arg(long)]
    pub drafts: bool,
    /// The date that counts as today, YYYY-MM-DD (default: the clock), for reproducible builds.
    #[arg(long, value_parser = parse_today)]
    pub today: Option<chrono::NaiveDate>,
}

/// `partnerbook check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    /// Shared options.
    pub common: CommonArgs,
    /// Exit 1 when there are warnings, as for errors (for CI).
    #[arg(long)]
    pub deny_warnings: bool,
    /// How to print the problems: `text` for people, `json` for tools (one JSON object per line on stdout).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also ask every http(s) link's server whether the page (and its #part) is there; answers are kept in .partnerbook/links.json for link_cache_days.
    #[arg(long)]
    pub external: bool,
    /// How long one link's request may take, in milliseconds (for tests).
    #[arg(long, hide = true, default_value_t = 10_000)]
    pub link_timeout_ms: u64,
}

/// How `check` prints what it found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Headline, source snippet and hint per problem, on stderr.
    Text,
    /// JSON Lines on stdout: {"file","line","column","end_line","end_column","severity","code","message","hint"}.
    Json,
}

/// `partnerbook build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    /// Shared options.
    pub common: CommonArgs,
    /// Output folder.
    #[arg(short = 'o', long = "output", default_value = "public")]
    pub output: PathBuf,
    /// Base URL the site is published at (overrides site.yaml), e.g. https://lib.example.edu/outreach/.
    #[arg(long)]
    pub base_url: Option<String>,
    /// Show the partners' and meetings' `private_notes` on their pages (for a copy on an intranet; never publish it).
    #[arg(long)]
    pub include_private: bool,
}

/// `partnerbook serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    /// Shared options.
    pub common: CommonArgs,
    /// Port to serve on; if it is taken, the next free one is used (0: any free port).
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
    /// Address to bind; 0.0.0.0 shares the preview on the local network.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Open the preview in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Allow editing from the browser on a non-loopback --bind (every write then needs the token printed at start).
    #[arg(long)]
    pub allow_edit: bool,
    /// No editing from the browser, even on loopback.
    #[arg(long, conflicts_with = "allow_edit")]
    pub read_only: bool,
}

impl ServeArgs {
    /// Resolved options (serve writes nothing, so the output folder is unused).
    /// The preview always includes drafts, marked as such, so that editors see
    /// what they are writing; `--drafts` is accepted and changes nothing.
    pub fn options(&self) -> BuildOptions {
        let mut opts = self.common.options(PathBuf::new(), None);
        opts.link.drafts = true;
        // The preview is the editors' own: it shows the private notes they write.
        opts.link.private = true;
        opts
    }

    /// Whether the served pages may edit the guide: on loopback unless
    /// `--read-only`; elsewhere only with `--allow-edit`.
    pub fn editing(&self) -> bool {
        !self.read_only && (self.bind.is_loopback() || self.allow_edit)
    }
}

fn parse_today(s: &str) -> Result<chrono::NaiveDate, String> {
    crate::load::fields::parse_date(s)
}

/// The guide folder when none is given: the current folder if it is a guide,
/// else `content/` if that is one (running inside this repository).
pub fn default_guide(cwd: &Path) -> PathBuf {
    if !cwd.join("site.yaml").is_file() && cwd.join("content/site.yaml").is_file() {
        return cwd.join("content");
    }
    cwd.to_path_buf()
}

impl CommonArgs {
    fn options(&self, out_dir: PathBuf, base_url: Option<String>) -> BuildOptions {
        let guide = self.guide.clone().unwrap_or_else(|| default_guide(Path::new(".")));
        let today = self.today.unwrap_or_else(|| chrono::Local::now().date_naive());
        BuildOptions { guide, out_dir, link: LinkOptions { base_url, drafts: self.drafts, today, private: false } }
    }
}

impl CheckArgs {
    /// Resolved options.
    pub fn options(&self) -> BuildOptions {
        self.common.options(PathBuf::new(), None)
    }
}

impl BuildArgs {
    /// Resolved options.
    pub fn options(&self) -> BuildOptions {
        let mut opts = self.common.options(self.output.clone(), self.base_url.clone());
        opts.link.private = self.include_private;
        opts
    }
}

/// `partnerbook init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to write the guide into (created if missing; must be empty unless --force).
    pub dir: PathBuf,
    /// Write into a folder that is not empty, replacing files with the starter's names.
    #[arg(long)]
    pub force: bool,
}

/// `partnerbook new`.
#[derive(Debug, Subcommand)]
pub enum NewArgs {
    /// Write `playbooks/<slug>.md`, the slug made from the title.
    Playbook(NewPlaybookArgs),
    /// Write `partners/<slug>.yaml`, the slug made from the name.
    Partner(NewPartnerArgs),
}

/// Options shared by `new playbook` and `new partner`.
#[derive(Debug, Args)]
pub struct NewCommonArgs {
    /// The guide folder (default: `content/` in the partnerbook repository, else the current folder).
    #[arg(long)]
    pub guide: Option<PathBuf>,
    /// The date that counts as today, YYYY-MM-DD (default: the clock); fills `updated:` and example dates.
    #[arg(long, value_parser = parse_today)]
    pub today: Option<chrono::NaiveDate>,
}

/// `partnerbook new playbook`.
#[derive(Debug, Args)]
pub struct NewPlaybookArgs {
    /// The playbook's title.
    pub title: String,
    /// Outreach stage: prepare, reach-out, meet, follow-up or sustain.
    #[arg(long)]
    pub stage: Option<String>,
    /// Slugs of the partners it concerns, separated by commas.
    #[arg(long, value_delimiter = ',')]
    pub partners: Vec<String>,
    #[command(flatten)]
    /// Shared options.
    pub common: NewCommonArgs,
}

/// `partnerbook new partner`.
#[derive(Debug, Args)]
pub struct NewPartnerArgs {
    /// The partner's name.
    pub name: String,
    /// Kind of unit: it, instructional-technology, research-computing, academic-department, administrative or other.
    #[arg(long)]
    pub kind: Option<String>,
    #[command(flatten)]
    /// Shared options.
    pub common: NewCommonArgs,
}
