//! The theme: the default theme embedded in the binary, the theme `site.yaml`
//! names (read by `load::theme` from `themes/NAME/` beside the guide) laid over
//! it file by file, and the guide's own `templates/` laid over both. Templates
//! are parsed once per build.

use std::sync::Arc;

use include_dir::{Dir, include_dir};

use crate::load::ThemeSrc;

/// The default theme, compiled into the binary.
static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Parsed templates and the theme's static files.
pub struct Theme {
    /// Every template, parsed.
    pub tera: tera::Tera,
    /// Files of the theme's `static/` folder, by path below it (published under `assets/`).
    pub assets: Vec<(String, Arc<[u8]>)>,
}

impl Theme {
    /// The theme a linked guide asks for: the one `site.yaml` names (or the
    /// default), with the guide's own templates laid over it.
    pub fn for_guide(guide: &crate::link::Guide) -> Result<Theme, String> {
        Theme::load(guide.theme.as_deref(), &guide.templates)
    }

    /// The default theme, with the templates and static files of `theme` (when
    /// `site.yaml` names one) and then the guide's `overrides` (name, text)
    /// replacing those of the same name.
    pub fn load(theme: Option<&ThemeSrc>, overrides: &[(String, String)]) -> Result<Theme, String> {
        let mut tera = tera::Tera::new();
        let templates = DEFAULT_THEME.get_dir("templates").ok_or("the embedded theme has no templates")?;
        let mut embedded = Vec::new();
        collect(templates, "templates", &mut embedded);
        let mut sources: Vec<(String, String)> =
            embedded.into_iter().map(|(name, bytes)| (name, String::from_utf8_lossy(bytes).into_owned())).collect();
        // Where each template that is not the embedded one comes from, for error messages.
        let mut origin: Vec<(String, String)> = Vec::new();
        let layers = theme
            .map(|t| (t.templates.as_slice(), format!("{}/templates/", t.shown)))
            .into_iter()
            .chain([(overrides, "templates/".to_string())]);
        for (layer, folder) in layers {
            for (name, text) in layer {
                match sources.iter_mut().find(|(n, _)| n == name) {
                    Some(slot) => slot.1 = text.clone(),
                    None => sources.push((name.clone(), text.clone())),
                }
                origin.retain(|(n, _)| n != name);
                origin.push((name.clone(), format!("{folder}{name}")));
            }
        }
        tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str()))).map_err(|e| {
            // Point at the file on disk for a template the theme or the guide provides.
            let mut text = error_text(&e);
            for (name, path) in &origin {
                text = text.replace(&format!("--> {name}:"), &format!("--> {path}:"));
            }
            text
        })?;
        let mut assets: Vec<(String, Arc<[u8]>)> = Vec::new();
        if let Some(dir) = DEFAULT_THEME.get_dir("static") {
            let mut embedded = Vec::new();
            collect(dir, "static", &mut embedded);
            assets.extend(embedded.into_iter().map(|(p, b)| (p, Arc::from(b))));
        }
        for (path, bytes) in theme.map(|t| t.assets.as_slice()).unwrap_or_default() {
            match assets.iter_mut().find(|(p, _)| p == path) {
                Some(slot) => slot.1 = bytes.clone(),
                None => assets.push((path.clone(), bytes.clone())),
            }
        }
        assets.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(Theme { tera, assets })
    }
}

