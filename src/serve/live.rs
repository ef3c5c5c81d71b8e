//! Live reload: the state every HTTP worker reads (the last good site and the
//! error overlay, swapped atomically), the clients listening for rebuilds, and
//! the script and overlay injected into served HTML.

use std::collections::BTreeMap;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, RwLock};

use crate::link::Guide;
use crate::render::{Site, escape};

/// Where the event stream is served, on the same origin as the pages.
pub(crate) const EVENTS_PATH: &str = "/__partnerbook/events";

/// What is being served right now.
pub(crate) struct LiveSite {
    /// The last site that built.
    pub site: Arc<Site>,
    /// The error of the last rebuild, as HTML to lay over every page; `None` when it built.
    pub overlay: Option<String>,
    /// Increases with every rebuild, good or bad; pages carry the one they were served with.
    pub generation: u64,
    /// The linked guide of the last good build (for the search index), and its build number.
    pub guide: Option<(u64, Arc<Guide>)>,
}

/// A message for the pages that are open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Event {
    /// Something changed: reload the page.
    Reload,
    /// Only stylesheets changed: restyle without reloading.
    Css,
    /// The rebuild failed: show this overlay HTML.
    Overlay(String),
}

impl Event {
    /// The event in Server-Sent Events framing.
    pub(crate) fn to_sse(&self, generation: u64) -> String {
        match self {
            Event::Reload => format!("event: reload\ndata: {generation}\n\n"),
            Event::Css => format!("event: css\ndata: {generation}\n\n"),
            Event::Overlay(html) => {
                let data: String = html.lines().map(|l| format!("data: {l}\n")).collect();
                format!("event: overlay\n{data}\n")
            }
        }
    }
}

/// Shared by the session loop (writer) and the HTTP workers (readers).
pub(crate) struct Live {
    current: RwLock<Arc<LiveSite>>,
    clients: Mutex<Vec<Sender<String>>>,
    /// The search index files of a build, made when first asked for.
    search: Mutex<Option<(u64, Arc<SearchFiles>)>>,
    /// The other files made when first asked for (`render::is_on_request`), by build.
    on_request: Mutex<Option<(u64, SearchFiles)>>,
}

/// The files of a search index, by site path (see `render::search_index`).
pub(crate) type SearchFiles = BTreeMap<String, Arc<[u8]>>;

impl Live {
    /// Starts with a site (possibly empty) and an optional overlay.
    pub(crate) fn new(site: Arc<Site>, guide: Option<Arc<Guide>>, overlay: Option<String>) -> Self {
        Live {
            current: RwLock::new(Arc::new(LiveSite { site, overlay, generation: 1, guide: guide.map(|g| (1, g)) })),
            clients: Mutex::new(Vec::new()),
            search: Mutex::new(None),
            on_request: Mutex::new(None),
        }
    }

    /// One of the files `render::is_on_request` names (`path` as a URL writes
    /// it, below the root), of the site being served, made now if this build
    /// has not made it yet; `None` for any other path.
    pub(crate) fn on_request(&self, path: &str) -> Option<Arc<[u8]>> {
        let path = percent_encoding::percent_decode_str(path).decode_utf8().ok()?;
        let path = path.as_ref();
        if !crate::render::is_on_request(path) {
            return None;
        }
        let (build, guide) = self.current().guide.clone()?;
        let mut cached = self.on_request.lock().unwrap_or_else(|e| e.into_inner());
        if cached.as_ref().is_none_or(|(b, _)| *b != build) {
            *cached = Some((build, SearchFiles::new()));
        }
        let files = &mut cached.as_mut().expect("set above").1;
        if let Some(bytes) = files.get(path) {
            return Some(bytes.clone());
        }
        let bytes: Arc<[u8]> = crate::render::on_request(&guide, path)?.into();
        files.insert(path.to_string(), bytes.clone());
        Some(bytes)
    }

    /// The search index files of the site being served, made now if the last build has none yet.
    /// Building the index of a large guide takes a while, so saves do not wait for it:
    /// the first request for any of its files after a change does (and makes them all).
    pub(crate) fn search_index(&self) -> Option<Arc<SearchFiles>> {
        let (build, guide) = self.current().guide.clone()?;
        let mut cached = self.search.lock().unwrap_or_else(|e| e.into_inner());
        match cached.as_ref() {
            Some((b, files)) if *b == build => Some(files.clone()),
            _ => {
                let files: Arc<SearchFiles> = Arc::new(
                    crate::render::search_index::search_index(&guide)
                        .into_iter()
                        .map(|(path, text)| (path, text.into_bytes().into()))
                        .collect(),
                );
                *cached = Some((build, files.clone()));
                Some(files)
            }
        }
    }

