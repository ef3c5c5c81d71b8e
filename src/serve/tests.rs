use super::*;
use crate::render::Output;

fn site(pages: &[(&str, &Arc<[u8]>)]) -> Site {
    Site { pages: pages.iter().map(|(p, b)| (Arc::from(*p), Output { bytes: Arc::clone(b) })).collect() }
}

#[test]
fn diff_lists_added_removed_and_changed_paths_in_order() {
    let same: Arc<[u8]> = Arc::from(&b"same"[..]);
    let old_text: Arc<[u8]> = Arc::from(&b"old"[..]);
    let new_text: Arc<[u8]> = Arc::from(&b"new"[..]);
    let equal_copy: Arc<[u8]> = Arc::from(&b"same"[..]);
    let old = site(&[("a", &same), ("b", &old_text), ("c", &same), ("e", &same)]);
    let new = site(&[("b", &new_text), ("c", &equal_copy), ("d", &same), ("e", &same), ("f", &same)]);
    assert_eq!(diff(&old, &new), ["a", "b", "d", "f"]);
    assert!(diff(&new, &new).is_empty());
    assert_eq!(diff(&Site::default(), &old), ["a", "b", "c", "e"]);
}

/// A small guide as data: each edit changes the model, and the files it
/// changed are written from it.
#[derive(Clone, Debug)]
struct Model {
    site_title: String,
    page_body: String,
    playbooks: Vec<Option<PlaybookModel>>,
    partners: Vec<Option<PartnerModel>>,
}

#[derive(Clone, Debug)]
struct PlaybookModel {
    title: String,
    stage: Option<&'static str>,
    partners: Vec<usize>,
    tags: Vec<&'static str>,
    body: String,
    /// `reviewed`: due for review or not, which the home page lists.
    reviewed: Option<&'static str>,
}

#[derive(Clone, Debug)]
struct PartnerModel {
    name: String,
    kind: &'static str,
    status: &'static str,
    tags: Vec<&'static str>,
    last_contact: &'static str,
    next_step: Option<ItemModel>,
    items: Vec<ItemModel>,
    meeting_items: Vec<ItemModel>,
    /// The partner's and its meeting's `private_notes` (serve shows them).
    private_notes: Option<&'static str>,
    meeting_private_notes: Option<&'static str>,
}

#[derive(Clone, Debug)]
struct ItemModel {
    task: &'static str,
    owner: Option<&'static str>,
    due: Option<&'static str>,
    done: bool,
}

const WORDS: &[&str] = &["Alpha", "Beta plan", "Gamma: the meeting", "Delta & co", "Épée"];
const STAGES: &[Option<&str>] = &[None, Some("prepare"), Some("meet"), Some("follow-up")];
const TAGS: &[&str] = &["gis", "data", "Spaces", "teaching"];
const KINDS: &[&str] = &["it", "research-computing", "academic-department"];
const STATUSES: &[&str] = &["prospect", "contacted", "meeting", "active", "paused", "ended"];
const TASKS: &[&str] = &["Send the SLA", "send the sla", "Book a room", "Confirm the ArcGIS licence"];
const OWNERS: &[Option<&str>] = &[None, Some("Ana Ruiz"), Some("Jo Whitfield")];
const DUES: &[Option<&str>] = &[None, Some("2026-11-20"), Some("2026-12-02"), Some("2027-03-01")];
const CONTACTS: &[&str] = &["2026-06-01", "2026-11-25"];
/// `reviewed` dates: none, more than a year before today (due), recent.
const REVIEWS: &[Option<&str>] = &[None, Some("2024-01-01"), Some("2026-11-01")];
/// Playbooks and partners 0 and 1 always exist (the others come and go), so references stay valid.
const KEPT: usize = 2;

