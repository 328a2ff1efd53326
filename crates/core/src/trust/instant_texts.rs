//! RFC 3339 texts of the instants a validator reports for every signature of a batch (the
//! verification time, the signer certificate's validity, a common `sigT`), formatted once and
//! shared by the reports that show them.

use std::sync::{Arc, Mutex};

use rustls_pki_types::UnixTime;

use super::times::format_rfc3339;
use crate::report::Text;

/// Texts remembered: the instants of one signature's time checks (verification time, sigT,
/// notBefore, notAfter) with room for a second chain's.
const SLOTS: usize = 8;

/// What a remembered text says about its instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Form {
    /// The instant itself, `2027-06-15T23:12:39Z`.
    Instant,
    /// The time-policy message, `certificates validated at 2027-06-15T23:12:39Z`.
    ValidatedAt,
}

impl Form {
    fn render(self, at: UnixTime) -> String {
        match self {
            Self::Instant => format_rfc3339(at),
            Self::ValidatedAt => format!("certificates validated at {}", format_rfc3339(at)),
        }
    }
}

/// A small most-recently-made store of instant texts, shared by a validator's clones. A miss
/// formats the text (as without the store); a hit shares the text made before.
#[derive(Debug, Default)]
pub(crate) struct InstantTexts {
    slots: Mutex<Slots>,
}

#[derive(Debug, Default)]
struct Slots {
    entries: [Option<(Form, u64, Arc<str>)>; SLOTS],
    next: usize,
}

impl InstantTexts {
    /// The text of `at` in `form`.
    pub(crate) fn text(&self, form: Form, at: UnixTime) -> Text {
        let secs = at.as_secs();
        let Ok(mut slots) = self.slots.lock() else {
            return Text::Owned(form.render(at));
        };
        let hit = slots
            .entries
            .iter()
            .flatten()
            .find_map(|(f, s, text)| (*f == form && *s == secs).then(|| Arc::clone(text)));
        if let Some(text) = hit {
            return Text::Shared(text);
        }
        let text: Arc<str> = Arc::from(form.render(at));
        let next = slots.next;
        slots.entries[next] = Some((form, secs, Arc::clone(&text)));
        slots.next = (next + 1) % SLOTS;
        Text::Shared(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trust::times::from_secs;

    #[test]
    fn a_remembered_text_is_the_text_formatted_now() {
        let texts = InstantTexts::default();
        // More distinct instants than slots, each asked for twice, in both forms.
        for round in 0..2 {
            for secs in (0..3 * SLOTS as u64).map(|i| 1_600_000_000 + i * 86_399) {
                let at = from_secs(secs);
                assert_eq!(texts.text(Form::Instant, at).as_str(), format_rfc3339(at));
                assert_eq!(
                    texts.text(Form::ValidatedAt, at).as_str(),
                    format!("certificates validated at {}", format_rfc3339(at)),
                    "round {round}"
                );
            }
        }
    }

    #[test]
    fn a_repeated_instant_shares_one_text() {
        let texts = InstantTexts::default();
        let at = from_secs(1_800_000_000);
        let first = texts.text(Form::Instant, at);
        let again = texts.text(Form::Instant, at);
        assert!(core::ptr::eq(first.as_str(), again.as_str()));
        let other_form = texts.text(Form::ValidatedAt, at);
        assert_ne!(first, other_form);
    }
}
