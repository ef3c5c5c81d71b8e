//! The outreach tools on a small guide with a fixed today (2026-11-29) and a
//! 30-day staleness threshold: needs attention, actions, briefs, calendar, JSON.

use icalendar::Component;

use crate::support::GuideTest;

fn built() -> GuideTest {
    let t = GuideTest::from_dir("outreach/basic");
    t.build_ok();
    t
}

#[test]
fn home_flags_only_partners_past_the_stale_threshold() {
    let t = built();
    let home = t.main_of("index.html");
    let attention = home.split("id=\"attention-h\"").nth(1).expect("a needs-attention section");
    let attention = attention.split("class=\"stage-nav\"").next().unwrap();
    assert!(attention.contains("Stale Department"), "31 days without contact is stale:\n{attention}");
    assert!(attention.contains("31 days ago"), "{attention}");
    let stale_block = attention.split("No contact for more than").nth(1).unwrap().split("</div>").next().unwrap();
    assert!(!stale_block.contains("Fresh Office"), "exactly 30 days is not stale:\n{stale_block}");
    assert!(!stale_block.contains("Old Ended Unit"), "an ended partnership is never stale:\n{stale_block}");
    assert!(attention.contains("In conversation, no next step"), "{attention}");
    assert!(attention.contains("Fresh Office"), "a contacted partner without next step needs attention");
}

#[test]
fn actions_list_overdue_first_and_never_done_items() {
    let t = built();
    let page = t.main_of("actions/index.html");
    assert!(!page.contains("Finished overdue task"), "done items never appear:\n{page}");
    let order: Vec<usize> = ["id=\"overdue\"", "id=\"this-week\"", "id=\"later\"", "id=\"no-date\""]
        .iter()
        .map(|id| page.find(id).unwrap_or_else(|| panic!("{id} missing:\n{page}")))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "groups in urgency order: {order:?}");
    let overdue = &page[order[0]..order[1]];
    assert!(overdue.contains("Overdue yesterday task") && overdue.contains("Send the workshop outline"), "{overdue}");
    assert!(!overdue.contains("Due today task"), "due today is not overdue");
    assert!(page[order[1]..order[2]].contains("Due today task"));
    assert!(page[order[2]..order[3]].contains("Archive the shared folder"));
    assert!(page[order[3]..].contains("Undated task"));
    // Filter pages work without JavaScript.
    let lee = t.main_of("actions/owner/lee-librarian/index.html");
    assert!(lee.contains("Due today task") && !lee.contains("Overdue yesterday task"), "{lee}");
    let dept = t.main_of("actions/partner/stale-dept/index.html");
    assert!(dept.contains("Book the lab") && !dept.contains("Undated task"), "{dept}");
}

#[test]
fn brief_has_gatekeeper_offers_open_items_and_a_mailto_follow_up() {
    let t = built();
    let brief = t.main_of("partners/stale-dept/brief/index.html");
    assert!(brief.contains("Sam Gate") && brief.contains("Gatekeeper"), "{brief}");
    assert!(brief.contains("Lab space") && brief.contains("Data workshops"), "{brief}");
    assert!(brief.contains("Overdue yesterday task") && !brief.contains("Finished overdue task"), "{brief}");
    assert!(brief.contains("Proposed agenda"), "{brief}");
    let follow_up = brief.split("class=\"follow-up\"").nth(1).expect("a follow-up section");
    let mailto = follow_up.split("href=\"mailto:").nth(1).expect("a mailto link").split('"').next().unwrap();
    assert!(mailto.starts_with("ada.byron@example.edu?subject="), "the attendee who is a contact: {mailto}");
    assert!(mailto.contains("&amp;body=Dear%20Ada%2C"), "{mailto}");
    assert!(
        mailto.contains("Send%20the%20workshop%20outline%20%28owner%3A%20Lee%20Librarian%2C%20by%202026-11-10%29"),
        "{mailto}"
    );
    assert!(!mailto.contains(' ') && !mailto.contains('\n'), "{mailto}");
}

/// The brief of the fixture partner with six contacts, twelve meetings and
/// fifteen open items (the one the browser tests print).
fn full_brief() -> String {
    let t = GuideTest::from_dir("browser_fixtures/brief");
    t.build_ok();
    t.main_of("partners/history-of-science/brief/index.html")
}