impl Model {
    fn new() -> Self {
        let item = |task, owner, due| ItemModel { task, owner, due, done: false };
        let playbook = |i: usize| PlaybookModel {
            title: format!("Playbook {i}"),
            stage: STAGES[i % STAGES.len()],
            partners: vec![i % KEPT],
            tags: vec![TAGS[i % TAGS.len()]],
            body: "## Steps\n\nDo the thing.\n".into(),
            reviewed: REVIEWS[i % REVIEWS.len()],
        };
        let partner = |i: usize| PartnerModel {
            name: format!("Partner {i}"),
            kind: KINDS[i % KINDS.len()],
            status: STATUSES[i % STATUSES.len()],
            tags: vec![TAGS[(i + 1) % TAGS.len()]],
            last_contact: CONTACTS[i % CONTACTS.len()],
            next_step: Some(item("Write to the director", Some("Ana Ruiz"), Some("2026-12-01"))),
            items: vec![item(TASKS[0], Some("Jo Whitfield"), Some("2026-11-20"))],
            meeting_items: vec![item(TASKS[1], None, Some("2026-11-20")), item(TASKS[2], None, None)],
            private_notes: (i == 0).then_some(WORDS[1]),
            meeting_private_notes: (i == 1).then_some(WORDS[2]),
        };
        Model {
            site_title: "Good guide".into(),
            page_body: "About this guide.".into(),
            playbooks: (0..4).map(|i| (i < 3).then(|| playbook(i))).collect(),
            partners: (0..3).map(|i| (i < 3).then(|| partner(i))).collect(),
        }
    }

    /// Every file of the guide as it is now; `None` for a file that is gone.
    fn files(&self) -> Vec<(String, Option<String>)> {
        let mut files = vec![
            ("site.yaml".to_string(), Some(format!("title: {:?}\nstale_after_days: 60\n", self.site_title))),
            ("pages/about.md".to_string(), Some(format!("---\ntitle: About\n---\n{}\n", self.page_body))),
        ];
        for (i, p) in self.playbooks.iter().enumerate() {
            files.push((format!("playbooks/p{i}.md"), p.as_ref().map(|p| self.playbook_text(p))));
        }
        for (i, p) in self.partners.iter().enumerate() {
            files.push((format!("partners/org{i}.yaml"), p.as_ref().map(partner_text)));
        }
        files
    }

    fn playbook_text(&self, p: &PlaybookModel) -> String {
        let partners: Vec<String> = p.partners.iter().map(|i| format!("org{i}")).collect();
        let mut t = format!("---\ntitle: {:?}\nsummary: A summary.\n", p.title);
        if let Some(stage) = p.stage {
            t += &format!("stage: {stage}\n");
        }
        if let Some(r) = p.reviewed {
            t += &format!("reviewed: {r}\n");
        }
        t += &format!("partners: [{}]\ntags: [{}]\n---\n{}", partners.join(", "), p.tags.join(", "), p.body);
        t
    }
}

fn item_text(indent: &str, key: &str, a: &ItemModel) -> String {
    let mut t = format!("{indent}- {key}: {:?}\n", a.task);
    if let Some(o) = a.owner {
        t += &format!("{indent}  owner: {o}\n");
    }
    if let Some(d) = a.due {
        t += &format!("{indent}  due: {d}\n");
    }
    t + &format!("{indent}  done: {}\n", a.done)
}

fn partner_text(p: &PartnerModel) -> String {
    let mut t = format!(
        "name: {:?}\nsummary: A partner.\nkind: {}\nstatus: {}\ntags: [{}]\nlast_contact: {}\n",
        p.name,
        p.kind,
        p.status,
        p.tags.join(", "),
        p.last_contact
    );
    if let Some(n) = &p.next_step {
        t += &format!("next_step:\n  action: {:?}\n", n.task);
        if let Some(o) = n.owner {
            t += &format!("  owner: {o}\n");
        }
        if let Some(d) = n.due {
            t += &format!("  due: {d}\n");
        }
    }
    t += "action_items:\n";
    t += &p.items.iter().map(|a| item_text("  ", "task", a)).collect::<String>();
    if p.items.is_empty() {
        t = t.replace("action_items:\n", "action_items: []\n");
    }
    if let Some(n) = p.private_notes {
        t += &format!("private_notes: {n:?}\n");
    }
    t += "meetings:\n  - date: 2026-11-10\n    title: Kick-off\n";
    if let Some(n) = p.meeting_private_notes {
        t += &format!("    private_notes: {n:?}\n");
    }
    t += "    action_items:\n";
    t += &p.meeting_items.iter().map(|a| item_text("      ", "task", a)).collect::<String>();
    if p.meeting_items.is_empty() {
        t = t.replace("    action_items:\n", "    action_items: []\n");
    }
    t
}

