//! Bytes to text: a UTF-8 byte-order mark is skipped, and a byte that is
//! not UTF-8 is read as `_` (one byte for one byte, so every other
//! position stays exact) and remembered, so the file's statements are
//! still linted and the bad byte is reported where it is.

/// A file's text as the rest of the pipeline reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// Bytes of the byte-order mark that were skipped (0 or 3).
    pub bom: usize,
    /// The first byte that is not UTF-8 (offset in `text`, the byte), and
    /// how many such bytes the file has.
    pub invalid: Option<(usize, u8, usize)>,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

pub fn decode(mut bytes: Vec<u8>) -> Decoded {
    let bom = if bytes.starts_with(BOM) {
        bytes.drain(..BOM.len());
        BOM.len()
    } else {
        0
    };
    match String::from_utf8(bytes) {
        Ok(text) => Decoded {
            text,
            bom,
            invalid: None,
        },
        Err(error) => {
            let mut bytes = error.into_bytes();
            let invalid = replace_invalid(&mut bytes);
            // Every invalid byte is now `_`: the rest is valid UTF-8.
            let text = String::from_utf8(bytes)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
            Decoded { text, bom, invalid }
        }
    }
}

/// Replaces every byte of every invalid sequence with `_`; returns the
/// first one and the count.
fn replace_invalid(bytes: &mut [u8]) -> Option<(usize, u8, usize)> {
    let mut first = None;
    let mut count = 0;
    let mut at = 0;
    while at < bytes.len() {
        match std::str::from_utf8(&bytes[at..]) {
            Ok(_) => break,
            Err(error) => {
                let start = at + error.valid_up_to();
                let len = error.error_len().unwrap_or(bytes.len() - start);
                first.get_or_insert((start, bytes[start]));
                for byte in &mut bytes[start..start + len] {
                    *byte = b'_';
                }
                count += len;
                at = start + len;
            }
        }
    }
    first.map(|(offset, byte)| (offset, byte, count))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bom_is_skipped() {
        let decoded = decode(b"\xEF\xBB\xBFCREATE TABLE t (x int);".to_vec());
        assert_eq!(decoded.bom, 3);
        assert!(decoded.text.starts_with("CREATE"));
    }

    #[test]
    fn invalid_bytes_keep_their_place() {
        let decoded = decode(b"SELECT 'caf\xE9';\nSELECT \xFF\xFE 1;".to_vec());
        assert_eq!(decoded.text, "SELECT 'caf_';\nSELECT __ 1;");
        assert_eq!(decoded.invalid, Some((11, 0xE9, 3)));
        let truncated = decode(b"SELECT '\xE2\x82".to_vec());
        assert_eq!(truncated.text, "SELECT '__");
    }
}
