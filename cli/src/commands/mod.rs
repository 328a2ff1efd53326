//! One module per subcommand.

pub mod canon;
pub mod demo;
pub mod provenance;
