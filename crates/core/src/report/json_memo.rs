//! The JSON of a shared check, rendered once for all the reports that hold a clone of it.
//!
//! A batch clones the checks that depend only on a certificate chain into every record's
//! report; writing their JSON again for each record cost as much as building them did. The
//! clones of a shared check share one memo per level (the validation policy sets the level of
//! each clone, and the level is part of the JSON); any other change to a clone detaches it.

use core::fmt;
use std::sync::{Arc, OnceLock};

use super::Level;

/// A check's JSON, once rendered.
type Rendered = OnceLock<Box<[u8]>>;

/// The rendered JSON of a check at each [`Level`], filled on first use; absent for a check
/// that is not shared.
#[derive(Clone, Default)]
pub(crate) struct JsonMemo(Option<Arc<[Rendered; 4]>>);

impl JsonMemo {
    /// An empty memo, to be shared by the clones of one check.
    pub(crate) fn new() -> Self {
        JsonMemo(Some(Arc::default()))
    }

    /// Detaches from the shared memo (the check changed in more than its level).
    pub(crate) fn forget(&mut self) {
        self.0 = None;
    }

    /// The memo for the check's JSON at `level`.
    pub(crate) fn at(&self, level: Level) -> Option<&Rendered> {
        let index = match level {
            Level::Fail => 0,
            Level::Warn => 1,
            Level::Inform => 2,
            Level::Ignore => 3,
        };
        self.0.as_deref().map(|memos| &memos[index])
    }
}

/// A memo is a cache of what the rest of the check says: it takes no part in comparisons.
impl PartialEq for JsonMemo {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for JsonMemo {}

impl fmt::Debug for JsonMemo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "JsonMemo(shared)"
        } else {
            "JsonMemo(none)"
        })
    }
}
