//! FHIR `instant` and `dateTime` values, checked lexically (nothing here reads the clock).

use std::fmt;

/// A FHIR `instant`: `YYYY-MM-DDThh:mm:ss[.fff](Z|±hh:mm)`, e.g. `2024-05-02T10:00:00Z`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Instant(String);

/// A FHIR `dateTime`: `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, or a full instant-like time with zone.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DateTime(String);

/// A time value that is not a valid FHIR `instant` or `dateTime`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidTime {
    /// The text as given.
    pub text: String,
    /// `instant` or `dateTime`.
    pub expected: &'static str,
}

impl fmt::Display for InvalidTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let example = if self.expected == "instant" {
            "2024-05-02T10:00:00Z"
        } else {
            "2024-05-01, or 2024-05-01T09:30:00-05:00"
        };
        write!(
            f,
            "{:?} is not a FHIR {} (e.g. {example})",
            self.text, self.expected
        )
    }
}

impl std::error::Error for InvalidTime {}

impl Instant {
    /// Checks and wraps an instant.
    ///
    /// # Errors
    /// [`InvalidTime`] when `text` is not a FHIR instant.
    pub fn parse(text: &str) -> Result<Self, InvalidTime> {
        if is_instant(text) {
            Ok(Instant(text.to_owned()))
        } else {
            Err(InvalidTime {
                text: text.to_owned(),
                expected: "instant",
            })
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl DateTime {
    /// Checks and wraps a dateTime.
    ///
    /// # Errors
    /// [`InvalidTime`] when `text` is not a FHIR dateTime.
    pub fn parse(text: &str) -> Result<Self, InvalidTime> {
        if is_date_time(text) {
            Ok(DateTime(text.to_owned()))
        } else {
            Err(InvalidTime {
                text: text.to_owned(),
                expected: "dateTime",
            })
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<Instant> for DateTime {
    fn from(i: Instant) -> Self {
        DateTime(i.0)
    }
}

fn digits(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(u8::is_ascii_digit)
}

fn num(s: &[u8]) -> u32 {
    s.iter()
        .fold(0u32, |acc, d| acc * 10 + u32::from(d.saturating_sub(b'0')))
}

fn date_ok(s: &[u8]) -> bool {
    match s.len() {
        4 => digits(s),
        7 => {
            digits(&s[..4]) && s[4] == b'-' && digits(&s[5..7]) && (1..=12).contains(&num(&s[5..7]))
        }
        10 => {
            date_ok(&s[..7])
                && s[7] == b'-'
                && digits(&s[8..10])
                && (1..=31).contains(&num(&s[8..10]))
        }
        _ => false,
    }
}

/// `hh:mm:ss[.f+](Z|±hh:mm)`.
fn time_ok(s: &[u8]) -> bool {
    if s.len() < 9
        || !(digits(&s[0..2])
            && s[2] == b':'
            && digits(&s[3..5])
            && s[5] == b':'
            && digits(&s[6..8]))
    {
        return false;
    }
    if num(&s[0..2]) > 23 || num(&s[3..5]) > 59 || num(&s[6..8]) > 60 {
        return false;
    }
    let mut rest = &s[8..];
    if rest.first() == Some(&b'.') {
        let n = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return false;
        }
        rest = &rest[1 + n..];
    }
    match rest {
        b"Z" => true,
        [sign, h1, h2, b':', m1, m2] if (*sign == b'+' || *sign == b'-') => {
            digits(&[*h1, *h2, *m1, *m2]) && num(&[*h1, *h2]) <= 14 && num(&[*m1, *m2]) <= 59
        }
        _ => false,
    }
}

/// Whether `text` is a FHIR instant.
pub fn is_instant(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() > 11 && date_ok(&b[..10]) && b[10] == b'T' && time_ok(&b[11..])
}

/// Whether `text` is a FHIR dateTime.
pub fn is_date_time(text: &str) -> bool {
    let b = text.as_bytes();
    match b.len() {
        4 | 7 | 10 => date_ok(b),
        _ => is_instant(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_and_date_times() {
        for ok in [
            "2024-05-02T10:00:00Z",
            "2020-10-23T04:54:56.048+00:00",
            "2024-12-31T23:59:60-05:00",
        ] {
            assert!(is_instant(ok), "{ok}");
            assert!(is_date_time(ok), "{ok}");
        }
        for ok in ["2024", "2024-05", "2024-05-01"] {
            assert!(is_date_time(ok), "{ok}");
            assert!(!is_instant(ok), "{ok}");
        }
        for bad in [
            "",
            "2024-5-1",
            "2024-05-02T10:00Z",
            "2024-05-02T10:00:00",
            "2024-13-01",
            "2024-05-02 10:00:00Z",
            "2024-05-02T10:00:00.Z",
            "2024-05-02T10:00:00+0500",
        ] {
            assert!(!is_date_time(bad), "{bad}");
        }
    }
}
