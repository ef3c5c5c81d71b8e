//! `partnerbook serve`: wires the session, the watcher, the HTTP workers and
//! live reload together. The session loop runs on this thread; it is the only
//! writer of the served state.

use std::sync::Arc;
use std::sync::mpsc::channel;

use super::{Outcome, describe};
use crate::cli::ServeArgs;
use crate::render::Site;
use crate::serve::live::{Event, Live, overlay_html};
use crate::serve::{self, Session, http, watch};

/// What the session loop waits for.
enum Msg {
    Changed(Vec<String>),
    Quit,
}

/// Runs serve until Ctrl-C.
pub fn run(args: &ServeArgs) -> Outcome {
    let opts = args.options();
    let guide = opts.guide.clone();
    if !guide.join("site.yaml").is_file() {
        return describe(crate::Failure::NotAGuide(guide));
    }
    let mut session = Session::new(opts);

    // Watch before the first build, so that no save made while it runs is missed.
    let (tx, rx) = channel::<Msg>();
    let (batch_tx, batch_rx) = channel::<Vec<String>>();
    let _watcher = match watch::watch(&guide, batch_tx) {
        Ok(w) => w,
        Err(e) => return Outcome::Environment(format!("error: cannot watch {}: {e}\n", guide.display())),
    };
    {
        let tx = tx.clone();
        std::thread::spawn(move || {
            while let Ok(batch) = batch_rx.recv() {
                if tx.send(Msg::Changed(batch)).is_err() {
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
    println!("serving {} at {url}", guide.display());
    let _workers = http::spawn_workers(server.clone(), live.clone());

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
    while let Ok(Msg::Changed(paths)) = rx.recv() {
        let what = describe_paths(&paths);
        match session.rebuild(&paths) {
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

fn describe_paths(paths: &[String]) -> String {
    match paths {
        [one] => one.clone(),
        [first, rest @ ..] => format!("{first} and {} more", rest.len()),
        [] => "nothing".into(),
    }
}
