//! What render makes: the finished bytes of every file of the site, kept in
//! memory ([`Site`], for `serve`) or handed to a [`Sink`] as each is made
//! (for `build`, which writes them while others render).

use std::collections::BTreeMap;
use std::sync::Arc;

/// The finished bytes of one URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    /// The file's bytes.
    pub bytes: Arc<[u8]>,
}

/// Every file of the published site, by path below the output folder
/// (`partners/campus-it/index.html`).
#[derive(Clone, Debug, Default)]
pub struct Site {
    /// Files by path. Paths are shared, so that a copy of the site (serve
    /// keeps the last one while it makes the next) copies no path.
    pub pages: BTreeMap<Arc<str>, Output>,
}

impl Site {
    /// Number of files.
    pub fn len(&self) -> usize {
        self.pages.len()
    }

    /// True when there is no file.
    pub fn is_empty(&self) -> bool {
        self.pages.is_empty()
    }
}

/// A template failed to render.
#[derive(Debug)]
pub struct RenderError {
    /// The page being rendered.
    pub page: String,
    /// Tera's message with its causes.
    pub message: String,
}

/// Where `render_to` hands each finished file: its path and bytes. An error
/// (the disk is full, say) stops the rendering.
pub type Sink<'a> = dyn Fn(&str, Bytes) -> Result<(), String> + Sync + 'a;

/// A file's bytes on their way to a [`Sink`]: a page just rendered is handed
/// over as it is, uncopied; a file the guide or theme keeps is shared.
#[derive(Debug)]
pub enum Bytes {
    /// Made for this run.
    Owned(Vec<u8>),
    /// Kept elsewhere too.
    Shared(Arc<[u8]>),
}

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Owned(v) => v,
            Bytes::Shared(a) => a,
        }
    }
}

impl From<Bytes> for Arc<[u8]> {
    fn from(b: Bytes) -> Self {
        match b {
            Bytes::Owned(v) => v.into(),
            Bytes::Shared(a) => a,
        }
    }
}

/// Hands `bytes` to the sink, if there is one, and returns what the site
/// keeps of them: nothing when they went to the sink.
pub(crate) fn pass(sink: Option<&Sink<'_>>, path: &str, bytes: Bytes) -> Result<Arc<[u8]>, RenderError> {
    match sink {
        None => Ok(bytes.into()),
        Some(sink) => {
            sink(path, bytes).map_err(|message| RenderError { page: path.to_string(), message })?;
            Ok(Arc::from(&[][..]))
        }
    }
}
