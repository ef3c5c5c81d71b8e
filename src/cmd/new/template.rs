//! The texts `partnerbook new` writes: every key of the guide contract, the
//! given values filled in and the rest commented out with an example value, so
//! that uncommenting a line (and the lines indented under it) gives valid YAML.
//! Pure functions of their inputs; the enum values listed in comments come
//! from the contract's enums, so they cannot drift from what `check` accepts.

use chrono::{Days, NaiveDate};

use crate::load::fields::{Kind, Partnership, Stage, Status};

/// The values of a new playbook.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PlaybookFields<'a> {
    /// The title.
    pub(crate) title: &'a str,
    /// The stage, when given.
    pub(crate) stage: Option<Stage>,
    /// Partner slugs, when given.
    pub(crate) partners: &'a [String],
}

/// `playbooks/<slug>.md`: front matter with every key, then a short body to
/// replace. `example_partner` is the slug shown when no partner is given.
pub(crate) fn playbook_text(fields: &PlaybookFields<'_>, today: NaiveDate, example_partner: &str) -> String {
    let stages = one_of(Stage::ALL.iter().map(|s| s.as_str()));
    let stage = match fields.stage {
        Some(s) => format!("stage: {}  # {stages}", s.as_str()),
        None => format!("# stage: prepare  # {stages}"),
    };
    let partners_note = "partner slugs: file names in partners/ without .yaml";
    let partners = if fields.partners.is_empty() {
        format!("# partners: [{}]  # {partners_note}", scalar(example_partner))
    } else {
        let list: Vec<String> = fields.partners.iter().map(|p| scalar(p)).collect();
        format!("partners: [{}]  # {partners_note}", list.join(", "))
    };
    let partnership = one_of(Partnership::ALL.iter().map(|p| p.as_str()));
    format!(
        "---\n\
         # Every key a playbook can have; only `title` is required. To use a key,\n\
         # remove the `# ` in front of it. Dates are YYYY-MM-DD.\n\
         title: {title}\n\
         # summary: \"One or two sentences: when this playbook helps. Shown in lists, search and the feed.\"\n\
         {stage}\n\
         # partnership: any  # {partnership}\n\
         {partners}\n\
         # tags: [templates, meetings]\n\
         updated: {today}  # the date of the last real change\n\
         reviewed: {today}  # when it was last read through and found to hold (see review_every_days)\n\
         # order: 1  # position within its stage, smallest first\n\
         # draft: true  # keeps it out of the site until it is ready (`build --drafts` shows it)\n\
         ---\n\
         \n\
         Say in two or three sentences when this playbook helps and what the reader\n\
         will have done by the end of it.\n\
         \n\
         ## What to do\n\
         \n\
         1. The first step, and why it comes first.\n\
         2. The next step.\n\
         \n\
         ## Message template\n\
         \n\
         ```email\n\
         Subject: [Subject]\n\
         \n\
         Dear [Name],\n\
         \n\
         [Two or three short paragraphs that a colleague can adapt and send.]\n\
         \n\
         [Your name]\n\
         ```\n\
         \n\
         ## Checklist\n\
         \n\
         - [ ] Something to tick off before moving on.\n",
        title = quoted(fields.title),
        today = today.format("%Y-%m-%d"),
    )
}

/// `partners/<slug>.yaml`: every key of a partner profile, with examples of
/// contacts, next step, action items and meetings commented out.
/// `example_playbook` is the slug shown under `playbooks:`.
pub(crate) fn partner_text(name: &str, kind: Option<Kind>, today: NaiveDate, example_playbook: &str) -> String {
    let kinds = one_of(Kind::ALL.iter().map(|k| k.as_str()));
    let kind = match kind {
        Some(k) => format!("kind: {}  # {kinds}", k.as_str()),
        None => format!("# kind: other  # {kinds}"),
    };
    let statuses = one_of(Status::ALL.iter().map(|s| s.as_str()));
    let day = |n: u64| (today + Days::new(n)).format("%Y-%m-%d").to_string();
    format!(
        "# A partner profile: every key partnerbook reads; only `name` is required.\n\
         # To use a key, remove the `# ` in front of it and of the lines indented\n\
         # under it. Dates are YYYY-MM-DD.\n\
         name: {name}\n\
         {kind}\n\
         # summary: \"One or two sentences: who they are and why they matter to the library.\"\n\
         # mission: \"Their mission, in their own words.\"\n\
         # status: prospect  # {statuses}\n\
         # offers:  # what they can do for the library\n\
         #   - Staff time and expertise for a joint project\n\
         # library_offers:  # what the library brings to them\n\
         #   - A central, staffed location open long hours\n\
         # channels: [email, phone, meeting, assistant]  # outreach modes that worked\n\
         # contacts:\n\
         #   - name: Dr. Jane Doe\n\
         #     role: Director\n\
         #     email: jane.doe@example.edu\n\
         #     phone: \"+1-555-0100\"\n\
         #     notes: \"Decides on projects with other units.\"\n\
         #   - name: Sam Lee\n\
         #     role: Assistant to the director\n\
         #     email: sam.lee@example.edu\n\
         #     gatekeeper: true  # the person who actually answers\n\
         #     notes: \"Keeps the director's calendar; prefers a phone call.\"\n\
         # last_contact: {today}\n\
         # next_step:\n\
         #   action: Ask Sam for twenty minutes with the director\n\
         #   due: {in_week}\n\
         #   owner: Your Name\n\
         # action_items:\n\
         #   - task: Send a one-page summary of what the library offers\n\
         #     owner: Your Name\n\
         #     due: {in_two_weeks}\n\
         #     done: false\n\
         # meetings:\n\
         #   - date: {today}\n\
         #     title: First meeting\n\
         #     attendees: [Dr. Jane Doe, Your Name]\n\
         #     agenda:\n\
         #       - Introductions and current priorities\n\
         #       - Where the library could help\n\
         #     notes: |\n\
         #       What was said and agreed, in Markdown.\n\
         #     action_items:\n\
         #       - task: Send the thank-you and recap\n\
         #         owner: Your Name\n\
         #         due: {in_two_days}\n\
         #         done: false\n\
         # tags: [central-it]\n\
         # playbooks: [{playbook}]  # playbook slugs: file names in playbooks/ without .md\n\
         # notes: |\n\
         #   How to work with them, in Markdown.\n",
        name = quoted(name),
        today = day(0),
        in_two_days = day(2),
        in_week = day(7),
        in_two_weeks = day(14),
        playbook = scalar(example_playbook),
    )
}

/// "a, b or c".
fn one_of<'a>(values: impl Iterator<Item = &'a str>) -> String {
    let values: Vec<&str> = values.collect();
    match values.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => last.to_string(),
        None => String::new(),
    }
}

/// A YAML double-quoted string. JSON's string syntax is a subset of YAML's,
/// so every character, quote and backslash comes back as written.
pub(super) fn quoted(text: &str) -> String {
    serde_json::to_string(text).expect("a string always serialises")
}

/// A slug as a plain YAML scalar when it is safe as one (the usual case),
/// else double-quoted.
pub(super) fn scalar(slug: &str) -> String {
    let safe = slug.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && slug.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | '.'))
        && !matches!(slug, "true" | "false" | "null" | "yes" | "no" | "on" | "off")
        && slug.parse::<f64>().is_err();
    if safe { slug.to_string() } else { quoted(slug) }
}
