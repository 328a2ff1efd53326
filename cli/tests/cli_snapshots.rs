//! Snapshot tests of whole `fhirsig` runs: each `tests/cmd/*.toml` names the arguments, and the
//! `.stdout`/`.stderr` files beside it pin the exact output; the exit status is in the `.toml`.
//! Inputs are committed in `tests/cmd/fixtures/` (and `*.in/` folders for commands that write
//! files); every case passes `--at`, so nothing depends on the clock.
//!
//! After a deliberate change of output, rewrite the snapshots with
//! `TRYCMD=overwrite cargo test -p fhirsig-cli --test cli_snapshots` and review the diff.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[test]
fn cli_snapshots() {
    trycmd::TestCases::new()
        .register_bin(
            "fhirsig",
            std::path::PathBuf::from(env!("CARGO_BIN_EXE_fhirsig")),
        )
        // Colour and progress bars are for terminals; pin them off whatever runs the tests.
        .env("NO_COLOR", "1")
        .env("TERM", "dumb")
        .case("tests/cmd/*.toml");
}

/// Fixtures that are a command's output are the snapshot of that command, byte for byte, so
/// they cannot drift from what fhirsig makes.
#[test]
fn output_fixtures_are_reproduced_by_their_commands() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cmd");
    for (snapshot, fixture) in [
        ("sign-ok.stdout", "signed.json"),
        (
            "provenance-for-bundle.stdout",
            "searchset-with-provenance.json",
        ),
        ("provenance-sign-ok.stdout", "provenance-signed.json"),
    ] {
        let made = std::fs::read(dir.join(snapshot)).unwrap();
        let kept = std::fs::read(dir.join("fixtures").join(fixture)).unwrap();
        assert!(made == kept, "{fixture} differs from {snapshot}");
    }
}
