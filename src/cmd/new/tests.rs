use std::collections::BTreeMap;

use serde::de::IgnoredAny;

use super::template::{quoted, scalar};
use super::*;
use crate::load::front_matter;
use crate::load::partner::PartnerProfile;
use crate::load::playbook::PlaybookMeta;
use crate::load::yaml;
use crate::source::FileId;

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
}

/// The text with every commented-out key (and the lines indented under it)
/// uncommented; prose comments stay comments.
fn uncomment_all(text: &str) -> String {
    text.lines()
        .map(|line| match line.strip_prefix("# ") {
            Some(rest) if rest.starts_with(' ') || is_key_line(rest) => rest.to_string(),
            _ => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_key_line(s: &str) -> bool {
    s.split_once(':').is_some_and(|(k, _)| !k.is_empty() && k.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
}

fn front_matter(text: &str) -> &str {
    let split = front_matter::split(text).expect("front matter");
    &text[split.yaml]
}

fn keys(yaml_text: &str) -> Vec<String> {
    let map: BTreeMap<String, IgnoredAny> = yaml::parse(FileId(0), yaml_text, 0).unwrap();
    map.into_keys().collect()
}

#[test]
fn slugs_are_transliterated_lower_case_and_hyphenated() {
    for (title, slug) in [
        ("Café déjà vu: a test!", "cafe-deja-vu-a-test"),
        ("  Send the agenda ahead ", "send-the-agenda-ahead"),
        ("Straße & Co.", "strasse-co"),
        ("Office of Research (ORSP)", "office-of-research-orsp"),
        ("!!!", ""),
    ] {
        assert_eq!(slug_of(title), slug, "{title}");
    }
}

#[test]
fn enum_values_are_checked_with_a_did_you_mean() {
    assert_eq!(parse_enum("stage", "meet", Stage::ALL, |s| s.as_str()), Ok(Stage::Meet));
    let e = parse_enum("stage", "meeet", Stage::ALL, |s| s.as_str()).unwrap_err();
    assert!(e.starts_with("error: unknown stage `meeet`"), "{e}");
    assert!(e.contains("did you mean `meet`?"), "{e}");
    let e = parse_enum("kind", "zzz", Kind::ALL, |k| k.as_str()).unwrap_err();
    assert!(e.contains("expected one of: it, instructional-technology,"), "{e}");
}

#[test]
fn yaml_values_are_plain_only_when_safe() {
    for (value, written) in [
        ("campus-it", "campus-it"),
        ("spaces/makerspace", "spaces/makerspace"),
        ("Campus IT", "\"Campus IT\""),
        ("true", "\"true\""),
        ("2024", "\"2024\""),
        ("-x", "\"-x\""),
        ("", "\"\""),
    ] {
        assert_eq!(scalar(value), written, "{value}");
    }
    assert_eq!(quoted("a \"b\": c\\d"), r#""a \"b\": c\\d""#);
}

#[test]
fn new_playbook_fills_the_given_values_and_parses() {
    let partners = vec!["campus-it".to_string(), "research-computing".to_string()];
    let fields = PlaybookFields { title: "Café: \"déjà\" vu #1", stage: Some(Stage::ReachOut), partners: &partners };
    let text = playbook_text(&fields, today(), "campus-it");
    let meta: PlaybookMeta = yaml::parse(FileId(0), front_matter(&text), 0).unwrap();
    assert_eq!(meta.title, "Café: \"déjà\" vu #1");
    assert_eq!(meta.stage, Some(Stage::ReachOut));
    assert_eq!(meta.partners.iter().map(|p| p.value.as_str()).collect::<Vec<_>>(), ["campus-it", "research-computing"]);
    assert_eq!(meta.updated.unwrap().to_string(), "2026-11-29");
    assert_eq!(meta.reviewed.unwrap().to_string(), "2026-11-29", "a new playbook counts as reviewed today");
    assert!(!meta.draft);
}

#[test]
fn new_playbook_without_options_comments_stage_and_partners_out() {
    let fields = PlaybookFields { title: "Plain", stage: None, partners: &[] };
    let text = playbook_text(&fields, today(), "campus-it");
    assert!(text.contains("\n# stage: prepare  # prepare, reach-out, meet, follow-up or sustain\n"), "{text}");
    assert!(text.contains("\n# partners: [campus-it]"), "{text}");
    let meta: PlaybookMeta = yaml::parse(FileId(0), front_matter(&text), 0).unwrap();
    assert_eq!((meta.stage, meta.partners.len()), (None, 0));
}

#[test]
fn new_playbook_lists_every_key_of_the_contract() {
    let fields = PlaybookFields { title: "All", stage: None, partners: &[] };
    let text = uncomment_all(&playbook_text(&fields, today(), "campus-it"));
    let yaml_text = front_matter(&text);
    let meta: PlaybookMeta = yaml::parse(FileId(0), yaml_text, 0).unwrap();
    assert!(meta.summary.is_some() && meta.partnership.is_some() && meta.order.is_some() && meta.draft);
    let expected =
        ["draft", "order", "partners", "partnership", "reviewed", "stage", "summary", "tags", "title", "updated"];
    assert_eq!(keys(yaml_text), expected);
}

#[test]
fn new_partner_fills_name_and_kind_and_parses() {
    let text = partner_text("Campus IT: \"central\"", Some(Kind::It), today(), "thank-and-recap");
    let p: PartnerProfile = yaml::parse(FileId(0), &text, 0).unwrap();
    assert_eq!(p.name, "Campus IT: \"central\"");
    assert_eq!(p.kind, Some(Kind::It));
    assert!(p.status.is_none() && p.contacts.is_empty() && p.meetings.is_empty());
    let plain = partner_text("Other", None, today(), "x");
    assert!(plain.contains("\n# kind: other  # it, instructional-technology,"), "{plain}");
}

#[test]
fn new_partner_lists_every_key_of_the_contract_with_examples() {
    let text = uncomment_all(&partner_text("All", None, today(), "thank-and-recap"));
    let p: PartnerProfile = yaml::parse(FileId(0), &text, 0).unwrap();
    assert_eq!(p.kind, Some(Kind::Other));
    assert!(p.summary.is_some() && p.mission.is_some() && p.status.is_some() && p.notes.is_some());
    assert!(!p.offers.is_empty() && !p.library_offers.is_empty() && !p.channels.is_empty() && !p.tags.is_empty());
    assert_eq!(p.playbooks[0].value, "thank-and-recap");
    let (boss, gatekeeper) = (&p.contacts[0], &p.contacts[1]);
    assert!(boss.role.is_some() && boss.email.is_some() && boss.phone.is_some() && boss.notes.is_some());
    assert!(gatekeeper.gatekeeper && !boss.gatekeeper);
    assert_eq!(p.last_contact.unwrap().to_string(), "2026-11-29");
    let next = p.next_step.unwrap();
    assert_eq!((next.due_date().unwrap().to_string(), next.owner.is_some()), ("2026-12-06".to_string(), true));
    assert!(p.action_items[0].owner.is_some() && p.action_items[0].due.is_some());
    let m = &p.meetings[0];
    assert!(m.title.is_some() && !m.attendees.is_empty() && !m.agenda.is_empty() && m.notes.is_some());
    assert_eq!(m.action_items[0].due_date().unwrap().to_string(), "2026-12-01");
    let expected = [
        "action_items",
        "channels",
        "contacts",
        "kind",
        "last_contact",
        "library_offers",
        "meetings",
        "mission",
        "name",
        "next_step",
        "notes",
        "offers",
        "playbooks",
        "status",
        "summary",
        "tags",
    ];
    assert_eq!(keys(&text), expected);
}
