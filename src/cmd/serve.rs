//! `partnerbook serve`: wires the session, the watcher, the HTTP workers and
//! live reload together. The session loop runs on this thread; it is the only
//! writer of the served state.

use std::sync::Arc;
use std::sync::mpsc::channel;

use super::{Outcome, describe};
use crate::cli::ServeArgs;
use crate::render::Site;
use crate::serve::edit::Editing;
use crate::serve::live::{Event, Live, overlay_html, overlay_with};
use crate::serve::watch::Batch;
use crate::serve::{self, Session, http, watch};

/// What the session loop waits for.
enum Msg {
    Watched(Batch),
    Quit,
}

/// Runs serve until Ctrl-C.
pub fn run(args: &ServeArgs) -> Outcome {
    let mut opts = args.options();
    let guide = opts.guide.clone();
    if !guide.join("site.yaml").is_file() {
        return describe(crate::Failure::NotAGuide(guide));
    }
    // By its absolute path: a guide given as `.` that a script replaces is
    // the new folder of that name, not the removed folder the process is in.
    if let Ok(absolute) = std::path::absolute(&guide) {
        opts.guide = absolute;
    }
    let (abs_guide, today) = (opts.guide.clone(), opts.link.today);
    let mut session = Session::new(opts);

    // Watch before the first build, so that no save made while it runs is missed.
    let (tx, rx) = channel::<Msg>();
    let (batch_tx, batch_rx) = channel::<Batch>();
    if let Err(e) = watch::watch(&guide, batch_tx) {
        return Outcome::Environment(format!("error: cannot watch {}: {e}\n", guide.display()));
    }
    {
        let tx = tx.clone();
        std::thread::spawn(move || {
            while let Ok(batch) = batch_rx.recv() {
                if tx.send(Msg::Watched(batch)).is_err() {
                    return;
                }
            }
        });
    }

    // The first build; if it fails, the server still starts and shows why.
    // Warnings are printed when they change, not again on every save.
    let live = match session.rebuild(&[]) {
        Ok(serve::Outcome::Built { site, guide, warnings, took, .. }) => {
            eprint!("{}", warnings.unwrap_or_default());
            eprintln!("built {} files in {} ms", site.len(), took.as_millis());
            Arc::new(Live::new(site, Some(guide), None))
        }
        Ok(serve::Outcome::Failed { text }) => {
            eprint!("{text}");
            Arc::new(Live::new(Arc::new(Site::default()), None, Some(overlay_html(&text))))
        }
        Err(f) => return describe(f),
    };

    let server = match http::bind(args.bind, args.port) {
        Ok(s) => Arc::new(s),
        Err(e) => return Outcome::Environment(format!("error: cannot listen on {}:{}: {e}\n", args.bind, args.port)),
    };
    let addr = server.server_addr().to_ip().expect("a TCP listener");
    let shown = if addr.ip().is_unspecified() { "127.0.0.1".to_string() } else { addr.ip().to_string() };
    let url = if addr.is_ipv6() {
        format!("http://[{shown}]:{}/", addr.port())
    } else {
        format!("http://{shown}:{}/", addr.port())
    };
    if addr.port() != args.port && args.port != 0 {
        eprintln!("port {} is taken; using {} instead", args.port, addr.port());
    }
    if addr.ip().is_unspecified() {
        eprintln!("warning: serving on every network interface: anyone on this network can read the preview");
    }
    let editing = match Editing::new(args.editing(), abs_guide, addr, today) {
        Ok(e) => Arc::new(e),
        Err(e) => return Outcome::Environment(format!("error: cannot make an editing token: {e}\n")),
    };
    println!("serving {} at {url}", guide.display());
    if editing.on {
        eprintln!("editing on: token {}", editing.token());
    } else {
        eprintln!("editing off: pages are read-only");
    }
    let _workers = http::spawn_workers(server.clone(), live.clone(), editing);

    let quit = tx.clone();
    let _ = ctrlc::set_handler(move || {
        let _ = quit.send(Msg::Quit);
    });
    if args.open
        && let Err(e) = opener::open_browser(&url)
    {
        eprintln!("could not open a browser: {e}");
    }

    let mut failing = live.current().overlay.is_some();
    while let Ok(Msg::Watched(batch)) = rx.recv() {
        let (what, rebuilt) = match batch {
            Batch::Changed(paths) => (describe_paths(&paths), session.rebuild(&paths)),
            Batch::RootGone => {
                eprintln!("guide folder {} removed; waiting for it to come back", guide.display());
                let text = format!("error: the guide folder {} is missing (removed or renamed)\n", guide.display());
                live.fail(overlay_with(FOLDER_MISSING, &text));
                failing = true;
                continue;
            }
            Batch::RootBack => {
                eprintln!("guide folder {} is there; watching again", guide.display());
                ("the guide folder".to_string(), session.rebuild_all())
            }
            Batch::Stopped(why) => {
                eprintln!("error: stopped watching: {why}\nhelp: restart serve to follow the guide again");
                let text = format!("error: stopped watching: {why}\nhelp: restart serve to follow the guide again\n");
                live.fail(overlay_with(STOPPED, &text));
                failing = true;
                continue;
            }
        };
        match rebuilt {
            Ok(serve::Outcome::Built { site, guide, changed, rendered, warnings, took }) => {
                if let Some(warnings) = warnings {
                    eprint!("{warnings}");
                }
                eprintln!(
                    "{what} changed: {rendered} pages rendered, {} files changed, in {} ms",
                    changed.len(),
                    took.as_millis()
                );
                let css_only = !failing && !changed.is_empty() && changed.iter().all(|p| p.ends_with(".css"));
                live.publish(site, guide, if css_only { Event::Css } else { Event::Reload });
                failing = false;
            }
            Ok(serve::Outcome::Failed { text }) => {
                // The terminal shows each distinct failure once.
                let overlay = overlay_html(&text);
                if live.current().overlay.as_deref() != Some(overlay.as_str()) {
                    eprint!("{what} changed:\n{text}");
                }
                live.fail(overlay);
                failing = true;
            }
            Err(f) => {
                server.unblock();
                return describe(f);
            }
        }
    }
    server.unblock();
    eprintln!("stopped");
    Outcome::Ok(String::new())
}

/// The overlay's first sentence while the guide folder is missing.
const FOLDER_MISSING: &str =
    "The guide folder is missing. This page shows the last good version; it is rebuilt when the folder is back.";

/// The overlay's first sentence once watching has stopped.
const STOPPED: &str = "Saves are no longer followed. This page shows the last good version.";

fn describe_paths(paths: &[String]) -> String {
    match paths {
        [one] => one.clone(),
        [first, rest @ ..] => format!("{first} and {} more", rest.len()),
        [] => "nothing".into(),
    }
}
