//! `fhirsig completions SHELL` and `fhirsig man`: shell completion scripts and roff manual
//! pages, generated from the command-line definition itself so they never drift from it.

use std::path::{Path, PathBuf};

use clap::Args;
use clap_complete::Shell;

use crate::error::{CliError, Status};
use crate::io::{write_atomically, write_stdout};

/// Arguments of `fhirsig completions`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  fhirsig completions bash > ~/.local/share/bash-completion/completions/fhirsig
  fhirsig completions zsh > ~/.zfunc/_fhirsig          (with fpath+=~/.zfunc in ~/.zshrc)
  fhirsig completions fish > ~/.config/fish/completions/fhirsig.fish
  fhirsig completions powershell >> $PROFILE

The script is written to standard output.
Exit status: 0 success, 2 unknown shell.")]
pub struct CompletionsArgs {
    /// The shell to write a completion script for.
    #[arg(value_name = "SHELL", value_enum)]
    shell: Shell,
}

/// Arguments of `fhirsig man`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  fhirsig man | man -l -                   read the fhirsig(1) page now
  fhirsig man --out /usr/local/share/man/man1     fhirsig.1 and one page per subcommand

Without --out, fhirsig.1 is written to standard output. With --out, the folder (created if
needed) receives fhirsig.1 and one page per subcommand (fhirsig-verify.1, fhirsig-cert-verify.1,
…), each replaced atomically; their names are listed on standard output.
Exit status: 0 success, 2 the folder cannot be written.")]
pub struct ManArgs {
    /// Write every page into this folder instead of fhirsig.1 to standard output.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

/// Runs `fhirsig completions`: the script for `args.shell`, on standard output.
pub fn completions(args: CompletionsArgs, mut command: clap::Command) -> Result<Status, CliError> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "fhirsig", &mut script);
    write_stdout(&script)?;
    Ok(Status::Success)
}

/// Runs `fhirsig man`: the root page on standard output, or every page into `--out`.
pub fn man(args: ManArgs, command: clap::Command) -> Result<Status, CliError> {
    let mut command = command.disable_help_subcommand(true);
    command.build();
    let Some(dir) = args.out else {
        write_stdout(&render(&command)?)?;
        return Ok(Status::Success);
    };
    std::fs::create_dir_all(&dir)
        .map_err(|e| CliError::input(format!("cannot create {}: {e}", dir.display())))?;
    let mut written = Vec::new();
    write_pages(&command, &dir, &mut written)?;
    let listing: String = written
        .iter()
        .map(|p| format!("{}\n", p.display()))
        .collect();
    write_stdout(listing.as_bytes())?;
    Ok(Status::Success)
}

/// Writes the page of `command`, then those of its visible subcommands, depth first.
fn write_pages(
    command: &clap::Command,
    dir: &Path,
    written: &mut Vec<PathBuf>,
) -> Result<(), CliError> {
    let path = dir.join(clap_mangen::Man::new(command.clone()).get_filename());
    write_atomically(&path, &render(command)?)?;
    written.push(path);
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        write_pages(sub, dir, written)?;
    }
    Ok(())
}

fn render(command: &clap::Command) -> Result<Vec<u8>, CliError> {
    let mut page = Vec::new();
    clap_mangen::Man::new(command.clone())
        .render(&mut page)
        .map_err(|e| CliError::input(format!("cannot render the manual page: {e}")))?;
    Ok(page)
}
