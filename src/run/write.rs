//! Writing a file without damaging anything else: `--fix`, `--write-baseline` and `huashu init` all
//! write through [`write_file`].
//!
//! - A symbolic link is followed: its target is rewritten and the link stays a link. A link to nothing
//!   is refused.
//! - Only regular files are written: a device, a FIFO, a socket or a directory is refused.
//! - The new contents go to a temporary file created exclusively (`create_new`: an existing file or a
//!   planted symbolic link at that name makes creation fail rather than be followed) in the target's
//!   directory, under an unpredictable name; then it is renamed over the target, so a crash or a full
//!   disk never leaves a half-written file.
//! - When the caller read the file before, its bytes are compared again just before the rename: a
//!   file changed meanwhile is not overwritten.
//! - The rewritten file keeps the original's permissions (and, where allowed, its owner).
//!
//! Refusals are `std::io::Error`s carrying a [`WriteRefusal`], which the error report describes.

use crate::error::WriteRefusal;
use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, ErrorKind, Read, Write};
use std::path::{Path, PathBuf};

/// What must be at the path when the new contents replace it.
#[derive(Debug, Clone, Copy)]
pub enum Expect<'a> {
    /// A regular file (replaced whatever it holds), or nothing: a baseline, `huashu init --force`.
    Any,
    /// Nothing: `huashu init` never replaces an existing file, even one that appears meanwhile.
    Absent,
    /// The file exactly as the caller read it: if its bytes changed since, nothing is written.
    Unchanged(&'a [u8]),
}

/// Writes `bytes` to `path` as the module documentation describes.
pub fn write_file(path: &Path, bytes: &[u8], expect: Expect) -> io::Result<()> {
    let mut staged = Staged::new(path, expect)?;
    staged.write_all(bytes)?;
    staged.commit()
}

/// New contents being written beside their target, for a writer that produces them piece by piece
/// (a report of a million findings) and must not hold them all in memory. Nothing replaces the
/// target until [`Staged::commit`]; dropped before that, the temporary file is removed and the
/// target is untouched.
pub struct Staged<'a> {
    target: PathBuf,
    dir: PathBuf,
    tmp: PathBuf,
    file: Option<io::BufWriter<File>>,
    existing: Option<Metadata>,
    expect: Expect<'a>,
}

impl<'a> Staged<'a> {
    /// Checks what is at `path` against `expect` and creates the temporary file.
    pub fn new(path: &Path, expect: Expect<'a>) -> io::Result<Staged<'a>> {
        let target = resolve(path)?;
        let existing = metadata(&target)?;
        if let Some(meta) = &existing {
            regular(meta)?;
        }
        match (expect, &existing) {
            (Expect::Absent, Some(_)) => return Err(WriteRefusal::Exists.into_io()),
            (Expect::Unchanged(_), None) => return Err(WriteRefusal::Changed.into_io()),
            (Expect::Unchanged(read), Some(_)) => unchanged(&target, read)?,
            _ => {}
        }
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (tmp, file) = create_temp(&dir, &name, existing.is_some())?;
        Ok(Staged {
            target,
            dir,
            tmp,
            file: Some(io::BufWriter::with_capacity(1 << 16, file)),
            existing,
            expect,
        })
    }

    /// Makes the written contents the target's, in one step.
    pub fn commit(mut self) -> io::Result<()> {
        let file = self.file.take().expect("committed once");
        let file = file.into_inner().map_err(|e| e.into_error())?;
        fill_and_move(
            file,
            &self.tmp,
            &self.target,
            self.existing.as_ref(),
            self.expect,
        )?;
        // Renamed (or linked and removed): nothing left for `drop` to clean up.
        self.tmp = PathBuf::new();
        sync_dir(&self.dir);
        Ok(())
    }
}

impl Write for Staged<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.as_mut().expect("not committed").write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.file.as_mut().expect("not committed").write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.as_mut().expect("not committed").flush()
    }
}

impl Drop for Staged<'_> {
    /// Not committed, or the commit failed: the temporary file goes (a committed one was renamed).
    fn drop(&mut self) {
        drop(self.file.take());
        if !self.tmp.as_os_str().is_empty() {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

fn fill_and_move(
    file: File,
    tmp: &Path,
    target: &Path,
    existing: Option<&Metadata>,
    expect: Expect,
) -> io::Result<()> {
    if let Some(meta) = existing {
        keep_owner_and_permissions(&file, meta)?;
    }
    file.sync_all()?;
    drop(file);
    #[cfg(debug_assertions)]
    test_hooks::pause_before_rename();
    // Just before the rename: the target must still be what the caller read (and still a regular
    // file; a link planted at the resolved path is replaced by the rename, never followed).
    match expect {
        Expect::Unchanged(read) => {
            match metadata(target)? {
                Some(meta) => regular(&meta)?,
                None => return Err(WriteRefusal::Changed.into_io()),
            }
            unchanged(target, read)?;
            fs::rename(tmp, target)
        }
        Expect::Any => {
            if let Some(meta) = metadata(target)?
                && !meta.file_type().is_symlink()
            {
                regular(&meta)?;
            }
            fs::rename(tmp, target)
        }
        // A hard link is created only where nothing is: a file that appeared meanwhile stays.
        Expect::Absent => match fs::hard_link(tmp, target) {
            Ok(()) => fs::remove_file(tmp),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => Err(WriteRefusal::Exists.into_io()),
            // A file system without hard links: check, then rename.
            Err(_) => {
                if metadata(target)?.is_some() {
                    return Err(WriteRefusal::Exists.into_io());
                }
                fs::rename(tmp, target)
            }
        },
    }
}

/// The path to write: a symbolic link's final target (the link itself stays), else the path.
fn resolve(path: &Path) -> io::Result<PathBuf> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => match fs::canonicalize(path) {
            Ok(target) => Ok(target),
            Err(e) if e.kind() == ErrorKind::NotFound => Err(WriteRefusal::DanglingLink.into_io()),
            Err(e) => Err(e),
        },
        _ => Ok(path.to_path_buf()),
    }
}