#[test]
fn a_full_brief_bounds_its_lists_and_names_the_rest() {
    let brief = full_brief();
    let items = brief.split("id=\"open-h\"").nth(1).unwrap().split("</section>").next().unwrap();
    assert_eq!(items.matches("<li class=\"item").count(), 8, "the eight most urgent: {items}");
    assert!(items.contains("And 7 more on the partner page</a>"), "{items}");
    assert!(items.contains("href=\"/partners/history-of-science/#action-items\""), "{items}");
    let meetings = brief.split("id=\"last-h\"").nth(1).unwrap().split("</section>").next().unwrap();
    assert_eq!(meetings.matches("<li>").count(), 2, "{meetings}");
    assert!(meetings.contains("10 earlier meetings on the partner page"), "{meetings}");
}

#[test]
fn a_full_brief_shows_each_action_once_outside_its_follow_up() {
    let brief = full_brief();
    let page = brief.split("class=\"follow-up\"").next().unwrap();
    // Every open item shown, and the tasks the meetings agreed, which used to
    // be listed under each meeting, in the agenda and in the item list.
    for task in [
        "Agree the handling rules for lantern slides with Dr. Moreau",
        "Book the foyer for the spring exhibition",
        "Share last year&#39;s instruction statistics for history seminars",
        "Send the draft data management plan for the lantern-slide digitisation grant to Prof. Ferreira",
    ] {
        assert_eq!(page.matches(task).count(), 1, "{task} once:\n{page}");
    }
    assert!(!page.contains("Send the list of seminar assignments"), "a done item is not an open one:\n{page}");
}

#[test]
fn a_full_brief_links_every_contact_and_writes_to_the_partner() {
    let brief = full_brief();
    assert!(
        brief.contains("<a href=\"mailto:miriam.albrecht@example.edu\">miriam.albrecht@example.edu</a>"),
        "{brief}"
    );
    assert!(brief.contains("<a href=\"tel:+15550120\">+1-555-0120</a>"), "{brief}");
    assert_eq!(brief.matches("href=\"tel:").count(), 6, "{brief}");
    let message = brief.split("id=\"follow-up-body\"><code>").nth(1).unwrap().split("</code>").next().unwrap();
    assert!(
        message.starts_with("Dear colleagues at the Department of History and Philosophy of Science,\n"),
        "{message}"
    );
    assert!(!message.contains('[') && !message.contains(']'), "no bracketed status words:\n{message}");
    assert!(message.contains("- Send the list of seminar assignments (done)\n"), "{message}");
    assert!(
        message.contains("- Book the foyer for the spring exhibition (owner: Aisha Rahman, by 2026-11-20)\n"),
        "an overdue item is recapped without saying so:\n{message}"
    );
}

#[test]
fn calendar_and_json_carry_every_dated_open_item() {
    let t = built();
    let ics = t.read_output("calendar.ics");
    assert!(ics.lines().all(|l| l.len() <= 75), "lines fold at 75 octets");
    assert!(ics.contains("\r\n"), "CRLF line ends");
    for want in
        ["Overdue yesterday task", "Due today task", "Book the lab", "Archive the shared folder", "Meeting: Kick-off"]
    {
        assert!(ics.replace("\r\n ", "").contains(want), "missing {want}:\n{ics}");
    }
    assert!(!ics.contains("Finished overdue task") && !ics.contains("Undated task"));
    let json: serde_json::Value = serde_json::from_str(&t.read_output("partners.json")).expect("valid JSON");
    let partners = json["partners"].as_array().unwrap();
    assert_eq!(partners.len(), 3);
    let stale: Vec<(&str, bool)> =
        partners.iter().map(|p| (p["slug"].as_str().unwrap(), p["stale"].as_bool().unwrap())).collect();
    assert_eq!(stale, [("fresh-office", false), ("old-ended", false), ("stale-dept", true)]);
    assert_eq!(partners[2]["absolute_url"], "https://lib.example.edu/outreach/partners/stale-dept/");
}

#[test]
fn directory_filters_and_pipeline_work_without_javascript() {
    let t = built();
    let it = t.main_of("partners/kind/it/index.html");
    assert!(it.contains("Old Ended Unit") && !it.contains("Fresh Office"), "{it}");
    let contacted = t.main_of("partners/status/contacted/index.html");
    assert!(contacted.contains("Fresh Office") && !contacted.contains("Stale Department"), "{contacted}");
    let board = t.main_of("partners/pipeline/index.html");
    let active = board.find("id=\"col-active\"").unwrap();
    let contacted_col = board.find("id=\"col-contacted\"").unwrap();
    assert!(contacted_col < active, "the pipeline runs prospect → contacted → meeting → active");
    assert!(board.contains("Paused and ended") && board.contains("Old Ended Unit"));
}