fn playbook(m: &mut Model, i: usize) -> Option<&mut PlaybookModel> {
    m.playbooks[i].as_mut()
}

fn partner(m: &mut Model, i: usize) -> Option<&mut PartnerModel> {
    m.partners[i].as_mut()
}

/// One valid edit of the model.
#[derive(Clone, Debug)]
enum Edit {
    SiteTitle(usize),
    PageBody(usize),
    PlaybookTitle(usize, usize),
    PlaybookStage(usize, usize),
    PlaybookTags(usize, Vec<usize>),
    PlaybookPartners(usize, Vec<usize>),
    PlaybookBody(usize, usize),
    PlaybookAddOrRemove(usize),
    PlaybookReviewed(usize, usize),
    /// Partner, words (`None`: no notes), the meeting's notes rather than the partner's.
    PartnerPrivateNotes(usize, Option<usize>, bool),
    PartnerName(usize, usize),
    PartnerKind(usize, usize),
    PartnerStatus(usize, usize),
    PartnerTags(usize, Vec<usize>),
    PartnerContact(usize, usize),
    PartnerNextStep(usize, Option<(usize, usize, usize)>),
    PartnerItem {
        partner: usize,
        meeting: bool,
        task: usize,
        owner: usize,
        due: usize,
        done: bool,
    },
    PartnerDropItem(usize, bool),
    PartnerAddOrRemove,
}