/// The metadata of what is at a path (not following a link), or `None` when nothing is.
fn metadata(path: &Path) -> io::Result<Option<Metadata>> {
    match fs::symlink_metadata(path) {
        Ok(meta) => Ok(Some(meta)),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Refuses anything but a regular file, saying what it is.
fn regular(meta: &Metadata) -> io::Result<()> {
    let t = meta.file_type();
    if t.is_file() {
        return Ok(());
    }
    let what = if t.is_dir() {
        "一个目录"
    } else if t.is_symlink() {
        "一个符号链接"
    } else {
        special_kind(&t)
    };
    Err(WriteRefusal::NotRegular(what).into_io())
}

#[cfg(unix)]
fn special_kind(t: &fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if t.is_fifo() {
        "一个管道（FIFO）"
    } else if t.is_char_device() || t.is_block_device() {
        "一个设备文件"
    } else if t.is_socket() {
        "一个套接字"
    } else {
        "一个特殊文件"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &fs::FileType) -> &'static str {
    "一个特殊文件"
}

/// Whether the file still holds exactly the bytes read; refuses with [`WriteRefusal::Changed`] if not.
fn unchanged(path: &Path, read: &[u8]) -> io::Result<()> {
    let mut file = File::open(path)?;
    let meta = file.metadata()?;
    regular(&meta)?;
    if meta.len() != read.len() as u64 {
        return Err(WriteRefusal::Changed.into_io());
    }
    let mut now = Vec::with_capacity(read.len());
    file.read_to_end(&mut now)?;
    if now != read {
        return Err(WriteRefusal::Changed.into_io());
    }
    Ok(())
}

/// A new, empty temporary file beside the target, created exclusively under an unpredictable name.
fn create_temp(dir: &Path, name: &str, replacing: bool) -> io::Result<(PathBuf, File)> {
    let mut last = None;
    for attempt in 0..16 {
        let tmp = dir.join(format!(".{name}.huashu-{:016x}.tmp", unpredictable()));
        #[cfg(debug_assertions)]
        let tmp = match test_hooks::temp_name() {
            Some(forced) if attempt == 0 => dir.join(forced),
            _ => tmp,
        };
        #[cfg(not(debug_assertions))]
        let _ = attempt;
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            // Private until it holds the original's permissions; a new file gets the usual mode.
            options.mode(if replacing { 0o600 } else { 0o666 });
        }
        #[cfg(not(unix))]
        let _ = replacing;
        match options.open(&tmp) {
            Ok(file) => return Ok((tmp, file)),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::from(ErrorKind::AlreadyExists)))
}

/// 64 bits no other process can predict: the standard library's randomly keyed hasher over the time,
/// the process id and a counter.
fn unpredictable() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    h.write_u128(now);
    h.write_u32(std::process::id());
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.finish()
}

fn keep_owner_and_permissions(file: &File, meta: &Metadata) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // Only root may give a file away; for others this is a no-op or refused, and either is fine.
        let _ = std::os::unix::fs::fchown(file, Some(meta.uid()), Some(meta.gid()));
    }
    file.set_permissions(meta.permissions())
}

/// Makes the rename durable where the platform allows it; failing to is not an error.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Hooks for the CLI tests (tests/cli_writes.rs), compiled into debug builds only (the binary
/// `cargo test` runs); a release build has none. They make the two moments a test cannot otherwise
/// reach deterministically observable: the temporary file's name, and the moment before the rename.
#[cfg(debug_assertions)]
mod test_hooks {
    use std::path::Path;
    use std::time::{Duration, Instant};

    /// `HUASHU_TEST_TEMP_NAME`: the name the first temporary file is tried under.
    pub fn temp_name() -> Option<String> {
        std::env::var("HUASHU_TEST_TEMP_NAME").ok()
    }

    /// `HUASHU_TEST_PAUSE_BEFORE_RENAME=FILE`: creates FILE, then waits (at most 30 s) until the
    /// test removes it, so the test can change the target file in between.
    pub fn pause_before_rename() {
        let Some(marker) = std::env::var_os("HUASHU_TEST_PAUSE_BEFORE_RENAME") else {
            return;
        };
        let marker = Path::new(&marker);
        if std::fs::write(marker, b"").is_err() {
            return;
        }
        let until = Instant::now() + Duration::from_secs(30);
        while marker.exists() && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_names_differ() {
        assert_ne!(unpredictable(), unpredictable());
    }

    #[test]
    fn replaces_and_creates() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        write_file(&p, b"one", Expect::Absent).unwrap();
        assert!(write_file(&p, b"two", Expect::Absent).is_err());
        write_file(&p, b"two", Expect::Unchanged(b"one")).unwrap();
        assert!(write_file(&p, b"three", Expect::Unchanged(b"one")).is_err());
        write_file(&p, b"three", Expect::Any).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"three");
        let left: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file is left behind");
    }
}
