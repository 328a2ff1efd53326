//! Editing JSON text in place instead of re-serialising it: a member inserted into an object,
//! elements appended to an array, or a value replaced, with every other byte of the input (member
//! order, white space, number spellings) kept as it was. Only the new text is written, indented
//! like the text around it, so a signature over an untouched part of the document stays valid.
//!
//! ```
//! use fhirsig_jcs::edit::{insert_member, JsonObject, Style};
//!
//! let text = "{\n  \"a\": 1\n}\n";
//! let doc = fhirsig_jcs::parse(text.as_bytes())?;
//! let value = JsonObject::new().string("b", "x").finish();
//! let out = insert_member(text, doc.root(), "c", value.as_str(), Style::Neighbours)?;
//! assert_eq!(out, "{\n  \"a\": 1,\n  \"c\": {\n    \"b\": \"x\"\n  }\n}\n");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
mod layout;
mod render;
mod splice;
mod writer;

#[cfg(test)]
mod tests;

pub use error::EditError;
pub use layout::Style;
pub use render::{reindent, Layout, WriteJson};
pub use splice::{append_elements, append_to_array_member, insert_member, replace_value};
pub use writer::JsonObject;
