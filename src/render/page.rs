//! One page: its route's context, built through the page's [`Rcx`], then drawn
//! by the theme. Each route names its template and what it shows here.

use std::borrow::Cow;

use serde::Serialize;

use super::context::{self, Link, tag_url};
use super::page_context::{PageContext, SiteValue};
use super::theme::{self, Theme};
use super::view::Rcx;
use super::{brief, outreach, pages, pipeline, print, report, syndication};
use std::collections::BTreeSet;

use crate::link::Guide;
use crate::routes::{ActionFilter, DirectoryFilter, Route};

/// Playbooks per stage on the home page.
const HOME_PER_STAGE: usize = 8;
/// Partners on the home page.
const HOME_PARTNERS: usize = 12;

/// Every page of the site, in a fixed order.
pub(super) fn routes(guide: &Guide) -> Vec<Route> {
    let mut r = vec![
        Route::Home,
        Route::Playbooks,
        Route::Partners(DirectoryFilter::All),
        Route::Pipeline,
        Route::Actions(ActionFilter::All),
        Route::Tags,
        Route::Print,
        Route::Report,
        Route::NotFound,
    ];
    r.extend(outreach::directory_routes(guide).into_iter().map(Route::Partners));
    r.extend(outreach::owners(guide).into_keys().map(|o| Route::Actions(ActionFilter::Owner(o))));
    let with_actions: BTreeSet<&String> = guide.actions.iter().map(|a| &a.partner).collect();
    r.extend(with_actions.into_iter().map(|p| Route::Actions(ActionFilter::Partner(p.clone()))));
    r.extend(guide.playbooks.keys().cloned().map(Route::Playbook));
    r.extend(guide.partners.keys().cloned().map(Route::Partner));
    r.extend(guide.partners.keys().cloned().map(Route::Brief));
    r.extend(guide.tags.keys().cloned().map(Route::Tag));
    r.extend(guide.pages.keys().cloned().map(Route::Page));
    r
}

/// What the base template needs to know about the page.
#[derive(Serialize)]
struct PageMeta<'a> {
    title: Cow<'a, str>,
    description: Cow<'a, str>,
    /// Which navigation entry is current: home, playbooks, partners, actions, tags, or none.
    section: &'static str,
}

fn meta<'a>(
    title: impl Into<Cow<'a, str>>,
    description: impl Into<Cow<'a, str>>,
    section: &'static str,
) -> PageMeta<'a> {
    PageMeta { title: title.into(), description: description.into(), section }
}

/// A tag and how many pages carry it.
#[derive(Serialize)]
struct TagCount {
    #[serde(flatten)]
    link: Link,
    count: usize,
}

/// A page ready to draw: its template and context.
pub(crate) struct PageToDraw {
    pub(crate) template: &'static str,
    pub(crate) context: PageContext,
}

