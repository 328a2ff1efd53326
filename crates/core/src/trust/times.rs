//! Which instant certificates are validated at: the caller's time policy and the instants it
//! supplies. The library never reads the clock.

use core::time::Duration;

use rustls_pki_types::UnixTime;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// The instant at which certificate validity, the path and revocation are evaluated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimePolicy {
    /// At the verification time (the default). A `sigT` outside the signer certificate's
    /// validity is reported as a warning, because `sigT` is only a claim of the signer.
    #[default]
    VerificationTime,
    /// At the signer's claimed signing time (`sigT`); a `sigT` outside the signer certificate's
    /// validity fails. Without a `sigT` the validation fails with a format failure.
    SigningTime,
    /// At an instant the caller vouches for (e.g. from a trusted timestamp or an audit log).
    At(UnixTime),
}

impl TimePolicy {
    /// Stable kebab-case name: `verification-time`, `signing-time` or `given-instant`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::VerificationTime => "verification-time",
            Self::SigningTime => "signing-time",
            Self::At(_) => "given-instant",
        }
    }
}

/// The instants a validation may use, and the policy choosing among them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ValidationTimes {
    verification: UnixTime,
    sig_t: Option<UnixTime>,
    policy: TimePolicy,
}

impl ValidationTimes {
    /// Validation at `verification` (normally "now", read by the caller), default policy.
    pub fn at(verification: UnixTime) -> Self {
        Self {
            verification,
            sig_t: None,
            policy: TimePolicy::VerificationTime,
        }
    }

    /// Adds the signer's claimed signing time (JAdES `sigT`).
    #[must_use]
    pub fn with_sig_t(mut self, sig_t: UnixTime) -> Self {
        self.sig_t = Some(sig_t);
        self
    }

    /// Chooses the time policy.
    #[must_use]
    pub fn with_policy(mut self, policy: TimePolicy) -> Self {
        self.policy = policy;
        self
    }

    /// The verification time.
    pub fn verification(&self) -> UnixTime {
        self.verification
    }

    /// The claimed signing time, if given.
    pub fn sig_t(&self) -> Option<UnixTime> {
        self.sig_t
    }

    /// The policy.
    pub fn policy(&self) -> TimePolicy {
        self.policy
    }

    /// The instant the policy selects; `None` for [`TimePolicy::SigningTime`] without `sigT`.
    pub fn instant(&self) -> Option<UnixTime> {
        match self.policy {
            TimePolicy::VerificationTime => Some(self.verification),
            TimePolicy::SigningTime => self.sig_t,
            TimePolicy::At(t) => Some(t),
        }
    }
}

/// Parses an RFC 3339 instant such as `2020-10-23T04:54:56.048+00:00` (fractions truncated to
/// whole seconds). Returns `None` for malformed text or instants before 1970.
pub fn parse_rfc3339(text: &str) -> Option<UnixTime> {
    let parsed = OffsetDateTime::parse(text, &Rfc3339).ok()?;
    let secs = u64::try_from(parsed.unix_timestamp()).ok()?;
    Some(UnixTime::since_unix_epoch(Duration::from_secs(secs)))
}

/// Formats an instant as RFC 3339 UTC (`2026-06-01T00:00:00Z`), or `@SECONDS` for an instant
/// outside the years 0000-9999 that RFC 3339 can write.
pub fn format_rfc3339(t: UnixTime) -> String {
    use std::fmt::Write as _;
    let date = i64::try_from(t.as_secs())
        .ok()
        .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())
        .filter(|d| (0..=9999).contains(&d.year()));
    let Some(d) = date else {
        return format!("@{}", t.as_secs());
    };
    // Written directly into a string of the exact size: a report formats a dozen instants per
    // signature, and `time`'s formatter grows a buffer from empty for each.
    let mut out = String::with_capacity(20);
    let _ = write!(
        out,
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        d.year(),
        u8::from(d.month()),
        d.day(),
        d.hour(),
        d.minute(),
        d.second()
    );
    out
}

/// An instant from whole seconds since the Unix epoch.
pub(crate) fn from_secs(secs: u64) -> UnixTime {
    UnixTime::since_unix_epoch(Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_cdex_sig_t() {
        let t = parse_rfc3339("2020-10-23T04:54:56.048+00:00").unwrap();
        assert_eq!(format_rfc3339(t), "2020-10-23T04:54:56Z");
        assert_eq!(parse_rfc3339("yesterday"), None);
        assert_eq!(parse_rfc3339("1960-01-01T00:00:00Z"), None);
    }

    #[test]
    fn formats_as_the_rfc3339_formatter_does() {
        // Every year to 9999, at a different second of the day each time.
        for secs in (0..253_402_300_799u64).step_by(2_534_023) {
            let expected = OffsetDateTime::from_unix_timestamp(secs as i64)
                .ok()
                .and_then(|d| d.format(&Rfc3339).ok());
            assert_eq!(Some(format_rfc3339(from_secs(secs))), expected, "{secs}");
        }
        // 9999-12-31T23:59:59Z is the last instant RFC 3339 writes.
        assert_eq!(
            format_rfc3339(from_secs(253_402_300_799)),
            "9999-12-31T23:59:59Z"
        );
        assert_eq!(format_rfc3339(from_secs(253_402_300_800)), "@253402300800");
        assert_eq!(
            format_rfc3339(from_secs(u64::MAX)),
            format!("@{}", u64::MAX)
        );
    }

    #[test]
    fn policy_selects_the_instant() {
        let now = from_secs(2_000_000_000);
        let sig_t = from_secs(1_600_000_000);
        let times = ValidationTimes::at(now).with_sig_t(sig_t);
        assert_eq!(times.instant(), Some(now));
        assert_eq!(
            times.with_policy(TimePolicy::SigningTime).instant(),
            Some(sig_t)
        );
        let given = from_secs(5);
        assert_eq!(
            times.with_policy(TimePolicy::At(given)).instant(),
            Some(given)
        );
        let no_sig_t = ValidationTimes::at(now).with_policy(TimePolicy::SigningTime);
        assert_eq!(no_sig_t.instant(), None);
    }
}
