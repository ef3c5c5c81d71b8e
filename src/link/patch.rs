//! Linking again after an editor saved a few playbooks or partner profiles:
//! [`relink`] patches the last linked guide in place instead of linking every
//! file again, so that a save in a large guide costs what the saved files cost.
//!
//! It takes the edit only when nothing outside the saved files can change:
//! the same slugs, the same references between playbooks and partners (both
//! ways), the same tags, the same heading ids (other files may link to them),
//! the same draft status, front matter that parses. Anything else is left to a
//! full [`super::link_with`], which the serve test compares against after
//! every edit.

use std::sync::Arc;

use super::cache::{self, Cache, State, Was};
use super::guide::Guide;
use super::items::{partner_item, playbook_item};
use super::markdown::{self, Origin, Targets};
use super::refs::unknown_ref;
use super::texts::partner_texts;
use super::{LinkOptions, rules, warnings};
use crate::diag::Diagnostic;
use crate::load::Sources;
use crate::load::partner::PartnerSrc;
use crate::load::playbook::PlaybookSrc;
use crate::load::yaml::Spanned;
use crate::source::FileId;

/// What [`relink`] changed in the guide.
#[derive(Clone, Debug, Default)]
pub(crate) struct Relinked {
    /// Slugs of the playbooks replaced.
    pub playbooks: Vec<String>,
    /// Slugs of the partners replaced.
    pub partners: Vec<String>,
    /// Slugs of the owners of those partners' open items, before and after:
    /// the owners whose list of actions may have changed.
    pub owners: Vec<String>,
}