#[test]
fn each_owner_has_a_calendar_of_their_dated_items_linked_from_their_page() {
    let t = built();
    let whole: icalendar::Calendar = t.read_output("calendar.ics").parse().expect("calendar.ics parses");
    let uid_of = |summary: &str, cal: &icalendar::Calendar| {
        cal.components.iter().find_map(|c| match c {
            icalendar::CalendarComponent::Event(e) if e.get_summary().is_some_and(|s| s.contains(summary)) => {
                e.get_uid().map(str::to_string)
            }
            _ => None,
        })
    };
    let lee: icalendar::Calendar =
        t.read_output("calendar/owner/lee-librarian.ics").parse().expect("the owner's calendar parses");
    let summaries: Vec<&str> = lee
        .components
        .iter()
        .filter_map(|c| match c {
            icalendar::CalendarComponent::Event(e) => e.get_summary(),
            _ => None,
        })
        .collect();
    // Lee's dated items only: no meeting, nobody else's item, no undated or done one.
    assert!(summaries.iter().any(|s| s.contains("Due today task")), "{summaries:?}");
    assert!(summaries.iter().all(|s| !s.starts_with("Meeting")), "{summaries:?}");
    assert!(summaries.iter().all(|s| !s.contains("Overdue yesterday task")), "not Lee's: {summaries:?}");
    for s in &summaries {
        let task = s.split_once(": ").unwrap().1.rsplit_once(" (").unwrap().0;
        assert_eq!(uid_of(task, &lee), uid_of(task, &whole), "the same UID as in calendar.ics for {task}");
    }
    let name = lee.property_value("X-WR-CALNAME").unwrap_or_default();
    assert!(name.ends_with(": Lee Librarian"), "{name}");
    // Linked from the owner's page and, with the whole guide's, from /actions/.
    let page = t.main_of("actions/owner/lee-librarian/index.html");
    assert!(page.contains("href=\"/outreach/calendar/owner/lee-librarian.ics\""), "{page}");
    assert!(page.contains("href=\"/outreach/calendar.ics\""), "{page}");
    assert!(t.main_of("actions/index.html").contains("href=\"/outreach/calendar.ics\""));
    // Nobody owns nothing: there is no calendar for a name without open items.
    assert!(!t.public().join("calendar/owner/nobody.ics").exists());
}

#[test]
fn dated_items_say_how_late_or_soon_and_no_badge_repeats_its_group() {
    let t = built();
    let page = t.main_of("actions/index.html");
    assert!(!page.contains("badge-overdue"), "no Overdue badge inside the Overdue group:\n{page}");
    assert!(
        page.contains("<time datetime=\"2026-11-28\">2026-11-28</time> <span class=\"when\">1 day late</span>"),
        "{page}"
    );
    assert!(page.contains("<span class=\"when\">due today</span>"), "{page}");
    let home = t.main_of("index.html");
    let attention = home.split("id=\"attention-h\"").nth(1).unwrap().split("class=\"stage-nav\"").next().unwrap();
    assert!(!attention.contains("badge-overdue"), "{attention}");
    assert!(attention.contains("<strong class=\"when\">1 day late</strong>"), "{attention}");
    assert!(
        attention.contains("<a href=\"/outreach/actions/#this-week\">"),
        "the week's count links its group:\n{attention}"
    );
}

#[test]
fn directory_tags_are_named_as_their_pages_name_them_with_an_all_on_every_facet() {
    let t = GuideTest::from_dir("outreach/basic");
    // The playbook writes the tag first, in words; the partner writes its slug.
    t.file(
        "playbooks/data.md",
        "---\ntitle: Data help\nstage: prepare\ntags: [Research Data]\n---\nHow to help with research data.\n",
    );
    let dept = std::fs::read_to_string(t.guide().join("partners/stale-dept.yaml")).unwrap();
    t.save("partners/stale-dept.yaml", &format!("{dept}tags: [research-data]\n"));
    t.build_ok();
    let tag_page = t.main_of("tags/research-data/index.html");
    assert!(tag_page.contains("Tagged “Research Data”"), "{tag_page}");
    let dir = t.main_of("partners/index.html");
    assert!(
        dir.contains(
            "<a href=\"/outreach/partners/tag/research-data/\">Research Data <span class=\"count\">(1)</span>"
        ),
        "{dir}"
    );
    // Kind, status and tag each have an "All", current on the full directory only.
    for facet in ["kinds", "statuses", "tags"] {
        let all = format!(
            "<a href=\"/outreach/partners/\" aria-current=\"page\">All <span class=\"visually-hidden\">{facet}</span></a>"
        );
        assert!(dir.contains(&all), "{facet}:\n{dir}");
        let filtered = t.main_of("partners/status/contacted/index.html");
        assert!(filtered.contains(&format!(
            "<a href=\"/outreach/partners/\">All <span class=\"visually-hidden\">{facet}</span></a>"
        )));
    }
}
