//! A page's template context, with a hash of everything put into it. The hash
//! is what `serve` compares to tell whether a page must be drawn again: the
//! same context through the same templates gives the same page, so no list of
//! what a page shows is kept by hand.

use std::hash::Hasher;

use serde::Serialize;
use xxhash_rust::xxh3::Xxh3;

use crate::link::Guide;
use crate::routes::Route;

/// What every page knows about the site.
#[derive(Serialize)]
pub(crate) struct SiteCtx<'a> {
    /// Guide title.
    pub(crate) title: &'a str,
    /// Guide description.
    pub(crate) description: &'a str,
    /// Institution.
    pub(crate) institution: Option<&'a str>,
    /// URL prefix, e.g. `/outreach/`.
    pub(crate) base: &'a str,
    /// Free pages, for the footer.
    pub(crate) pages: Vec<Link>,
}

impl<'a> SiteCtx<'a> {
    /// The site context of a guide.
    pub(crate) fn new(guide: &'a Guide) -> Self {
        let s = &guide.settings;
        let pages = guide
            .pages
            .values()
            .map(|p| Link { title: p.title.clone(), url: Route::Page(p.slug.clone()).url(&s.base_path) })
            .collect();
        SiteCtx {
            title: &s.title,
            description: &s.description,
            institution: s.institution.as_deref(),
            base: &s.base_path,
            pages,
        }
    }
}

/// A titled link.
#[derive(Clone, Serialize)]
pub(crate) struct Link {
    /// Text.
    pub(crate) title: String,
    /// URL.
    pub(crate) url: String,
}

/// `site` as the template value every page shares, made once per run.
pub(crate) struct SiteValue {
    pub(crate) value: tera::Value,
    /// Its hash, when pages are hashed.
    pub(crate) hash: Option<u64>,
}

/// `site` as a template value, hashed when `keep`.
pub(crate) fn site_value(site: &SiteCtx<'_>, keep: bool) -> SiteValue {
    SiteValue { value: tera::Value::from_serializable(site), hash: if keep { hash_of(site) } else { None } }
}

/// The context of one page and, when asked for, the hash of its values.
pub(crate) struct PageContext {
    pub(crate) tera: tera::Context,
    hash: Option<Xxh3>,
}

impl PageContext {
    /// An empty context; `hashed` keeps a hash of what goes in.
    pub(crate) fn new(hashed: bool) -> Self {
        PageContext { tera: tera::Context::new(), hash: hashed.then(Xxh3::new) }
    }

    /// Puts `value` under `key`.
    pub(crate) fn insert<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        self.insert_value(key, tera::Value::from_serializable(value));
    }

    /// Puts a value made earlier under `key`.
    pub(crate) fn insert_value(&mut self, key: &'static str, value: tera::Value) {
        if let Some(h) = &mut self.hash {
            h.update(key.as_bytes());
            h.update(&[0]);
            if serde_json::to_writer(HashWriter(h), &value).is_err() {
                // A value JSON cannot spell: no hash, so the page is always drawn.
                self.hash = None;
            }
        }
        self.tera.insert_value(key, value);
    }

    /// Adds a hash made earlier (of a value shared by every page) without
    /// hashing the value again.
    pub(crate) fn insert_hashed(&mut self, key: &'static str, value: tera::Value, hash: Option<u64>) {
        match (&mut self.hash, hash) {
            (Some(h), Some(v)) => {
                h.update(key.as_bytes());
                h.update(&v.to_le_bytes());
            }
            _ => self.hash = None,
        }
        self.tera.insert_value(key, value);
    }

    /// The hash of everything put in, if it was kept.
    pub(crate) fn hash(&self) -> Option<u64> {
        self.hash.as_ref().map(Xxh3::digest)
    }
}

/// The hash of a value as JSON, or `None` when JSON cannot spell it.
pub(crate) fn hash_of<T: Serialize + ?Sized>(value: &T) -> Option<u64> {
    let mut h = Xxh3::new();
    serde_json::to_writer(HashWriter(&mut h), value).ok()?;
    Some(h.finish())
}

/// Feeds what serde_json writes to a hasher.
struct HashWriter<'a>(&'a mut Xxh3);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_follows_every_value_and_key() {
        let hash = |pairs: &[(&'static str, &str)]| {
            let mut c = PageContext::new(true);
            for (k, v) in pairs {
                c.insert(k, v);
            }
            c.hash().unwrap()
        };
        let base = hash(&[("a", "x"), ("b", "y")]);
        assert_eq!(base, hash(&[("a", "x"), ("b", "y")]));
        assert_ne!(base, hash(&[("a", "x"), ("b", "z")]));
        assert_ne!(base, hash(&[("a", "x"), ("c", "y")]));
        assert_ne!(hash(&[("a", "xb"), ("b", "")]), hash(&[("a", "x"), ("bb", "")]));
        assert!(PageContext::new(false).hash().is_none());
    }
}