impl Edit {
    /// Applies the edit; returns the files it changed.
    fn apply(&self, m: &mut Model) -> Vec<String> {
        let pb = |i: usize| vec![format!("playbooks/p{i}.md")];
        let pa = |i: usize| vec![format!("partners/org{i}.yaml")];
        let n_pb = m.playbooks.len();
        let n_pa = m.partners.len();
        match self.clone() {
            Edit::SiteTitle(w) => {
                m.site_title = WORDS[w].into();
                vec!["site.yaml".into()]
            }
            Edit::PageBody(w) => {
                m.page_body = WORDS[w].into();
                vec!["pages/about.md".into()]
            }
            Edit::PlaybookTitle(i, w) => {
                playbook(m, i % n_pb).map(|p| p.title = WORDS[w].into()).map_or(vec![], |_| pb(i % n_pb))
            }
            Edit::PlaybookStage(i, s) => {
                playbook(m, i % n_pb).map(|p| p.stage = STAGES[s]).map_or(vec![], |_| pb(i % n_pb))
            }
            Edit::PlaybookTags(i, t) => playbook(m, i % n_pb)
                .map(|p| p.tags = t.iter().map(|&t| TAGS[t]).collect())
                .map_or(vec![], |_| pb(i % n_pb)),
            Edit::PlaybookPartners(i, ps) => playbook(m, i % n_pb)
                .map(|p| p.partners = ps.iter().map(|&x| x % KEPT).collect())
                .map_or(vec![], |_| pb(i % n_pb)),
            Edit::PlaybookBody(i, w) => playbook(m, i % n_pb)
                .map(|p| p.body = format!("## Steps\n\n{} and more.\n", WORDS[w]))
                .map_or(vec![], |_| pb(i % n_pb)),
            Edit::PlaybookAddOrRemove(i) => {
                let i = KEPT + i % (n_pb - KEPT);
                m.playbooks[i] = match m.playbooks[i].take() {
                    Some(_) => None,
                    None => Some(PlaybookModel {
                        title: format!("New playbook {i}"),
                        stage: Some("meet"),
                        partners: vec![1],
                        tags: vec!["data"],
                        body: "New.\n".into(),
                        reviewed: None,
                    }),
                };
                pb(i)
            }
            Edit::PlaybookReviewed(i, r) => {
                playbook(m, i % n_pb).map(|p| p.reviewed = REVIEWS[r]).map_or(vec![], |_| pb(i % n_pb))
            }
            Edit::PartnerPrivateNotes(i, w, meeting) => partner(m, i % n_pa)
                .map(|p| {
                    let notes = if meeting { &mut p.meeting_private_notes } else { &mut p.private_notes };
                    *notes = w.map(|w| WORDS[w]);
                })
                .map_or(vec![], |_| pa(i % n_pa)),
            Edit::PartnerName(i, w) => {
                partner(m, i % n_pa).map(|p| p.name = WORDS[w].into()).map_or(vec![], |_| pa(i % n_pa))
            }
            Edit::PartnerKind(i, k) => partner(m, i % n_pa).map(|p| p.kind = KINDS[k]).map_or(vec![], |_| pa(i % n_pa)),
            Edit::PartnerStatus(i, s) => {
                partner(m, i % n_pa).map(|p| p.status = STATUSES[s]).map_or(vec![], |_| pa(i % n_pa))
            }
            Edit::PartnerTags(i, t) => partner(m, i % n_pa)
                .map(|p| p.tags = t.iter().map(|&t| TAGS[t]).collect())
                .map_or(vec![], |_| pa(i % n_pa)),
            Edit::PartnerContact(i, c) => {
                partner(m, i % n_pa).map(|p| p.last_contact = CONTACTS[c]).map_or(vec![], |_| pa(i % n_pa))
            }
            Edit::PartnerNextStep(i, n) => partner(m, i % n_pa)
                .map(|p| {
                    p.next_step =
                        n.map(|(t, o, d)| ItemModel { task: TASKS[t], owner: OWNERS[o], due: DUES[d], done: false })
                })
                .map_or(vec![], |_| pa(i % n_pa)),
            Edit::PartnerItem { partner: i, meeting, task, owner, due, done } => partner(m, i % n_pa)
                .map(|p| {
                    let item = ItemModel { task: TASKS[task], owner: OWNERS[owner], due: DUES[due], done };
                    if meeting { p.meeting_items.push(item) } else { p.items.push(item) }
                })
                .map_or(vec![], |_| pa(i % n_pa)),
            Edit::PartnerDropItem(i, meeting) => partner(m, i % n_pa)
                .map(|p| {
                    let list = if meeting { &mut p.meeting_items } else { &mut p.items };
                    list.pop();
                })
                .map_or(vec![], |_| pa(i % n_pa)),
            Edit::PartnerAddOrRemove => {
                let i = KEPT;
                m.partners[i] = match m.partners[i].take() {
                    Some(_) => None,
                    None => Some(PartnerModel {
                        name: "A new partner".into(),
                        kind: "it",
                        status: "prospect",
                        tags: vec!["gis"],
                        last_contact: CONTACTS[0],
                        next_step: None,
                        items: vec![],
                        meeting_items: vec![],
                        private_notes: None,
                        meeting_private_notes: None,
                    }),
                };
                pa(i)
            }
        }
    }
}

