//! The theme: the default theme embedded in the binary, with the guide's own
//! `templates/` laid over it file by file. Templates are parsed once per build.

use include_dir::{Dir, include_dir};

/// The default theme, compiled into the binary.
static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Parsed templates and the theme's static files.
pub struct Theme {
    /// Every template, parsed.
    pub tera: tera::Tera,
    /// Files of the theme's `static/` folder, by path below it (published under `assets/`).
    pub assets: Vec<(String, &'static [u8])>,
}

/// Template names every theme provides.
pub const TEMPLATES: &[&str] = &[
    "base.html",
    "home.html",
    "playbooks.html",
    "playbook.html",
    "partners.html",
    "partner.html",
    "tags.html",
    "tag.html",
    "page.html",
    "404.html",
];

impl Theme {
    /// The default theme with `overrides` (name, text) replacing templates of the same name.
    pub fn load(overrides: &[(String, String)]) -> Result<Theme, String> {
        let mut tera = tera::Tera::new();
        let templates = DEFAULT_THEME.get_dir("templates").ok_or("the embedded theme has no templates")?;
        let mut embedded = Vec::new();
        collect(templates, "templates", &mut embedded);
        let mut sources: Vec<(String, String)> =
            embedded.into_iter().map(|(name, bytes)| (name, String::from_utf8_lossy(bytes).into_owned())).collect();
        for (name, text) in overrides {
            match sources.iter_mut().find(|(n, _)| n == name) {
                Some(slot) => slot.1 = text.clone(),
                None => sources.push((name.clone(), text.clone())),
            }
        }
        tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str()))).map_err(|e| {
            // Point at the guide's file for a template it overrides.
            let mut text = error_text(&e);
            for (name, _) in overrides {
                text = text.replace(&format!("--> {name}:"), &format!("--> templates/{name}:"));
            }
            text
        })?;
        let mut assets = Vec::new();
        if let Some(dir) = DEFAULT_THEME.get_dir("static") {
            collect(dir, "static", &mut assets);
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
pub fn error_text(e: &tera::Error) -> String {
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
        let theme = Theme::load(&[]).unwrap();
        for name in TEMPLATES {
            assert!(theme.tera.contains_template(name), "{name}");
        }
        assert!(theme.assets.iter().any(|(p, _)| p == "style.css"));
    }

    #[test]
    fn a_guide_template_overrides_the_theme() {
        let theme = Theme::load(&[("404.html".into(), "gone".into())]).unwrap();
        let out = theme.tera.render("404.html", &tera::Context::new()).unwrap();
        assert_eq!(out, "gone");
    }
}
