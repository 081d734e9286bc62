//! `file:` URIs and paths.
//!
//! lsp-types carries URIs as text; these two functions are all the server
//! needs of them (a URL crate would bring Unicode tables for host names
//! that `file:` URIs on this machine never have).

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::Uri;

/// The path of a `file:` URI; `None` for other schemes (`untitled:`, a
/// diff view), which have no place in a migration set.
pub fn to_path(uri: &Uri) -> Option<PathBuf> {
    let text = uri.as_str();
    let scheme_end = text.find(':')?;
    if !text[..scheme_end].eq_ignore_ascii_case("file") {
        return None;
    }
    let rest = text[scheme_end + 1..].strip_prefix("//")?;
    // The authority: empty or `localhost` (a host elsewhere is not ours).
    let path_start = rest.find('/')?;
    let host = &rest[..path_start];
    if !host.is_empty() && !host.eq_ignore_ascii_case("localhost") {
        return None;
    }
    let path = rest[path_start..].split(['?', '#']).next()?;
    let decoded = String::from_utf8(percent_decode(path)).ok()?;
    Some(native(decoded))
}

/// The `file:` URI of an absolute path.
pub fn from_path(path: &Path) -> Option<Uri> {
    let text = path.to_str()?;
    let text = text.replace('\\', "/");
    let mut uri = String::from("file://");
    if !text.starts_with('/') {
        // A Windows drive path: `file:///C:/…`.
        uri.push('/');
    }
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~:".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    Uri::from_str(&uri).ok()
}

fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = bytes
            .get(i + 1..i + 3)
            .filter(|_| bytes[i] == b'%')
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    out
}

/// `/C:/x` is `C:\x` on Windows; elsewhere the path is as decoded.
fn native(path: String) -> PathBuf {
    if cfg!(windows) {
        let bytes = path.as_bytes();
        if bytes.len() >= 3 && bytes[0] == b'/' && bytes[2] == b':' {
            return PathBuf::from(path[1..].replace('/', "\\"));
        }
    }
    PathBuf::from(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(text: &str) -> Uri {
        Uri::from_str(text).unwrap()
    }

    #[test]
    fn file_uris_decode_to_paths() {
        assert_eq!(
            to_path(&uri("file:///tmp/a%20b/caf%C3%A9.sql")),
            Some(PathBuf::from("/tmp/a b/café.sql"))
        );
        assert_eq!(
            to_path(&uri("file://localhost/x.sql")),
            Some(PathBuf::from("/x.sql"))
        );
        assert_eq!(to_path(&uri("untitled:Untitled-1")), None);
        assert_eq!(to_path(&uri("file://server/share/x.sql")), None);
    }

    #[cfg(unix)]
    #[test]
    fn paths_round_trip() {
        let path = Path::new("/tmp/a b/café #1%.sql");
        let made = from_path(path).unwrap();
        assert_eq!(made.as_str(), "file:///tmp/a%20b/caf%C3%A9%20%231%25.sql");
        assert_eq!(to_path(&made).as_deref(), Some(path));
    }
}
