//! Reading inputs and writing outputs: `-` is standard input or output, files are written
//! safely (see [`safe_write::write_file`]: never half a file, never through a planted link,
//! never over an input or a device), and a closed pipe on standard output ends the program
//! quietly.
//!
//! Unix only, like the rest of the command line: it relies on device and inode numbers, file
//! modes and `O_NOFOLLOW`.

mod atomic_replace;
mod follow_symlinks;
mod input_registry;
mod output;
mod read;
mod safe_write;
mod standard_streams;

pub use follow_symlinks::{follow_symlinks, set_follow_symlinks};
pub use input_registry::{note_input, note_input_metadata, note_stdin};
pub use output::Output;
pub use read::{read_capped, read_error, read_input, read_option_file};
pub use safe_write::{check_writable, write_atomically, write_in_place, write_private_atomically};
pub use standard_streams::{
    diagnostic, stdout_closed, with_raw_stdout, write_stdout, write_stdout_parts,
};
