//! The version of a new migration: as its tool numbers it, strictly after
//! the newest version of the set, even when the clock is behind.

use crate::discover::layout::{Numbering, Scheme};

use super::clock::{self, Moment};

/// The version text for a new migration. `newest` is the newest version
/// of the set as written (`20240113090000`, `2024-01-13-090000`, `0010`,
/// Flyway's `2.1`).
pub fn next(numbering: Numbering, newest: Option<&str>, now: Moment) -> String {
    let scheme = match numbering {
        Numbering::Fixed(scheme) => scheme,
        Numbering::LikeTheSet(first) => newest.map_or(first, infer),
        // Callers do not number planned layouts.
        Numbering::Planned => return String::new(),
    };
    in_scheme(scheme, newest, now)
}

/// The scheme a version is written in.
pub fn infer(version: &str) -> Scheme {
    let digits = version.bytes().all(|b| b.is_ascii_digit());
    if version.contains('-') && clock::parse_digits14(diesel_digits(version)).is_some() {
        Scheme::DieselTimestamp
    } else if digits && version.len() == 14 && clock::parse_digits14(version).is_some() {
        Scheme::Timestamp
    } else if digits && version.len() == 13 {
        Scheme::UnixMillis
    } else if digits && version.len() == 10 && version.starts_with('1') {
        Scheme::UnixSeconds
    } else {
        Scheme::Sequence {
            width: leading_digits(version).len().max(1),
        }
    }
}

fn in_scheme(scheme: Scheme, newest: Option<&str>, now: Moment) -> String {
    match scheme {
        Scheme::Timestamp => {
            let after = newest.and_then(clock::parse_digits14);
            clock::timestamp14(after_seconds(now, after))
        }
        Scheme::DieselTimestamp => {
            let after = newest.and_then(|v| clock::parse_digits14(diesel_digits(v)));
            clock::diesel(after_seconds(now, after))
        }
        Scheme::UnixSeconds => {
            let after = newest.and_then(|v| v.parse::<i64>().ok());
            after_seconds(now, after).to_string()
        }
        Scheme::UnixMillis => {
            let after = newest.and_then(|v| v.parse::<i64>().ok());
            match after {
                Some(newest) if newest >= now.0 => newest.saturating_add(1),
                _ => now.0,
            }
            .to_string()
        }
        Scheme::Sequence { width } => match newest.map(leading_digits) {
            Some(digits) if !digits.is_empty() => increment(digits),
            _ => format!("{:0width$}", 1),
        },
    }
}

/// Now, or a second after the newest version when the clock is behind it.
fn after_seconds(now: Moment, newest: Option<i64>) -> i64 {
    match newest {
        Some(newest) if newest >= now.seconds() => newest.saturating_add(1),
        _ => now.seconds(),
    }
}

/// diesel's `2024-01-13-090000` and `2024-01-13-090000-0000`: the
/// timestamp's part.
fn diesel_digits(version: &str) -> &str {
    version.get(..17).unwrap_or(version)
}

/// The major version: the digits before the first `.` or `_` (Flyway's
/// `2.1` → `2`).
fn leading_digits(version: &str) -> &str {
    let end = version
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(version.len());
    &version[..end]
}

/// A decimal number plus one, as text of any length, keeping its zero
/// padding (`0009` → `0010`, `99` → `100`).
fn increment(digits: &str) -> String {
    let mut bytes = digits.as_bytes().to_vec();
    for byte in bytes.iter_mut().rev() {
        if *byte == b'9' {
            *byte = b'0';
        } else {
            *byte += 1;
            return String::from_utf8_lossy(&bytes).into_owned();
        }
    }
    format!("1{}", String::from_utf8_lossy(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Moment {
        Moment::parse(text).unwrap()
    }

    #[test]
    fn timestamps_follow_the_clock_but_never_go_back() {
        let now = at("2024-02-01T12:00:00Z");
        let numbering = Numbering::Fixed(Scheme::Timestamp);
        assert_eq!(
            next(numbering, Some("20240113090000"), now),
            "20240201120000"
        );
        assert_eq!(
            next(numbering, Some("20300101000000"), now),
            "20300101000001"
        );
        assert_eq!(
            next(numbering, Some("20301231235959"), now),
            "20310101000000"
        );
        assert_eq!(next(numbering, None, now), "20240201120000");
        let diesel = Numbering::Fixed(Scheme::DieselTimestamp);
        assert_eq!(
            next(diesel, Some("2030-01-01-000000-0000"), now),
            "2030-01-01-000001"
        );
        assert_eq!(
            next(diesel, Some("00000000000000"), now),
            "2024-02-01-120000"
        );
        let hasura = Numbering::Fixed(Scheme::UnixMillis);
        assert_eq!(next(hasura, Some("10"), now), "1706788800000");
        assert_eq!(next(hasura, Some("9999999999999"), now), "10000000000000");
    }

    #[test]
    fn sequences_keep_their_width() {
        let now = at("2024-02-01T12:00:00Z");
        let like = Numbering::LikeTheSet(Scheme::Sequence { width: 4 });
        assert_eq!(next(like, None, now), "0001");
        assert_eq!(next(like, Some("0009"), now), "0010");
        assert_eq!(next(like, Some("10"), now), "11");
        assert_eq!(next(like, Some("999"), now), "1000");
        assert_eq!(next(like, Some("2.1"), now), "3");
        assert_eq!(next(like, Some("1528395787"), now), "1706788800");
        let sqlx = Numbering::LikeTheSet(Scheme::Timestamp);
        assert_eq!(next(sqlx, Some("0002"), now), "0003");
        assert_eq!(next(sqlx, Some("20240113090000"), now), "20240201120000");
    }
}