/// One saved file, linked again, not yet put in the guide.
enum Fresh<'a> {
    Playbook { src: &'a PlaybookSrc, entry: cache::Entry },
    Partner { src: &'a PartnerSrc, entry: cache::Entry },
}

/// Links again the `files` that `crate::load::patch` read again, in `guide`
/// (the guide the last link with `cache` made, from the same `sources` but for
/// those files), and pushes those files' problems to `diags`. Returns `None`,
/// with nothing changed, when the edit reaches beyond the files (see the module
/// documentation): then link the whole guide again.
pub(crate) fn relink(
    sources: &Sources,
    opts: &LinkOptions,
    cache: &mut Cache,
    guide: &mut Guide,
    files: &[FileId],
    diags: &mut impl Extend<Diagnostic>,
) -> Option<Relinked> {
    let state = cache.state.as_ref()?;
    let base = guide.settings.base_path.clone();
    if cache.base != base {
        return None;
    }
    // Everything is checked before anything changes.
    let mut fresh = Vec::new();
    for &file in files {
        let was = state.was.get(file.0 as usize)?.as_ref()?;
        let text = sources.files.get(file);
        match was {
            Was::Playbook(old) => {
                let src = sources.playbooks.iter().find(|p| p.file == file)?;
                let (old, new) = (old.as_ref()?, src.meta.as_ref()?);
                let shown = |draft: bool| !draft || opts.drafts;
                let linked = guide.playbooks.get(&src.slug)?;
                if !shown(old.draft) || !shown(new.draft) || !same(&old.partners, &new.partners) || old.tags != new.tags
                {
                    return None;
                }
                let mut local = Vec::new();
                let origin = Origin::Body { file, start: src.body.start };
                let body = markdown::render_text(&text.text[src.body.clone()], &base, origin, "", true, &mut local);
                if body.ids != linked.body.ids {
                    return None;
                }
                let entry = cache::Entry { text_hash: text.hash, rendered: vec![Some(Arc::new(body))], diags: local };
                fresh.push(Fresh::Playbook { src, entry });
            }
            Was::Partner(old) => {
                let src = sources.partners.iter().find(|p| p.file == file)?;
                let (old, new) = (old.as_ref()?, src.profile.as_ref()?);
                guide.partners.get(&src.slug)?;
                if !same(&old.playbooks, &new.playbooks) || old.tags != new.tags {
                    return None;
                }
                let mut local = Vec::new();
                let rendered = partner_texts(new, file, &text.text, &base, true, &mut local);
                let rendered = rendered.into_iter().map(|r| r.map(Arc::new)).collect();
                fresh
                    .push(Fresh::Partner { src, entry: cache::Entry { text_hash: text.hash, rendered, diags: local } });
            }
        }
    }

    let state = cache.state.as_mut().expect("checked above");
    let targets = Targets { base: &base, playbooks: &state.playbook_targets, partners: &state.partner_slugs };
    let mut out = Relinked::default();
    let mut found = Vec::new();
    for f in fresh {
        let (key, file, entry) = match &f {
            Fresh::Playbook { src, entry } => (format!("playbook:{}", src.slug), src.file, entry),
            Fresh::Partner { src, entry } => (format!("partner:{}", src.slug), src.file, entry),
        };
        found.extend(entry.diags_for(file));
        for r in entry.rendered.iter().flatten() {
            markdown::check_links(&r.links, &targets, |mut d| {
                if let Some(span) = &mut d.span {
                    span.file = file;
                }
                found.push(d);
            });
        }
        let text = sources.files.get(file).text.as_str();
        match f {
            Fresh::Playbook { src, entry } => {
                let meta = src.meta.as_ref().expect("checked above");
                unknown_refs(&meta.partners, src.file, src.yaml_start, state, &mut found);
                let old = &guide.playbooks[&src.slug];
                let body = entry.rendered[0].clone().unwrap_or_default();
                let playbook = playbook_item(sources, src, meta, old.partners.clone(), body);
                warnings::check_playbook(src, text, guide, &playbook, &mut found);
                guide.playbooks.insert(src.slug.clone(), Arc::new(playbook));
                state.was[file.0 as usize] = Some(Was::Playbook(Some(meta.clone())));
                out.playbooks.push(src.slug.clone());
                cache.texts.insert(key, entry);
            }
            Fresh::Partner { src, entry } => {
                let profile = src.profile.clone().expect("checked above");
                for r in &profile.playbooks {
                    if !state.playbook_targets.contains_key(&r.value) {
                        let known = sources.playbooks.iter().map(|p| &p.slug);
                        found.push(unknown_ref("playbook", &r.value, r.span(file, 0), known));
                    }
                }
                let old = &guide.partners[&src.slug];
                let partner =
                    partner_item(sources, src, profile.clone(), old.playbooks.clone(), &entry.rendered, opts.private);
                // The partner's open items first: its warnings read them from the guide.
                let items = rules::open_items(&partner.slug, &partner.profile, guide.today);
                let before = guide.actions.of_partner(&src.slug);
                let owners = before.into_iter().chain(&items).filter_map(|a| a.owner.as_deref());
                out.owners.extend(owners.map(rules::owner_slug));
                Arc::make_mut(&mut guide.actions).replace_partner(&src.slug, items);
                warnings::check_partner(file, text, guide, &partner, &mut found);
                guide.partners.insert(src.slug.clone(), Arc::new(partner));
                state.was[file.0 as usize] = Some(Was::Partner(Some(profile)));
                out.partners.push(src.slug.clone());
                cache.texts.insert(key, entry);
            }
        }
    }
    diags.extend(found);
    out.owners.sort_unstable();
    out.owners.dedup();
    Some(out)
}

/// The same references, in the same order (their places in the file may differ).
fn same(a: &[Spanned<String>], b: &[Spanned<String>]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(a, b)| a.value == b.value)
}

