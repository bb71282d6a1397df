//! File URIs and paths. Editors name documents by URI (`file:///home/店/%E8%AF%9D%E6%9C%AF.txt`,
//! `file:///c%3A/Users/a.txt`); huashu reads files and finds configs by path. Documents the editor has
//! open are always answered under the URI the editor gave; URIs made here are only for files it has
//! not opened (a config or pack with errors, an explanation page).

use crate::input::percent_encode_path;
use lsp_types::Uri;
use std::path::{Path, PathBuf};
use std::str::FromStr;

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hi = hex(*bytes.get(i + 1)?)?;
            let lo = hex(*bytes.get(i + 2)?)?;
            out.push(hi << 4 | lo);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The path of a `file:` URI; `None` for other schemes (`untitled:`) and URIs that name no local file.
pub fn to_path(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str();
    let (scheme, rest) = s.split_once(':')?;
    if !scheme.eq_ignore_ascii_case("file") {
        return None;
    }
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let rest = rest.strip_prefix("//")?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let path = percent_decode(path)?;
    let authority = percent_decode(authority)?;
    if cfg!(windows) {
        // /c:/a → c:\a; a host is a UNC share: \\host\share\a.
        let local = path.strip_prefix('/').unwrap_or(&path);
        let is_drive = local.len() >= 2
            && local.as_bytes()[0].is_ascii_alphabetic()
            && local.as_bytes()[1] == b':';
        let p = if !authority.is_empty() && !authority.eq_ignore_ascii_case("localhost") {
            format!(r"\\{authority}{}", path.replace('/', "\\"))
        } else if is_drive {
            local.replace('/', "\\")
        } else {
            path.replace('/', "\\")
        };
        return Some(PathBuf::from(p));
    }
    if !authority.is_empty() && !authority.eq_ignore_ascii_case("localhost") {
        return None;
    }
    Some(PathBuf::from(path))
}

/// A `file:` URI for an absolute path, every byte outside the unreserved set percent-encoded (as VS
/// Code writes them, so `:` of a drive becomes `%3A`).
pub fn from_path(path: &Path) -> Option<Uri> {
    let s = path.to_str()?;
    let mut p = s.replace('\\', "/");
    if cfg!(windows) {
        if let Some(unc) = p.strip_prefix("//") {
            // \\host\share\a → file://host/share/a
            let (host, rest) = unc.split_once('/').unwrap_or((unc, ""));
            return Uri::from_str(&format!("file://{host}/{}", percent_encode_path(rest))).ok();
        }
        if !p.starts_with('/') {
            p.insert(0, '/');
        }
    }
    if !p.starts_with('/') {
        return None;
    }
    Uri::from_str(&format!("file://{}", percent_encode_path(&p))).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(s: &str) -> Uri {
        Uri::from_str(s).unwrap()
    }

    #[cfg(unix)]
    #[test]
    fn chinese_paths_round_trip() {
        let u = uri("file:///home/%E5%BA%97/%E8%AF%9D%E6%9C%AF%20a.txt");
        assert_eq!(to_path(&u), Some(PathBuf::from("/home/店/话术 a.txt")));
        let back = from_path(Path::new("/home/店/话术 a.txt")).unwrap();
        assert_eq!(back.as_str(), u.as_str());
        assert_eq!(to_path(&uri("untitled:Untitled-1")), None);
        assert_eq!(
            to_path(&uri("file://localhost/a.txt")),
            Some(PathBuf::from("/a.txt"))
        );
    }
}