fn edit_strategy() -> impl proptest::strategy::Strategy<Value = Edit> {
    use proptest::prelude::*;
    let w = 0..WORDS.len();
    let tags = proptest::collection::vec(0..TAGS.len(), 0..3);
    prop_oneof![
        w.clone().prop_map(Edit::SiteTitle),
        w.clone().prop_map(Edit::PageBody),
        (0..4usize, w.clone()).prop_map(|(i, w)| Edit::PlaybookTitle(i, w)),
        (0..4usize, 0..STAGES.len()).prop_map(|(i, s)| Edit::PlaybookStage(i, s)),
        (0..4usize, tags.clone()).prop_map(|(i, t)| Edit::PlaybookTags(i, t)),
        (0..4usize, proptest::collection::vec(0..KEPT, 0..3)).prop_map(|(i, p)| Edit::PlaybookPartners(i, p)),
        (0..4usize, w.clone()).prop_map(|(i, w)| Edit::PlaybookBody(i, w)),
        (0..4usize).prop_map(Edit::PlaybookAddOrRemove),
        (0..4usize, 0..REVIEWS.len()).prop_map(|(i, r)| Edit::PlaybookReviewed(i, r)),
        (0..3usize, proptest::option::of(w.clone()), any::<bool>())
            .prop_map(|(i, w, m)| Edit::PartnerPrivateNotes(i, w, m)),
        (0..3usize, w.clone()).prop_map(|(i, w)| Edit::PartnerName(i, w)),
        (0..3usize, 0..KINDS.len()).prop_map(|(i, k)| Edit::PartnerKind(i, k)),
        (0..3usize, 0..STATUSES.len()).prop_map(|(i, s)| Edit::PartnerStatus(i, s)),
        (0..3usize, tags).prop_map(|(i, t)| Edit::PartnerTags(i, t)),
        (0..3usize, 0..CONTACTS.len()).prop_map(|(i, c)| Edit::PartnerContact(i, c)),
        (0..3usize, proptest::option::of((0..TASKS.len(), 0..OWNERS.len(), 0..DUES.len())))
            .prop_map(|(i, n)| Edit::PartnerNextStep(i, n)),
        (0..3usize, any::<bool>(), 0..TASKS.len(), 0..OWNERS.len(), 0..DUES.len(), any::<bool>()).prop_map(
            |(partner, meeting, task, owner, due, done)| Edit::PartnerItem { partner, meeting, task, owner, due, done }
        ),
        (0..3usize, any::<bool>()).prop_map(|(i, m)| Edit::PartnerDropItem(i, m)),
        Just(Edit::PartnerAddOrRemove),
    ]
}

/// The site a fresh `serve` of the guide would show: every file but the ones
/// made when first asked for.
fn fresh_site(opts: &BuildOptions) -> Site {
    let mut fresh = Session::new(opts.clone());
    match fresh.rebuild(&[]) {
        Ok(Outcome::Built { site, .. }) => (*site).clone(),
        Ok(Outcome::Failed { text }) => panic!("the guide does not build:\n{text}"),
        Err(e) => panic!("{e:?}"),
    }
}

