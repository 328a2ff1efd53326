//! The level a validation policy gives a check (EU DSS constraint levels).

use core::fmt;

/// How much a check's finding counts (EU DSS's `Level`: FAIL, WARN, INFORM, IGNORE).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[non_exhaustive]
pub enum Level {
    /// A failure fails the signature, and a check the verdict needs must pass.
    #[default]
    Fail,
    /// A failure is reported as a warning; the verdict no longer needs the check.
    Warn,
    /// A failure or warning is reported as information.
    Inform,
    /// The finding is reported as ignored.
    Ignore,
}

impl Level {
    /// Every level, strongest first.
    pub const ALL: [Level; 4] = [Level::Fail, Level::Warn, Level::Inform, Level::Ignore];

    /// The stable lower-case name: `fail`, `warn`, `inform` or `ignore`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Level::Fail => "fail",
            Level::Warn => "warn",
            Level::Inform => "inform",
            Level::Ignore => "ignore",
        }
    }

    /// The level named `text` (any case: `FAIL` as in EU DSS files, or `fail`).
    pub fn from_name(text: &str) -> Option<Level> {
        Level::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(text))
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