/// "Unknown partner" for each of a playbook's partners that does not exist.
fn unknown_refs(refs: &[Spanned<String>], file: FileId, yaml_start: usize, state: &State, out: &mut Vec<Diagnostic>) {
    for r in refs {
        if !state.partner_slugs.contains(&r.value) {
            out.push(unknown_ref("partner", &r.value, r.span(file, yaml_start), state.partner_slugs.iter()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostics;
    use crate::load;
    use std::path::{Path, PathBuf};

    struct Fixture {
        root: PathBuf,
        opts: LinkOptions,
        load_cache: load::Cache,
        cache: Cache,
        sources: Sources,
        guide: Guide,
    }

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    impl Fixture {
        fn new(name: &str) -> Self {
            let root = std::env::temp_dir().join(format!("pb-relink-{}-{name}", std::process::id()));
            let _ = std::fs::remove_dir_all(&root);
            write(&root, "site.yaml", "title: Relink\n");
            write(&root, "playbooks/a.md", "---\ntitle: A\npartners: [lab]\n---\n## Setup\nText.\n");
            write(&root, "playbooks/b.md", "---\ntitle: B\n---\nSee [setup](playbook:a#setup).\n");
            write(&root, "partners/lab.yaml", "name: Lab\nsummary: A lab.\n");
            let opts =
                LinkOptions { base_url: None, drafts: false, today: "2026-11-29".parse().unwrap(), private: false };
            let (mut load_cache, mut cache, mut diags) =
                (load::Cache::default(), Cache::default(), Diagnostics::default());
            let sources = load::load_with(&root, &mut load_cache, &mut diags).unwrap();
            let guide = super::super::link_with(&sources, &opts, &mut cache, &mut diags);
            assert!(!diags.has_errors(), "{}", diags.render(&sources.files, false));
            Fixture { root, opts, load_cache, cache, sources, guide }
        }

        /// Saves `rel` and relinks in place; `None` when relink declines.
        fn save(&mut self, rel: &str, text: &str) -> Option<(Relinked, Vec<Diagnostic>)> {
            write(&self.root, rel, text);
            self.load_cache.forget(rel);
            let mut found = Vec::new();
            let changed = [rel.to_string()];
            let files = load::patch(&self.root, &changed, &mut self.sources, &mut self.load_cache, &mut found)
                .unwrap()
                .expect("an edit of a known file is patched");
            let relinked = relink(&self.sources, &self.opts, &mut self.cache, &mut self.guide, &files, &mut found)?;
            Some((relinked, found))
        }

        /// The guide linked from scratch as the files are now.
        fn full(&self) -> (Guide, Diagnostics) {
            let mut diags = Diagnostics::default();
            let sources = load::load(&self.root, &mut diags).unwrap();
            let guide = super::super::link(&sources, &self.opts, &mut diags);
            (guide, diags)
        }
    }

    impl Drop for Fixture {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.root);
        }
    }

    #[test]
    fn a_body_and_title_edit_is_patched_and_equals_a_full_link() {
        let mut f = Fixture::new("body");
        let (relinked, found) =
            f.save("playbooks/a.md", "---\ntitle: A new\npartners: [lab]\n---\n## Setup\nMore text.\n").unwrap();
        assert_eq!(relinked.playbooks, ["a"]);
        assert!(found.iter().all(|d| d.severity != crate::diag::Severity::Error));
        let (full, _) = f.full();
        let (patched, whole) = (&f.guide.playbooks["a"], &full.playbooks["a"]);
        assert_eq!(patched.title, "A new");
        assert_eq!(patched.body.html, whole.body.html);
        assert_eq!(patched.updated, whole.updated);
        assert_eq!(patched.partners, whole.partners);
    }

    #[test]
    fn a_broken_link_is_reported_for_the_saved_file() {
        let mut f = Fixture::new("broken");
        let (_, found) = f.save("playbooks/b.md", "---\ntitle: B\n---\nSee [setup](playbook:a#nowhere).\n").unwrap();
        assert!(found.iter().any(|d| d.severity == crate::diag::Severity::Error && d.message.contains("nowhere")));
    }

    #[test]
    fn edits_that_reach_other_files_are_declined() {
        // Another playbook links to this heading.
        let mut f = Fixture::new("heading");
        assert!(f.save("playbooks/a.md", "---\ntitle: A\npartners: [lab]\n---\n## Set up\nText.\n").is_none());
        // The partner's list of playbooks would change.
        let mut f = Fixture::new("refs");
        assert!(f.save("playbooks/a.md", "---\ntitle: A\n---\n## Setup\nText.\n").is_none());
        // Tag pages would change.
        let mut f = Fixture::new("tags");
        assert!(
            f.save("playbooks/b.md", "---\ntitle: B\ntags: [new]\n---\nSee [setup](playbook:a#setup).\n").is_none()
        );
        // A front matter that fails to parse is left to the full link and its error.
        let mut f = Fixture::new("broken-yaml");
        assert!(f.save("playbooks/b.md", "---\ntitle: [B\n---\nBody.\n").is_none());
        // The guide is untouched by a declined edit.
        assert_eq!(f.guide.playbooks["b"].title, "B");
    }
}
