//! Report text that costs nothing to copy when it is fixed or shared.
//!
//! A batch builds two dozen checks per record; most of their messages and evidence keys are
//! fixed text, and much of the rest (a chain's anchor, a certificate's validity, the
//! verification time) is the same for every record. [`Text`] keeps fixed text unallocated and
//! lets such repeated values be shared: cloning a check copies a pointer, not the string.

use core::fmt;
use core::ops::Deref;
use std::borrow::Cow;
use std::sync::Arc;

/// A message or evidence value of a [`Check`](super::Check): fixed, owned, or shared.
///
/// Compares, hashes and prints as the `str` it holds, whichever form holds it.
#[derive(Clone)]
pub enum Text {
    /// Fixed text (no allocation).
    Fixed(&'static str),
    /// Text made for one check.
    Owned(String),
    /// Text shared with other checks (a clone is a reference count).
    Shared(Arc<str>),
}

impl Text {
    /// The text.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Fixed(text) => text,
            Self::Owned(text) => text,
            Self::Shared(text) => text,
        }
    }

    /// The same text in a form whose clones share it (owned text is moved into an `Arc`).
    #[must_use]
    pub fn into_shared(self) -> Self {
        match self {
            Self::Owned(text) => Self::Shared(Arc::from(text)),
            other => other,
        }
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Text {}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Text {
    fn cmp(&self, other: &Self) -> core::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl core::hash::Hash for Text {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&'static str> for Text {
    fn from(text: &'static str) -> Self {
        Self::Fixed(text)
    }
}

impl From<String> for Text {
    fn from(text: String) -> Self {
        Self::Owned(text)
    }
}

impl From<Arc<str>> for Text {
    fn from(text: Arc<str>) -> Self {
        Self::Shared(text)
    }
}

impl From<&Arc<str>> for Text {
    fn from(text: &Arc<str>) -> Self {
        Self::Shared(Arc::clone(text))
    }
}

impl From<Cow<'static, str>> for Text {
    fn from(text: Cow<'static, str>) -> Self {
        match text {
            Cow::Borrowed(text) => Self::Fixed(text),
            Cow::Owned(text) => Self::Owned(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_compares_orders_and_prints_as_its_text() {
        let forms = [
            Text::from("not-after"),
            Text::from("not-after".to_owned()),
            Text::from(Arc::<str>::from("not-after")),
        ];
        for a in &forms {
            assert_eq!(a.to_string(), "not-after");
            assert_eq!(format!("{a:?}"), "\"not-after\"");
            for b in &forms {
                assert_eq!(a, b);
                assert_eq!(a.cmp(b), core::cmp::Ordering::Equal);
            }
            let (later, shorter) = (Text::from("not-before"), Text::from("not-afte"));
            assert!(*a < later);
            assert!(*a != shorter && *a != "not-afte");
        }
    }

    #[test]
    fn shared_text_is_not_copied_by_a_clone() {
        let shared = Text::from("2027-06-15T23:12:39Z".to_owned()).into_shared();
        let clone = shared.clone();
        assert!(core::ptr::eq(shared.as_str(), clone.as_str()), "one string");
        let owned = Text::from("x".to_owned());
        assert!(
            !core::ptr::eq(owned.as_str(), owned.clone().as_str()),
            "owned text is copied"
        );
        assert!(matches!(Text::from("fixed").into_shared(), Text::Fixed(_)));
    }
}