/// The context of `route`'s page, with `site` (the value every page shares,
/// and its hash) in it. `None` when the route's item is gone.
pub(crate) fn context(guide: &Rcx<'_>, site: &SiteValue, route: &Route, hashed: bool) -> Option<PageToDraw> {
    let mut ctx = PageContext::new(hashed);
    ctx.insert_hashed("site", site.value.clone(), site.hash);
    let desc = guide.settings().description.as_str();
    let (template, meta) = match route {
        Route::Home => {
            // The front door stays short on a large guide: the first playbooks of
            // each stage and the first partners, with links to the full lists.
            ctx.insert("stages", &context::stage_groups_limited(guide, HOME_PER_STAGE));
            let partners: Vec<_> =
                guide.partners().take(HOME_PARTNERS).map(|p| context::partner_card(guide, p)).collect();
            ctx.insert("partners", &partners);
            ctx.insert("partners_total", &guide.partner_count());
            ctx.insert("attention", &outreach::attention(guide));
            ("home.html", meta(&guide.settings().title, desc, "home"))
        }
        Route::Playbooks => {
            ctx.insert("stages", &context::stage_lists(guide));
            ("playbooks.html", meta("Playbooks", "Every playbook of the guide, by outreach stage.", "playbooks"))
        }
        Route::Playbook(slug) => {
            let p = guide.playbook(slug)?;
            ctx.insert("playbook", &pages::playbook(guide, p));
            ("playbook.html", meta(&p.title, p.summary.as_deref().unwrap_or(desc), "playbooks"))
        }
        Route::Partners(filter) => {
            let dir = outreach::directory(guide, filter);
            let title =
                if matches!(filter, DirectoryFilter::All) { "Partners".to_string() } else { dir.heading().to_string() };
            ctx.insert("directory", &dir);
            let about = "The campus partners of the guide, filterable by kind, status and tag.";
            ("partners.html", meta(title, about, "partners"))
        }
        Route::Pipeline => {
            let pipeline = pipeline::pipeline(guide);
            ctx.insert("flow", &pipeline.flow);
            ctx.insert("apart", &pipeline.apart);
            ctx.insert("counts", &pipeline.counts);
            ctx.insert("total", &pipeline.total);
            ctx.insert("stale_after_days", &pipeline.stale_after_days);
            (
                "pipeline.html",
                meta("Partnership pipeline", "Every partner by the stage of the relationship.", "partners"),
            )
        }
        Route::Actions(filter) => {
            let page = outreach::actions_page(guide, filter)?;
            let title = page.heading().to_string();
            ctx.insert("actions", &page);
            ("actions.html", meta(title, "Every open next step and action item, overdue first.", "actions"))
        }
        Route::Brief(slug) => {
            let p = guide.partner(slug)?;
            ctx.insert("brief", &brief::brief(guide, p));
            let title = format!("Meeting brief: {}", p.profile.name);
            ("brief.html", meta(title, p.profile.summary.as_deref().unwrap_or(desc), "partners"))
        }
        Route::Partner(slug) => {
            let p = guide.partner(slug)?;
            ctx.insert("partner", &pages::partner(guide, p));
            ("partner.html", meta(&p.profile.name, p.profile.summary.as_deref().unwrap_or(desc), "partners"))
        }
        Route::Tags => {
            let tags: Vec<TagCount> = guide
                .tags()
                .values()
                .map(|t| TagCount {
                    link: Link { title: t.name.clone(), url: tag_url(guide.base(), &t.name) },
                    count: t.playbooks.len() + t.partners.len(),
                })
                .collect();
            ctx.insert("tags", &tags);
            ("tags.html", meta("Tags", "Every tag of the guide.", "tags"))
        }
        Route::Tag(slug) => {
            let t = guide.tags().get(slug)?;
            ctx.insert("tag", &t.name);
            // Joined like the full playbook list: a common tag carries thousands.
            let playbooks: Vec<&str> = t.playbooks.iter().map(|s| guide.playbook_card_html(s)).collect();
            let partners: Vec<&str> = t.partners.iter().map(|s| guide.partner_card_html(s)).collect();
            ctx.insert("playbooks_count", &playbooks.len());
            ctx.insert("playbooks_html", &playbooks.concat());
            ctx.insert("partners_count", &partners.len());
            ctx.insert("partners_html", &partners.concat());
            ("tag.html", meta(&t.name, desc, "tags"))
        }
        Route::Page(slug) => {
            let p = guide.pages().get(slug)?;
            ctx.insert("body_html", &p.body.html);
            ctx.insert("toc", &p.body.toc);
            ctx.insert("edit_url", &context::edit_url(guide.settings(), &p.path));
            ("page.html", meta(&p.title, p.summary.as_deref().unwrap_or(desc), ""))
        }
        Route::Print => {
            ctx.insert("print", &print::print(guide));
            let about = "The whole guide on one page, to print or save as PDF.";
            ("print.html", meta("The whole guide", about, ""))
        }
        Route::Report => {
            ctx.insert("report", &report::page(guide));
            let about = "Meetings, partners, action items and playbooks counted by fiscal year and quarter.";
            ("report.html", meta("Activity report", about, ""))
        }
        Route::NotFound => ("404.html", meta("Page not found", desc, "")),
    };
    let mut meta = meta;
    if meta.description.trim().is_empty() {
        // Every page has a description for search engines and link previews.
        meta.description = format!("{} · {}", meta.title, guide.settings().title).into();
    }
    ctx.insert("page", &meta);
    let canonical = (guide.settings().base_url.is_some() && !matches!(route, Route::NotFound))
        .then(|| syndication::absolute(guide.settings(), &route.url(guide.base())));
    ctx.insert("canonical", &canonical);
    Some(PageToDraw { template, context: ctx })
}

/// Draws a page.
pub(crate) fn draw(theme: &Theme, page: &PageToDraw) -> Result<Vec<u8>, String> {
    // Most pages are a body and some 8 KB of frame: one allocation holds them.
    let mut out = Vec::with_capacity(16 * 1024);
    theme.tera.render_to(page.template, &page.context.tera, &mut out).map_err(|e| theme::error_text(&e))?;
    Ok(out)
}
