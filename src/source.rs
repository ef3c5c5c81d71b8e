//! Source files kept in memory so that every diagnostic can point at a line and
//! column of the file as the editor sees it. Owns the one conversion from a byte
//! offset to `line:column`; nothing else in the crate counts lines.

use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

/// Index of a file inside [`SourceFiles`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// One file of the guide, its text and where its lines start.
#[derive(Debug)]
pub struct SourceFile {
    /// Path relative to the guide root, with `/` separators, as shown in messages.
    pub path: String,
    /// Absolute or caller-relative path on disk.
    pub disk_path: PathBuf,
    /// The whole text of the file.
    pub text: String,
    /// A fast hash of the text, to tell whether it changed.
    pub hash: u64,
    /// Where each line starts, counted the first time a position is asked for:
    /// most files of a large guide never have one asked.
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

impl SourceFile {
    /// Wraps a file's text and indexes its line starts.
    pub fn new(path: String, disk_path: PathBuf, text: String) -> Self {
        let hash = xxhash_rust::xxh3::xxh3_64(text.as_bytes());
        SourceFile { path, disk_path, text, hash, line_starts: std::sync::OnceLock::new() }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts
            .get_or_init(|| std::iter::once(0).chain(self.text.match_indices('\n').map(|(i, _)| i + 1)).collect())
    }

    /// 1-based line and 1-based column (counted in characters) of a byte offset.
    /// Offsets past the end, or inside a multibyte character, are clamped.
    pub fn line_col(&self, byte: usize) -> (usize, usize) {
        let byte = floor_char_boundary(&self.text, byte.min(self.text.len()));
        let starts = self.line_starts();
        let line = starts.partition_point(|&s| s <= byte) - 1;
        let start = starts[line];
        let col = self.text[start..byte].trim_end_matches('\r').chars().count() + 1;
        (line + 1, col)
    }

    /// Byte range of the 1-based line `line`, without its line ending.
    pub fn line_range(&self, line: usize) -> Range<usize> {
        let starts = self.line_starts();
        let start = starts[line - 1];
        let end = starts.get(line).copied().unwrap_or(self.text.len());
        let text = &self.text[start..end];
        start..start + text.trim_end_matches(['\n', '\r']).len()
    }

    /// Byte offset of a 1-based line and 1-based character column, clamped to the file.
    pub fn offset_of(&self, line: usize, col: usize) -> usize {
        let Some(&start) = self.line_starts().get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        self.text[start..].char_indices().nth(col.saturating_sub(1)).map_or(self.text.len(), |(i, _)| start + i)
    }
}

fn floor_char_boundary(text: &str, mut byte: usize) -> usize {
    while !text.is_char_boundary(byte) {
        byte -= 1;
    }
    byte
}

/// Every file read by `load`, addressed by [`FileId`].
#[derive(Debug, Default)]
pub struct SourceFiles {
    files: Vec<Arc<SourceFile>>,
}

impl SourceFiles {
    /// Adds a file and returns its id.
    pub fn add(&mut self, file: impl Into<Arc<SourceFile>>) -> FileId {
        self.files.push(file.into());
        FileId(u32::try_from(self.files.len() - 1).expect("fewer than 4 billion files"))
    }

    /// Puts `file` in the place of the file with this id.
    pub fn replace(&mut self, id: FileId, file: Arc<SourceFile>) {
        self.files[id.0 as usize] = file;
    }

    /// Frees the text of every file `keep` says no to: ids stay valid, and
    /// those files keep their paths but read as empty. `build` keeps only the
    /// files its problems point into while it renders a large guide.
    pub fn keep_only(&mut self, keep: impl Fn(FileId) -> bool) {
        for (i, f) in self.files.iter_mut().enumerate() {
            if !keep(FileId(i as u32)) && !f.text.is_empty() {
                *f = Arc::new(SourceFile::new(f.path.clone(), f.disk_path.clone(), String::new()));
            }
        }
    }

    /// The file with this id.
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when no file was read.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("f.md".into(), "f.md".into(), text.into())
    }

    #[test]
    fn line_col_is_one_based_on_every_line() {
        let f = file("ab\ncd\n\nef");
        let cases =
            [(0, (1, 1)), (1, (1, 2)), (2, (1, 3)), (3, (2, 1)), (4, (2, 2)), (6, (3, 1)), (7, (4, 1)), (9, (4, 3))];
        for (byte, want) in cases {
            assert_eq!(f.line_col(byte), want, "byte {byte}");
        }
    }

    #[test]
    fn line_col_after_crlf_and_multibyte() {
        let f = file("é:\r\nxé y");
        assert_eq!(f.line_col(2), (1, 2), "after a two-byte char");
        assert_eq!(f.line_col(5), (2, 1), "line after CRLF");
        assert_eq!(f.line_col(9), (2, 4), "after x, é and a space");
        assert_eq!(f.line_col(1), (1, 1), "inside a multibyte char clamps back");
        assert_eq!(f.line_col(3), (1, 3), "at the CR");
    }

    #[test]
    fn offset_of_inverts_line_col() {
        let f = file("title: x\nstage: méet\n");
        for byte in [0, 5, 9, 16, 19] {
            let (l, c) = f.line_col(byte);
            assert_eq!(f.offset_of(l, c), byte);
        }
        assert_eq!(f.line_range(2), 9..21);
    }
}
