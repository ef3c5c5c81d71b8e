//! A small deterministic guide for the stage benches, written in the guide's
//! own format (`site.yaml`, `playbooks/*.md`, `partners/*.yaml`): the same
//! seed always gives the same bytes, so runs compare like with like. The text
//! exercises what the pipeline does per page: front matter with references,
//! headings (table of contents and ids), `partner:` and `playbook:` links,
//! emphasis, lists, task lists, a table, a code block, an alert, a footnote;
//! partner profiles with contacts, action items and meetings.

use std::fmt::Write as _;
use std::path::Path;

/// How big a guide to write.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Size {
    /// Playbooks (`playbooks/*.md`).
    pub(crate) playbooks: usize,
    /// Partner profiles (`partners/*.yaml`).
    pub(crate) partners: usize,
}

/// A small pseudo-random generator (xorshift64*): deterministic and without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// The vocabulary, kept in rows (rustfmt would put one word per line).
#[rustfmt::skip]
mod vocab {
    pub(crate) const WORDS: &[&str] = &[
        "library", "liaison", "outreach", "partner", "faculty", "department", "research", "data", "service", "campus",
        "student", "meeting", "agenda", "proposal", "pilot", "workshop", "repository", "archive", "metadata", "access",
        "director", "committee", "budget", "timeline", "feedback", "survey", "workflow", "platform", "computing",
        "storage", "training", "template", "checklist", "email", "trust", "semester", "goal", "mission", "strategy",
        "shared", "value", "resource", "space", "equipment", "makerspace", "accessibility", "privacy", "security",
        "the", "of", "and", "to", "in", "with", "for", "before", "after", "each", "their", "our", "every", "first",
    ];
    pub(crate) const VERBS: &[&str] = &[
        "schedule", "confirm", "share", "draft", "review", "propose", "invite", "prepare", "send", "collect", "summarize",
        "update", "clarify", "introduce", "map", "offer", "track", "publish", "coordinate", "plan", "host", "record",
    ];
    pub(crate) const HEADINGS: &[&str] = &[
        "Why it matters", "Before you start", "What to send", "Measuring success", "Common objections", "Examples",
        "If they already run a program", "Follow up", "Longer version", "What we learned",
    ];
    pub(crate) const STAGES: &[&str] = &["prepare", "reach-out", "meet", "follow-up", "sustain"];
    pub(crate) const PARTNERSHIPS: &[&str] = &["join-existing", "propose-new", "any"];
    pub(crate) const KINDS: &[&str] =
        &["it", "instructional-technology", "research-computing", "academic-department", "administrative", "other"];
    pub(crate) const STATUSES: &[&str] = &["prospect", "contacted", "meeting", "active", "paused", "ended"];
    pub(crate) const CHANNELS: &[&str] = &["email", "phone", "meeting", "assistant", "newsletter", "committee"];
    pub(crate) const UNITS: &[&str] = &["Office", "Center", "Department", "Services", "Lab", "Program", "School", "Institute"];
    pub(crate) const FIELDS: &[&str] = &[
        "Research", "Teaching", "Computing", "Design", "Engineering", "History", "Media", "Data", "Learning", "Music",
    ];
    pub(crate) const PEOPLE: &[&str] = &[
        "Amina Okafor", "Ben Larsen", "Carmen Diaz", "Chen Wei", "Dana Brooks", "Elena Petrova", "Felix Wagner",
        "Grace Kim", "Hiro Tanaka", "Jamal Reed", "Kavya Rao", "Lars Berg", "Maya Cohen", "Noor Haddad",
    ];
    pub(crate) const TAGS: &[&str] = &[
        "meetings", "agenda", "templates", "first-contact", "follow-up", "data", "spaces", "makerspace", "teaching",
        "research-data", "help-point", "newsletter", "committee", "budget", "pilot", "assessment", "training",
        "accessibility", "privacy", "storage", "workshops", "liaison", "trust", "onboarding", "policy",
    ];
}

use vocab::*;

/// Writes the guide into `root` (which must not exist yet or be empty) and returns
/// the number of bytes written.
pub(crate) fn write(root: &Path, size: Size) -> std::io::Result<usize> {
    let mut rng = Rng(0x5eed_0f9a_1de5);
    let playbooks: Vec<String> = (0..size.playbooks).map(|i| format!("{}-{i:05}", title_words(&mut rng, 3))).collect();
    let partners: Vec<(String, String)> = (0..size.partners)
        .map(|i| {
            let name = format!("{} {} {}", rng.pick(FIELDS), rng.pick(UNITS), i + 1);
            (slug(&name), name)
        })
        .collect();
    std::fs::create_dir_all(root.join("playbooks"))?;
    std::fs::create_dir_all(root.join("partners"))?;
    let mut bytes = 0;
    let site = "title: Benchmark Outreach Guide\ndescription: A generated guide for the stage benches.\n\
                base_url: \"/\"\ninstitution: Bench State University Libraries\nstale_after_days: 60\n";
    std::fs::write(root.join("site.yaml"), site)?;
    bytes += site.len();
    for (i, slug) in playbooks.iter().enumerate() {
        let text = playbook(&mut rng, i, &playbooks, &partners);
        bytes += text.len();
        std::fs::write(root.join("playbooks").join(format!("{slug}.md")), text)?;
    }
    for (i, (slug, name)) in partners.iter().enumerate() {
        let text = partner(&mut rng, i, name, &playbooks, &partners);
        bytes += text.len();
        std::fs::write(root.join("partners").join(format!("{slug}.yaml")), text)?;
    }
    Ok(bytes)
}

