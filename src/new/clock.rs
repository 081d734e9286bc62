//! UTC date-times for migration versions, without a date-time crate: the
//! tools' formats are few and fixed (`YYYYMMDDHHMMSS`, diesel's
//! `YYYY-MM-DD-HHMMSS`, Unix seconds and milliseconds, sqitch's ISO 8601).

use std::time::{SystemTime, UNIX_EPOCH};

/// A moment, in milliseconds since 1970-01-01T00:00:00Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Moment(pub i64);

impl Moment {
    /// The system clock (the epoch itself if the clock is before it).
    pub fn now() -> Moment {
        let millis = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        Moment(millis)
    }

    /// `2024-01-31T12:00:00Z` (fractions of a second and `+00:00` accepted).
    pub fn parse(text: &str) -> Option<Moment> {
        let text = text.trim();
        let text = text
            .strip_suffix('Z')
            .or_else(|| text.strip_suffix("+00:00"))?;
        let (seconds_part, fraction) = match text.split_once('.') {
            Some((whole, fraction)) => (whole, fraction),
            None => (text, ""),
        };
        let digits: String = seconds_part
            .chars()
            .filter(|c| !matches!(c, '-' | ':' | 'T'))
            .collect();
        if seconds_part.len() != 19 {
            return None;
        }
        let seconds = parse_digits14(&digits)?;
        let millis = match fraction {
            "" => 0,
            f if f.bytes().all(|b| b.is_ascii_digit()) => {
                format!("{f:0<3}").get(..3)?.parse::<i64>().ok()?
            }
            _ => return None,
        };
        Some(Moment(seconds * 1000 + millis))
    }

    pub fn seconds(self) -> i64 {
        self.0.div_euclid(1000)
    }
}

/// The date and time of a moment: (year, month, day, hour, minute, second).
fn civil(seconds: i64) -> (i64, u32, u32, u32, u32, u32) {
    let days = seconds.div_euclid(86_400);
    let rest = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let hour = (rest / 3600) as u32;
    let minute = (rest % 3600 / 60) as u32;
    let second = (rest % 60) as u32;
    (year, month, day, hour, minute, second)
}

/// `YYYYMMDDHHMMSS`.
pub fn timestamp14(seconds: i64) -> String {
    let (y, mo, d, h, mi, s) = civil(seconds);
    format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}")
}

/// diesel's `YYYY-MM-DD-HHMMSS`.
pub fn diesel(seconds: i64) -> String {
    let (y, mo, d, h, mi, s) = civil(seconds);
    format!("{y:04}-{mo:02}-{d:02}-{h:02}{mi:02}{s:02}")
}

/// ISO 8601 in UTC, `YYYY-MM-DDTHH:MM:SSZ` (sqitch's plan).
pub fn iso(seconds: i64) -> String {
    let (y, mo, d, h, mi, s) = civil(seconds);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

/// The moment of `YYYYMMDDHHMMSS` (or diesel's form: dashes are dropped),
/// in seconds; `None` when the digits are not a real date-time.
pub fn parse_digits14(text: &str) -> Option<i64> {
    let digits: String = text.chars().filter(|c| *c != '-').collect();
    if digits.len() != 14 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let field = |at: usize, len: usize| digits[at..at + len].parse::<i64>().ok();
    let (year, month, day) = (field(0, 4)?, field(4, 2)?, field(6, 2)?);
    let (hour, minute, second) = (field(8, 2)?, field(10, 2)?, field(12, 2)?);
    let valid = (1..=12).contains(&month)
        && (1..=days_in_month(year, month)).contains(&day)
        && hour < 24
        && minute < 60
        && second < 60;
    if !valid {
        return None;
    }
    let days = days_from_civil(year, month as u32, day as u32);
    Some(days * 86_400 + hour * 3600 + minute * 60 + second)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of a day number since 1970-01-01 (`civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for text in [
            "19700101000000",
            "20240229235959",
            "20260101120000",
            "21000301000000",
        ] {
            let seconds = parse_digits14(text).unwrap();
            assert_eq!(timestamp14(seconds), text);
        }
        assert_eq!(parse_digits14("19700101000001"), Some(1));
        assert_eq!(parse_digits14("20230229000000"), None);
        assert_eq!(parse_digits14("20241301000000"), None);
        assert_eq!(diesel(0), "1970-01-01-000000");
        assert_eq!(iso(86_400 + 61), "1970-01-02T00:01:01Z");
    }

    #[test]
    fn moments() {
        let moment = Moment::parse("2024-01-31T12:00:00Z").unwrap();
        assert_eq!(timestamp14(moment.seconds()), "20240131120000");
        assert_eq!(
            Moment::parse("2024-01-31T12:00:00.25Z").unwrap().0 % 1000,
            250
        );
        assert_eq!(Moment::parse("2024-01-31 12:00:00"), None);
        assert_eq!(Moment::parse("2024-02-30T12:00:00Z"), None);
    }
}