    /// What is served now.
    pub(crate) fn current(&self) -> Arc<LiveSite> {
        self.current.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// A stream of framed events for one client; the first tells the generation.
    pub(crate) fn subscribe(&self) -> Receiver<String> {
        let (tx, rx) = channel();
        let generation = self.current().generation;
        let _ = tx.send(format!("event: hello\ndata: {generation}\n\n"));
        self.clients.lock().unwrap_or_else(|e| e.into_inner()).push(tx);
        rx
    }

    /// A successful rebuild: serve `site`, clear any overlay, and tell the pages.
    pub(crate) fn publish(&self, site: Arc<Site>, guide: Arc<Guide>, event: Event) {
        self.swap(
            |old| {
                let build = old.guide.as_ref().map_or(1, |(b, _)| b + 1);
                LiveSite { site, overlay: None, generation: old.generation + 1, guide: Some((build, guide)) }
            },
            event,
        );
    }

    /// A failed rebuild: keep the site, lay the overlay over it, and tell the pages.
    pub(crate) fn fail(&self, overlay: String) {
        let event = Event::Overlay(overlay.clone());
        self.swap(
            |old| LiveSite {
                site: old.site.clone(),
                overlay: Some(overlay),
                generation: old.generation + 1,
                guide: old.guide.clone(),
            },
            event,
        );
    }

    fn swap(&self, next: impl FnOnce(&LiveSite) -> LiveSite, event: Event) {
        let generation = {
            let mut cur = self.current.write().unwrap_or_else(|e| e.into_inner());
            let new = Arc::new(next(&cur));
            let g = new.generation;
            *cur = new;
            g
        };
        let frame = event.to_sse(generation);
        // A client whose connection closed has dropped its receiver: forget it.
        self.clients.lock().unwrap_or_else(|e| e.into_inner()).retain(|c| c.send(frame.clone()).is_ok());
    }
}

/// The overlay that shows a failed rebuild's errors over the page, escaped.
pub(crate) fn overlay_html(errors: &str) -> String {
    overlay_with(
        "The last save did not build. This page shows the last good version; fix the file and save again.",
        errors,
    )
}

/// An overlay with a `lead` sentence over `text`, shown as preformatted; both escaped.
pub(crate) fn overlay_with(lead: &str, text: &str) -> String {
    format!(
        concat!(
            "<div id=\"partnerbook-overlay\" role=\"alert\" style=\"position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;",
            "z-index:2147483647;margin:0;padding:1rem 1.25rem;background:#fff4f2;color:#1a1a1a;border-top:4px solid #b3261e;",
            "font:15px/1.5 system-ui,sans-serif;box-shadow:0 -4px 16px rgba(0,0,0,.25)\">",
            "<p style=\"margin:0 0 .5rem;font-weight:700;color:#8c1d18\">{}</p>",
            "<pre style=\"margin:0;white-space:pre-wrap;font:13px/1.45 ui-monospace,monospace;color:#1a1a1a\">{}</pre></div>"
        ),
        escape(lead),
        escape(text.trim_end())
    )
}

/// The script that reloads the page on rebuilds, restyles on CSS-only changes,
/// and shows or updates the overlay. It talks to the server's own origin.
/// Before reloading it dispatches a cancelable `partnerbook:reload` event on
/// `window`: the editing script cancels it while a form is open, so that a
/// change on disk never throws away what someone is typing.
pub(crate) fn script(generation: u64) -> String {
    format!(
        r#"<script>(function(){{var g={generation};if(!window.EventSource)return;var es;
function reload(){{if(window.dispatchEvent(new Event("partnerbook:reload",{{cancelable:true}})))location.reload();}}
function open(){{es=new EventSource("{EVENTS_PATH}");
es.addEventListener("hello",function(e){{if(+e.data!==g)reload();}});
es.addEventListener("reload",function(){{reload();}});
es.addEventListener("css",function(e){{g=+e.data;document.querySelectorAll('link[rel="stylesheet"]').forEach(function(l){{var u=new URL(l.href);u.searchParams.set("v",e.data);l.href=u.href;}});}});
es.addEventListener("overlay",function(e){{var o=document.getElementById("partnerbook-overlay");var t=document.createElement("div");t.innerHTML=e.data;var n=t.firstElementChild;if(!n)return;if(o)o.replaceWith(n);else document.body.appendChild(n);g=-1;}});}}
open();
window.addEventListener("pagehide",function(){{es.close();}});
window.addEventListener("pageshow",function(e){{if(e.persisted)open();}});
}})();</script>"#
    )
}

/// The page with the live-reload script (and the overlay, if any) before `</body>`.
pub(crate) fn inject(html: &[u8], live: &LiveSite) -> Vec<u8> {
    let mut extra = String::new();
    if let Some(o) = &live.overlay {
        extra.push_str(o);
    }
    extra.push_str(&script(live.generation));
    let at = find_last(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + extra.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(extra.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// Where `needle` last starts in `hay`, compared without ASCII case.
pub(crate) fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlay_escapes_the_errors() {
        let html = overlay_html("error: <script>alert(1)</script>\n --> a.md:1:1");
        assert!(html.contains("&lt;script&gt;"));
        assert!(!html.contains("<script>"));
    }

    #[test]
    fn script_and_overlay_go_before_the_body_end() {
        let live = LiveSite {
            site: Arc::new(Site::default()),
            overlay: Some("<div>x</div>".into()),
            generation: 7,
            guide: None,
        };
        let out = String::from_utf8(inject(b"<html><body><p>hi</p></body></html>", &live)).unwrap();
        assert!(out.starts_with("<html><body><p>hi</p><div>x</div><script>"), "{out}");
        assert!(out.contains("var g=7;"));
        assert!(out.ends_with("</script></body></html>"));
    }

    #[test]
    fn overlay_events_frame_every_line() {
        let frame = Event::Overlay("a\nb".into()).to_sse(3);
        assert_eq!(frame, "event: overlay\ndata: a\ndata: b\n\n");
    }
}