/// A count of at least `.0` and fewer than `.0 + .1` (exactly `.0` when `.1` is 0).
#[derive(Clone, Copy)]
struct Count(usize, usize);

impl Count {
    fn draw(self, rng: &mut Rng) -> usize {
        if self.1 == 0 { self.0 } else { self.0 + rng.below(self.1) }
    }
}

impl From<usize> for Count {
    fn from(n: usize) -> Self {
        Count(n, 0)
    }
}

fn title_words(rng: &mut Rng, n: usize) -> String {
    let mut s = rng.pick(VERBS).to_string();
    for _ in 1..n {
        s.push('-');
        s.push_str(rng.pick(WORDS));
    }
    s
}

fn slug(name: &str) -> String {
    name.to_lowercase().replace(' ', "-")
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

fn sentence(rng: &mut Rng, words: impl Into<Count>) -> String {
    let words = words.into().draw(rng);
    let mut s = capitalized(rng.pick(VERBS));
    for _ in 1..words {
        s.push(' ');
        s.push_str(rng.pick(WORDS));
    }
    s.push('.');
    s
}

fn date(rng: &mut Rng) -> String {
    format!("20{}-{:02}-{:02}", 24 + rng.below(3), 1 + rng.below(12), 1 + rng.below(28))
}

/// `n` distinct indexes below `len` (fewer when `len` is small).
fn distinct(rng: &mut Rng, n: impl Into<Count>, len: usize) -> Vec<usize> {
    let n = n.into().draw(rng);
    let mut v: Vec<usize> = Vec::new();
    for _ in 0..n.min(len) * 3 {
        let i = rng.below(len);
        if !v.contains(&i) {
            v.push(i);
        }
        if v.len() == n.min(len) {
            break;
        }
    }
    v.sort_unstable();
    v
}

fn yaml_list(items: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    let items: Vec<String> = items.into_iter().map(|s| s.as_ref().to_string()).collect();
    format!("[{}]", items.join(", "))
}

fn paragraph(rng: &mut Rng, own: usize, playbooks: &[String], partners: &[(String, String)]) -> String {
    let mut p = String::new();
    for _ in 0..4 + rng.below(5) {
        let mut s = sentence(rng, Count(8, 14));
        match rng.below(6) {
            0 if !partners.is_empty() => {
                let (slug, name) = &partners[rng.below(partners.len())];
                s.insert_str(0, &format!("Ask [{name}](partner:{slug}). "));
            }
            1 => {
                let target = &playbooks[(own + 1 + rng.below(playbooks.len())) % playbooks.len()];
                s.insert_str(0, &format!("See [the other playbook](playbook:{target}). "));
            }
            2 => s.insert_str(0, &format!("**{}** ", rng.pick(WORDS))),
            3 => s.insert_str(0, &format!("*{}* `{}` ", rng.pick(WORDS), rng.pick(WORDS))),
            _ => {}
        }
        p.push_str(&s);
        p.push(' ');
    }
    p.pop();
    p
}

fn playbook(rng: &mut Rng, i: usize, playbooks: &[String], partners: &[(String, String)]) -> String {
    let own_partners = distinct(rng, Count(1, 4), partners.len());
    let tags = distinct(rng, Count(1, 3), TAGS.len());
    let mut t = String::new();
    let _ = writeln!(t, "---\ntitle: {}", capitalized(&playbooks[i].replace('-', " ")));
    let _ = writeln!(t, "summary: {}", sentence(rng, Count(12, 10)));
    let _ = writeln!(t, "stage: {}\npartnership: {}", rng.pick(STAGES), rng.pick(PARTNERSHIPS));
    let _ = writeln!(t, "partners: {}", yaml_list(own_partners.iter().map(|&p| &partners[p].0)));
    let _ = writeln!(t, "tags: {}", yaml_list(tags.iter().map(|&k| TAGS[k])));
    let _ = writeln!(t, "updated: {}\norder: {}\n---\n", date(rng), i + 1);
    let own: Vec<(String, String)> = own_partners.iter().map(|&p| partners[p].clone()).collect();
    for _ in 0..2 {
        let _ = writeln!(t, "{}\n", paragraph(rng, i, playbooks, &own));
    }
    for (h, heading) in distinct(rng, Count(3, 3), HEADINGS.len()).into_iter().map(|h| HEADINGS[h]).enumerate() {
        let _ = writeln!(t, "## {heading}\n");
        let _ = writeln!(t, "{}\n", paragraph(rng, i, playbooks, &own));
        match (h + i) % 5 {
            0 => {
                for _ in 0..4 {
                    let done = if rng.chance(30) { "x" } else { " " };
                    let _ = writeln!(t, "- [{done}] {}", sentence(rng, 5));
                }
                t.push('\n');
            }
            1 => {
                let _ = writeln!(t, "| Step | Owner | When |\n| --- | --- | --- |");
                for _ in 0..3 {
                    let _ = writeln!(t, "| {} | {} | {} |", sentence(rng, 4), rng.pick(PEOPLE), date(rng));
                }
                t.push('\n');
            }
            2 => {
                let _ = writeln!(
                    t,
                    "```email\nSubject: {}\n\nDear [Name],\n\n{}\n```\n",
                    sentence(rng, 5),
                    sentence(rng, 20)
                );
            }
            3 => {
                let _ = writeln!(t, "> [!TIP]\n> {}\n", sentence(rng, 14));
            }
            _ => {
                let _ = writeln!(
                    t,
                    "### {}\n\n{}[^note]\n\n[^note]: {}\n",
                    sentence(rng, 3),
                    sentence(rng, 10),
                    sentence(rng, 8)
                );
            }
        }
        for _ in 0..rng.below(4) {
            let _ = writeln!(t, "- {}", sentence(rng, 6));
        }
        t.push('\n');
    }
    t
}

fn partner(rng: &mut Rng, i: usize, name: &str, playbooks: &[String], partners: &[(String, String)]) -> String {
    let mut t = String::new();
    let _ = writeln!(t, "name: {name}\nkind: {}\nsummary: {}", KINDS[i % KINDS.len()], sentence(rng, 16));
    let _ = writeln!(t, "mission: \"{}\"\nstatus: {}", sentence(rng, 12), rng.pick(STATUSES));
    let _ = writeln!(t, "offers: {}", yaml_list((0..2 + rng.below(3)).map(|_| sentence(rng, 4).replace('.', ""))));
    let _ = writeln!(t, "library_offers: {}", yaml_list((0..2).map(|_| sentence(rng, 4).replace('.', ""))));
    let _ = writeln!(t, "channels: {}", yaml_list(distinct(rng, 3, CHANNELS.len()).into_iter().map(|c| CHANNELS[c])));
    let people: Vec<&str> = distinct(rng, Count(2, 2), PEOPLE.len()).into_iter().map(|p| PEOPLE[p]).collect();
    t.push_str("contacts:\n");
    for (k, person) in people.iter().enumerate() {
        let email = person.to_lowercase().replace(' ', ".");
        let _ = writeln!(
            t,
            "  - name: {person}\n    role: {}\n    email: \"{email}@example.edu\"",
            capitalized(rng.pick(WORDS))
        );
        let _ = writeln!(t, "    phone: \"+1-555-01{:02}\"\n    gatekeeper: {}", rng.below(100), k == 1);
        let _ = writeln!(t, "    notes: {}", sentence(rng, 10));
    }
    let _ = writeln!(t, "last_contact: {}", date(rng));
    let _ = writeln!(t, "next_step:\n  action: {}\n  due: {}\n  owner: {}", sentence(rng, 6), date(rng), people[0]);
    t.push_str("action_items:\n");
    for _ in 0..1 + rng.below(3) {
        let _ = writeln!(t, "  - task: {}\n    owner: {}", sentence(rng, 6), rng.pick(&people));
        let _ = writeln!(t, "    due: {}\n    done: {}", date(rng), rng.chance(40));
    }
    t.push_str("meetings:\n");
    for _ in 0..1 + rng.below(3) {
        let _ = writeln!(t, "  - date: {}\n    title: {}", date(rng), sentence(rng, 5));
        let _ = writeln!(t, "    attendees: {}", yaml_list(&people));
        let _ = writeln!(t, "    agenda:\n      - {}\n      - {}", sentence(rng, 5), sentence(rng, 6));
        let _ = writeln!(
            t,
            "    notes: |\n      {}\n\n      - {}",
            paragraph(rng, 0, playbooks, partners),
            sentence(rng, 5)
        );
        let _ = writeln!(t, "    action_items:\n      - task: {}\n        owner: {}", sentence(rng, 5), people[0]);
        let _ = writeln!(t, "        due: {}\n        done: {}", date(rng), rng.chance(50));
    }
    let _ = writeln!(t, "tags: {}", yaml_list(distinct(rng, 2, TAGS.len()).into_iter().map(|k| TAGS[k])));
    t.push_str("playbooks:\n");
    for p in distinct(rng, Count(2, 6), playbooks.len()) {
        let _ = writeln!(t, "  - {}", playbooks[p]);
    }
    let _ = writeln!(t, "notes: |\n  {}\n\n  {}", paragraph(rng, 0, playbooks, partners), sentence(rng, 9));
    t
}
