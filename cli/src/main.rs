//! The `fhirsig` command line.

fn main() {}