fn first_difference(served: &Site, fresh: &Site) -> Option<String> {
    let mut paths: Vec<&Arc<str>> = served.pages.keys().chain(fresh.pages.keys()).collect();
    paths.sort();
    paths.dedup();
    paths.into_iter().find_map(|path| {
        let (a, b) = (served.pages.get(path), fresh.pages.get(path));
        if a == b {
            return None;
        }
        let text =
            |o: Option<&Output>| o.map_or("(missing)".to_string(), |o| String::from_utf8_lossy(&o.bytes).into_owned());
        let (a, b) = (text(a), text(b));
        let at = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
        let from = a.floor_char_boundary(at.saturating_sub(120));
        Some(format!(
            "{path} differs at byte {at}\n served: {}\n  fresh: {}",
            &a[from..a.ceil_char_boundary((at + 200).min(a.len()))],
            &b[from.min(b.len())..b.ceil_char_boundary((at + 200).min(b.len()))]
        ))
    })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 24, ..Default::default() })]

    /// After every edit of a random sequence, the site serve shows is byte for
    /// byte the one a fresh serve of the guide as it now is would show.
    #[test]
    fn served_site_equals_a_fresh_one_after_any_sequence_of_edits(
        edits in proptest::collection::vec(edit_strategy(), 1..10)
    ) {
        let dir = tempfile_dir();
        let mut model = Model::new();
        for (path, text) in model.files() {
            if let Some(text) = text {
                write(&dir, &path, &text);
            }
        }
        let opts = BuildOptions {
            guide: dir.clone(),
            out_dir: dir.join("public"),
            link: link::LinkOptions { base_url: None, drafts: true, today: "2026-12-01".parse().unwrap(), private: true },
        };
        let mut session = Session::new(opts.clone());
        assert!(matches!(session.rebuild(&[]), Ok(Outcome::Built { .. })));
        for edit in &edits {
            let changed = edit.apply(&mut model);
            for (path, text) in model.files().into_iter().filter(|(p, _)| changed.contains(p)) {
                match text {
                    Some(text) => write(&dir, &path, &text),
                    None => std::fs::remove_file(dir.join(&path)).unwrap(),
                }
            }
            match session.rebuild(&changed) {
                Ok(Outcome::Built { .. }) => {}
                Ok(Outcome::Failed { text }) => panic!("after {edit:?}:\n{text}"),
                Err(e) => panic!("after {edit:?}: {e:?}"),
            }
            let served = session.last_site().unwrap();
            if let Some(diff) = first_difference(&served, &fresh_site(&opts)) {
                panic!("after {edit:?} (of {edits:?}):\n{diff}");
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

fn tempfile_dir() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "partnerbook-serve-edits-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &std::path::Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// An item moved from one owner to another who had none of that partner's
/// items: the new owner's page lists it after the save, as a fresh serve does
/// (the owner's page depends on which items the owner has, not only on the
/// partners of the items it had).
#[test]
fn an_owner_given_an_item_shows_it_after_the_save() {
    let dir = tempfile_dir();
    let partner = |name: &str, items: &[(&str, &str)]| {
        let items: String = items
            .iter()
            .map(|(task, owner)| format!("  - task: {task}\n    owner: {owner}\n    due: 2026-12-20\n"))
            .collect();
        format!("name: {name}\nstatus: active\nlast_contact: 2026-11-25\naction_items:\n{items}")
    };
    write(&dir, "site.yaml", "title: Owners\n");
    write(&dir, "partners/p.yaml", &partner("P", &[("Book a room", "Ana Ruiz")]));
    write(
        &dir,
        "partners/q.yaml",
        &partner("Q", &[("Send the SLA", "Jo Whitfield"), ("Confirm the date", "Ana Ruiz")]),
    );
    let opts = BuildOptions {
        guide: dir.clone(),
        out_dir: dir.join("public"),
        link: link::LinkOptions { base_url: None, drafts: true, today: "2026-12-01".parse().unwrap(), private: true },
    };
    let mut session = Session::new(opts.clone());
    assert!(matches!(session.rebuild(&[]), Ok(Outcome::Built { .. })));
    write(&dir, "partners/p.yaml", &partner("P", &[("Book a room", "Jo Whitfield")]));
    assert!(matches!(session.rebuild(&["partners/p.yaml".to_string()]), Ok(Outcome::Built { .. })));
    let served = session.last_site().unwrap();
    let jo = String::from_utf8_lossy(&served.pages["actions/owner/jo-whitfield/index.html"].bytes).into_owned();
    assert!(jo.contains("Book a room"), "Jo's page lacks the item moved to Jo");
    if let Some(diff) = first_difference(&served, &fresh_site(&opts)) {
        panic!("{diff}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `/print/` holds every playbook and partner whole: a save of either shows
/// on it, as a fresh serve shows it.
#[test]
fn the_print_page_shows_a_saved_playbook_and_partner() {
    let dir = tempfile_dir();
    write(&dir, "site.yaml", "title: Print\n");
    write(&dir, "playbooks/a.md", "---\ntitle: A\nstage: meet\n---\nFirst words.\n");
    write(&dir, "partners/p.yaml", "name: P\nsummary: First summary.\n");
    let opts = BuildOptions {
        guide: dir.clone(),
        out_dir: dir.join("public"),
        link: link::LinkOptions { base_url: None, drafts: true, today: "2026-12-01".parse().unwrap(), private: false },
    };
    let mut session = Session::new(opts.clone());
    assert!(matches!(session.rebuild(&[]), Ok(Outcome::Built { .. })));
    write(&dir, "playbooks/a.md", "---\ntitle: A\nstage: meet\n---\nSecond words.\n");
    write(&dir, "partners/p.yaml", "name: P\nsummary: Second summary.\n");
    let changed = ["playbooks/a.md".to_string(), "partners/p.yaml".to_string()];
    assert!(matches!(session.rebuild(&changed), Ok(Outcome::Built { .. })));
    let served = session.last_site().unwrap();
    let print = String::from_utf8_lossy(&served.pages["print/index.html"].bytes).into_owned();
    assert!(print.contains("Second words.") && print.contains("Second summary."), "{print}");
    if let Some(diff) = first_difference(&served, &fresh_site(&opts)) {
        panic!("{diff}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
