//! The command line: clap definitions, resolved into options structs before
//! any work starts.

use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};

use crate::BuildOptions;
use crate::link::LinkOptions;

/// partnerbook: build a library outreach guide into a website.
#[derive(Debug, Parser)]
#[command(name = "partnerbook", version, about, long_about = None)]
pub struct Cli {
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
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
    /// Include playbooks marked `draft: true`.
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
}

impl ServeArgs {
    /// Resolved options (serve writes nothing, so the output folder is unused).
    pub fn options(&self) -> BuildOptions {
        self.common.options(PathBuf::new(), None)
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
        BuildOptions { guide, out_dir, link: LinkOptions { base_url, drafts: self.drafts, today } }
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
        self.common.options(self.output.clone(), self.base_url.clone())
    }
}
