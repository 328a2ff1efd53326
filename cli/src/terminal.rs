//! Untrusted text made safe to show on a terminal.
//!
//! Certificate names, header values, Signature fields and file names come from whoever made the
//! input. Printed raw, an ESC sequence in a certificate's CN can move the cursor and repaint a
//! "NOT VERIFIED" line as a green "verified", and a bidi override can make text read backwards.
//! Everything shown to a person that came from an input goes through [`escape`] (one field) or
//! [`escape_lines`] (a whole rendered report). JSON output never does: JSON's own escaping is
//! exact, and a program reading it wants the bytes as they are.

use std::borrow::Cow;
use std::fmt::Write as _;

/// True for the characters a terminal may act on instead of showing: C0 controls (including
/// ESC, tab and newline), DEL, C1 controls (U+0080 to U+009F, which some terminals also take as
/// escape sequences); every character of Unicode's `Bidi_Control` property (the marks U+061C,
/// U+200E and U+200F, the embeddings and overrides U+202A to U+202E, the isolates U+2066 to
/// U+2069), which reorder the text around them; and the line and paragraph separators U+2028
/// and U+2029, which some terminals and viewers break lines at.
fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}'
        | '\u{7f}'..='\u{9f}'
        | '\u{61c}'
        | '\u{200e}'
        | '\u{200f}'
        | '\u{2028}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}')
}

/// Escapes `text` for one line of human-readable output: every unsafe character (see above)
/// becomes visible text, `\x1b` for a control below U+0080 (ESC here) and `\u{202e}` for the
/// others. Text without such characters is returned as it is, without copying.
///
/// A backslash is left alone, so the escaped form of `a\x1bb` and the literal text `a\x1bb`
/// look alike; what matters is that neither can reach the terminal as a control.
pub(crate) fn escape(text: &str) -> Cow<'_, str> {
    escape_except(text, None)
}

/// As [`escape`], but newlines are kept: for a whole rendered report whose lines are its own
/// (a field with a newline inside it can then still start a line of its own; escape fields
/// with [`escape`] where they are known).
pub(crate) fn escape_lines(text: &str) -> Cow<'_, str> {
    escape_except(text, Some('\n'))
}

fn escape_except(text: &str, keep: Option<char>) -> Cow<'_, str> {
    let unsafe_char = |c: char| is_unsafe(c) && Some(c) != keep;
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !unsafe_char(c) {
            out.push(c);
        } else if u32::from(c) < 0x80 {
            let _ = write!(out, "\\x{:02x}", u32::from(c));
        } else {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_overrides_are_escaped() {
        assert_eq!(escape("CN=\u{1b}[32mok\u{1b}[0m"), "CN=\\x1b[32mok\\x1b[0m");
        assert_eq!(escape("a\tb\nc\rd\u{7f}"), "a\\x09b\\x0ac\\x0dd\\x7f");
        assert_eq!(escape("\u{85}\u{9b}"), "\\u{85}\\u{9b}");
        assert_eq!(escape("abc\u{202e}fdp.exe"), "abc\\u{202e}fdp.exe");
        assert_eq!(escape("\u{2066}x\u{2069}"), "\\u{2066}x\\u{2069}");
        assert_eq!(
            escape("\u{61c}\u{200e}\u{200f}a\u{2028}b\u{2029}"),
            "\\u{61c}\\u{200e}\\u{200f}a\\u{2028}b\\u{2029}"
        );
    }

    #[test]
    fn ordinary_text_is_not_copied() {
        for text in ["CN=Dr. Ana Müller, O=Klinik", "שלום", "日本語", "a\\x1b"] {
            assert!(matches!(escape(text), Cow::Borrowed(t) if t == text));
        }
        // Neighbours of the escaped ranges stay as they are.
        assert_eq!(
            escape("\u{a0}\u{61b}\u{61d}\u{200d}\u{2027}\u{202f}\u{2065}\u{206a}"),
            "\u{a0}\u{61b}\u{61d}\u{200d}\u{2027}\u{202f}\u{2065}\u{206a}"
        );
    }

    #[test]
    fn whole_reports_keep_their_newlines() {
        assert_eq!(
            escape_lines("line 1 \u{1b}[2K\nline 2\n"),
            "line 1 \\x1b[2K\nline 2\n"
        );
    }
}
