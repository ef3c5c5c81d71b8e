//! Stage benches: load, link, theme, render and write, each on its own, plus
//! the whole `build`, over one guide.
//!
//! The guide is generated at startup into a temporary folder (see `guide.rs`:
//! 300 playbooks and 60 partners by default, `PARTNERBOOK_BENCH_SIZE=P,Q` for
//! other counts), or read from `PARTNERBOOK_BENCH_GUIDE` when that is set (for
//! example a guide made by the project's corpus generator).
//!
//! ```sh
//! cargo bench --bench stages                      # all stages
//! cargo bench --bench stages -- render            # one stage (divan filter)
//! PARTNERBOOK_BENCH_GUIDE=path/to/guide cargo bench --bench stages
//! ```

#![allow(missing_docs, reason = "a bench target, not an API")]

mod guide;

use std::path::PathBuf;
use std::sync::LazyLock;

use chrono::NaiveDate;
use divan::Bencher;
use partnerbook::diag::Diagnostics;
use partnerbook::link::{self, Guide, LinkOptions};
use partnerbook::load::{self, Sources};
use partnerbook::render::{self, Site, Theme};
use partnerbook::write;

/// Where the benches' files live: the guide (unless given) and the write stage's outputs.
struct Setup {
    /// The scratch folder, removed at the end.
    scratch: PathBuf,
    /// The guide that is benched.
    guide: PathBuf,
    /// Fixed, so that staleness and overdue items are the same on every run.
    link: LinkOptions,
}

/// Made once, by `main` before the benches run; `main` removes the scratch folder at the end.
static SETUP: LazyLock<Setup> = LazyLock::new(|| {
    let scratch = std::env::temp_dir().join(format!("partnerbook-bench-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).expect("create the scratch folder");
    let guide = match std::env::var_os("PARTNERBOOK_BENCH_GUIDE") {
        Some(dir) => PathBuf::from(dir),
        None => {
            let dir = scratch.join("guide");
            let size = size_from_env();
            let bytes = guide::write(&dir, size).expect("write the bench guide");
            eprintln!("bench guide: {} playbooks, {} partners, {bytes} bytes", size.playbooks, size.partners);
            dir
        }
    };
    let today = NaiveDate::from_ymd_opt(2026, 11, 15).expect("a valid date");
    Setup { scratch, guide, link: LinkOptions { base_url: None, drafts: false, today, private: false } }
});

/// Each stage's input, made once by running the stages before it.
static SOURCES: LazyLock<Sources> = LazyLock::new(|| {
    let mut diags = Diagnostics::default();
    let sources = load::load(&SETUP.guide, &mut diags).expect("load the bench guide");
    let _ = link_checked(&sources, &mut diags);
    sources
});
static GUIDE: LazyLock<Guide> = LazyLock::new(|| link_checked(&SOURCES, &mut Diagnostics::default()));
static THEME: LazyLock<Theme> = LazyLock::new(|| Theme::for_guide(&GUIDE).expect("load the theme"));
static SITE: LazyLock<Site> = LazyLock::new(|| render::render(&GUIDE, &THEME).expect("render the bench guide"));

fn size_from_env() -> guide::Size {
    let default = guide::Size { playbooks: 300, partners: 60 };
    let Ok(v) = std::env::var("PARTNERBOOK_BENCH_SIZE") else { return default };
    let parsed = v.split_once(',').and_then(|(p, q)| Some((p.trim().parse().ok()?, q.trim().parse().ok()?)));
    match parsed {
        Some((playbooks, partners)) if playbooks > 0 => guide::Size { playbooks, partners },
        _ => panic!("PARTNERBOOK_BENCH_SIZE must be PLAYBOOKS,PARTNERS (for example 300,60), not {v:?}"),
    }
}

/// Links, and stops the benches if the guide has errors: timing a guide that
/// does not build would measure the wrong thing.
fn link_checked(sources: &Sources, diags: &mut Diagnostics) -> Guide {
    let guide = link::link(sources, &SETUP.link, diags);
    assert!(!diags.has_errors(), "the bench guide has errors:\n{}", diags.render(&sources.files, false));
    guide
}

fn main() {
    // The guide is written before divan prints its table, so that the note about it stays out of the table.
    LazyLock::force(&SETUP);
    divan::main();
    let _ = std::fs::remove_dir_all(&SETUP.scratch);
}

#[divan::bench(sample_count = 30)]
fn load(bencher: Bencher) {
    let root = SETUP.guide.as_path();
    bencher.bench_local(|| load::load(root, &mut Diagnostics::default()).expect("load"));
}

#[divan::bench(sample_count = 30)]
fn link(bencher: Bencher) {
    let sources = &*SOURCES;
    bencher.bench_local(|| link::link(sources, &SETUP.link, &mut Diagnostics::default()));
}

/// Loading the theme: the embedded templates and the guide's overrides, compiled by Tera.
#[divan::bench(sample_count = 30)]
fn theme(bencher: Bencher) {
    let guide = &*GUIDE;
    bencher.bench_local(|| Theme::for_guide(guide).expect("theme"));
}

#[divan::bench(sample_count = 30)]
fn render(bencher: Bencher) {
    let (guide, theme) = (&*GUIDE, &*THEME);
    bencher.bench_local(|| render::render(guide, theme).expect("render"));
}

/// The search index alone (`render` makes it too, beside the pages).
#[divan::bench(sample_count = 30)]
fn search_index(bencher: Bencher) {
    let guide = &*GUIDE;
    bencher.bench_local(|| render::search_index::search_index(guide));
}

/// A folder that is removed when dropped, which divan does outside the timed part.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Writing into a folder that does not exist yet (a first build).
#[divan::bench(sample_count = 30)]
fn write_fresh(bencher: Bencher) {
    let site = &*SITE;
    let mut n = 0;
    bencher
        .with_inputs(|| {
            n += 1;
            Scratch(SETUP.scratch.join(format!("fresh-{n}")))
        })
        .bench_local_values(|out| {
            write::publish(site, &out.0).expect("write");
            out
        });
}

/// Writing over the previous output (a rebuild): the old tree is swapped out and removed.
#[divan::bench(sample_count = 30)]
fn write_replace(bencher: Bencher) {
    let site = &*SITE;
    let out = Scratch(SETUP.scratch.join("replace"));
    write::publish(site, &out.0).expect("write");
    bencher.bench_local(|| write::publish(site, &out.0).expect("write"));
}

/// The whole `build`: load, link, theme, render and write over the previous output.
#[divan::bench(sample_count = 10)]
fn build(bencher: Bencher) {
    let out = Scratch(SETUP.scratch.join("build"));
    let opts =
        partnerbook::BuildOptions { guide: SETUP.guide.clone(), out_dir: out.0.clone(), link: SETUP.link.clone() };
    bencher.bench_local(|| partnerbook::build(&opts).map(|r| r.files).map_err(|e| format!("{e:?}")).expect("build"));
}