/// Every file below `dir`, named by its path below `prefix`.
fn collect(dir: &'static Dir<'static>, prefix: &str, out: &mut Vec<(String, &'static [u8])>) {
    for f in dir.files() {
        let rel = f.path().strip_prefix(prefix).unwrap_or(f.path());
        out.push((rel.to_string_lossy().replace('\\', "/"), f.contents()));
    }
    for d in dir.dirs() {
        collect(d, prefix, out);
    }
}

/// A tera error with its causes, on several lines.
pub(crate) fn error_text(e: &tera::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(&format!("\n  caused by: {s}"));
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_theme_parses_and_has_every_template() {
        // The templates `page.rs` and `cards.rs` draw with.
        const TEMPLATES: &[&str] = &[
            "base.html",
            "home.html",
            "playbooks.html",
            "playbook.html",
            "partners.html",
            "pipeline.html",
            "partner.html",
            "brief.html",
            "actions.html",
            "tags.html",
            "tag.html",
            "page.html",
            "404.html",
            "partials/playbook_card.html",
            "partials/partner_card.html",
        ];
        let theme = Theme::load(None, &[]).unwrap();
        for name in TEMPLATES {
            assert!(theme.tera.contains_template(name), "{name}");
        }
        assert!(theme.assets.iter().any(|(p, _)| p == "style.css"));
    }

    /// A lost `}` is no CSS error to a browser or the HTML checker: the rest of
    /// the file silently goes inside the open block (a print-only rule, say).
    #[test]
    fn the_embedded_style_sheet_closes_every_block() {
        let theme = Theme::load(None, &[]).unwrap();
        let (_, css) = theme.assets.iter().find(|(p, _)| p == "style.css").unwrap();
        let css = std::str::from_utf8(css).unwrap();
        let mut depth = 0i32;
        let mut rest = css;
        while let Some(i) = rest.find(['{', '}', '/', '"']) {
            let (c, after) = (rest.as_bytes()[i], &rest[i + 1..]);
            rest = match c {
                b'/' if after.starts_with('*') => &after[after.find("*/").expect("an unclosed comment") + 2..],
                b'"' => &after[after.find('"').expect("an unclosed string") + 1..],
                b'{' => {
                    depth += 1;
                    after
                }
                b'}' => {
                    depth -= 1;
                    assert!(depth >= 0, "a `}}` closes nothing at byte {}", css.len() - after.len());
                    after
                }
                _ => after,
            };
        }
        assert_eq!(depth, 0, "style.css leaves {depth} block(s) open");
    }

    #[test]
    fn a_guide_template_overrides_the_theme() {
        let theme = Theme::load(None, &[("404.html".into(), "gone".into())]).unwrap();
        let out = theme.tera.render("404.html", &tera::Context::new()).unwrap();
        assert_eq!(out, "gone");
    }

    fn named() -> ThemeSrc {
        ThemeSrc {
            name: "campus".into(),
            shown: "../themes/campus".into(),
            templates: vec![("404.html".into(), "theme 404".into()), ("tag.html".into(), "theme tag".into())],
            assets: vec![
                ("style.css".into(), Arc::from(&b"body{}"[..])),
                ("logo.svg".into(), Arc::from(&b"<svg/>"[..])),
            ],
        }
    }

    #[test]
    fn a_named_theme_replaces_what_it_provides_and_the_default_fills_in_the_rest() {
        let theme = Theme::load(Some(&named()), &[("tag.html".into(), "guide tag".into())]).unwrap();
        let render = |name: &str| theme.tera.render(name, &tera::Context::new()).unwrap();
        assert_eq!(render("404.html"), "theme 404");
        assert_eq!(render("tag.html"), "guide tag", "the guide's templates/ win over the theme");
        assert!(theme.tera.contains_template("partner.html"), "the default fills in");
        let asset = |p: &str| theme.assets.iter().find(|(n, _)| n == p).map(|(_, b)| b.to_vec());
        assert_eq!(asset("style.css").as_deref(), Some(&b"body{}"[..]));
        assert_eq!(asset("logo.svg").as_deref(), Some(&b"<svg/>"[..]));
        assert!(asset("partnerbook.js").is_some(), "the default's static files fill in");
    }

    #[test]
    fn a_broken_theme_template_is_named_by_its_path() {
        let mut t = named();
        t.templates.push(("page.html".into(), "{% if %}".into()));
        let err = Theme::load(Some(&t), &[]).err().unwrap();
        assert!(err.contains("../themes/campus/templates/page.html"), "{err}");
    }
}
