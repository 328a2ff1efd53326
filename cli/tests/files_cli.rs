//! Files as an attacker or a careless user leaves them: symbolic links at output paths, FIFOs
//! and devices as outputs or in walked folders, hard links, link loops, an output naming an
//! input, file modes, and control characters in certificate names.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::temp_dir;

use std::fs;
use std::io::Read as _;
use std::os::unix::fs::{FileTypeExt as _, MetadataExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The snapshot fixtures (signed files, a test PKI).
fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/cmd/fixtures")
}

/// A fresh folder holding copies of these fixtures.
fn with_fixtures(test: &str, names: &[&str]) -> common::TempDir {
    let dir = temp_dir(test);
    for name in names {
        fs::copy(fixtures().join(name), dir.join(name)).unwrap();
    }
    dir
}

/// Runs fhirsig in `dir`.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fhirsig"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

/// Runs fhirsig in `dir`, killing it (and failing) if it has not ended within 30 seconds.
fn run_bounded(dir: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fhirsig"))
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("fhirsig {args:?} did not end within 30 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

fn is_root() -> bool {
    let dir = temp_dir("owner-probe");
    let probe = dir.join("probe");
    fs::write(&probe, "").unwrap();
    fs::metadata(&probe).unwrap().uid() == 0
}

#[test]
fn a_symbolic_link_output_is_refused_unless_followed() {
    let dir = with_fixtures("symlink-out", &["plain.json"]);
    fs::write(dir.join("target.json"), "keep me").unwrap();
    std::os::unix::fs::symlink("target.json", dir.join("out.json")).unwrap();

    let out = run_in(&dir, &["canon", "plain.json", "-o", "out.json"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("out.json: it is a symbolic link"), "{err}");
    assert!(err.contains("--follow-symlinks"), "{err}");
    assert_eq!(
        fs::read_to_string(dir.join("target.json")).unwrap(),
        "keep me"
    );
    assert!(fs::symlink_metadata(dir.join("out.json"))
        .unwrap()
        .file_type()
        .is_symlink());

    let out = run_in(
        &dir,
        &["--follow-symlinks", "canon", "plain.json", "-o", "out.json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        fs::symlink_metadata(dir.join("out.json"))
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link stays a link"
    );
    let canonical = run_in(&dir, &["canon", "plain.json"]).stdout;
    assert_eq!(fs::read(dir.join("target.json")).unwrap(), canonical);
    assert_only_files(&dir, &["out.json", "plain.json", "target.json"]);
}

/// Nothing but these names is left in `dir` (no temporary file).
fn assert_only_files(dir: &Path, names: &[&str]) {
    let mut found: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    assert_eq!(found, names);
}

#[test]
fn links_planted_at_the_old_predictable_temporary_names_redirect_nothing() {
    let dir = with_fixtures("planted", &["plain.json"]);
    let victim = dir.join("victim");
    fs::write(&victim, "precious").unwrap();
    // The names the old scheme (.NAME.fhirsig-PID.tmp) would have used for the next PIDs; the
    // random, exclusive names are tested in the unit tests of cli/src/io/atomic_replace.rs.
    let first = std::process::id();
    for pid in first..first + 200 {
        std::os::unix::fs::symlink(&victim, dir.join(format!(".out.json.fhirsig-{pid}.tmp")))
            .unwrap();
    }
    let out = run_in(&dir, &["canon", "plain.json", "-o", "out.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
    assert_eq!(
        fs::read(dir.join("out.json")).unwrap(),
        run_in(&dir, &["canon", "plain.json"]).stdout
    );
    let temps = fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            let name = e.as_ref().unwrap().file_name();
            name.to_string_lossy().ends_with(".fhirsig.tmp")
        })
        .count();
    assert_eq!(temps, 0, "no temporary file is left behind");
}

#[test]
fn a_fifo_output_is_written_directly() {
    let dir = with_fixtures("fifo-out", &["plain.json"]);
    let fifo = dir.join("out.fifo");
    mkfifo(&fifo);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            fs::File::open(fifo)
                .unwrap()
                .read_to_end(&mut bytes)
                .unwrap();
            bytes
        })
    };
    let out = run_bounded(&dir, &["canon", "plain.json", "-o", "out.fifo"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let read = reader.join().unwrap();
    assert_eq!(read, run_in(&dir, &["canon", "plain.json"]).stdout);
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
}

#[test]
fn a_character_device_output_stays_a_device() {
    let dir = with_fixtures("chardev", &["plain.json"]);
    let out = run_in(&dir, &["canon", "plain.json", "-o", "/dev/null"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(fs::symlink_metadata("/dev/null")
        .unwrap()
        .file_type()
        .is_char_device());

    if !is_root() {
        println!("note: not root, so no device made with mknod was tested (only /dev/null)");
        return;
    }
    // A null device of our own (major 1, minor 3 on Linux), in the test's folder.
    let status = Command::new("mknod")
        .args(["null", "c", "1", "3"])
        .current_dir(&dir)
        .status()
        .unwrap();
    if !status.success() {
        println!("note: mknod failed (a container without CAP_MKNOD?); only /dev/null was tested");
        return;
    }
    let out = run_in(&dir, &["canon", "plain.json", "-o", "null"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let meta = fs::symlink_metadata(dir.join("null")).unwrap();
    assert!(meta.file_type().is_char_device(), "still a device");
    assert_eq!(meta.rdev(), fs::metadata("/dev/null").unwrap().rdev());
    assert_only_files(&dir, &["null", "plain.json"]);
}

#[test]
fn an_output_that_is_an_input_is_refused_by_every_writing_command() {
    let files = [
        "searchset.json",
        "searchset-with-provenance.json",
        "signed.json",
        "signer.key.pem",
        "signer.chain.pem",
        "root.cert.pem",
    ];
    let dir = with_fixtures("same-file", &files);
    let key = ["--key", "signer.key.pem", "--cert", "signer.chain.pem"];
    let cases: Vec<(&str, Vec<&str>)> = vec![
        (
            "searchset.json",
            vec!["canon", "searchset.json", "-o", "searchset.json"],
        ),
        (
            "searchset.json",
            [
                &["sign", "searchset.json"][..],
                &key,
                &["-o", "searchset.json"],
            ]
            .concat(),
        ),
        (
            "signer.key.pem",
            [
                &["sign", "searchset.json"][..],
                &key,
                &["-o", "signer.key.pem"],
            ]
            .concat(),
        ),
        (
            "searchset.json",
            vec![
                "provenance",
                "for-bundle",
                "searchset.json",
                "--profile",
                "hrex",
                "--author",
                "Organization/ehr",
                "--transmitter",
                "Organization/ehr",
                "-o",
                "searchset.json",
            ],
        ),
        (
            "searchset-with-provenance.json",
            [
                &["provenance", "sign", "searchset-with-provenance.json"][..],
                &key,
                &["-o", "searchset-with-provenance.json"],
            ]
            .concat(),
        ),
        (
            "signed.json",
            vec![
                "verify",
                "signed.json",
                "--trust",
                "root.cert.pem",
                "--html",
                "signed.json",
            ],
        ),
    ];
    for (victim, args) in cases {
        let before = fs::read(dir.join(victim)).unwrap();
        let out = run_in(&dir, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains(&format!("refusing to write {victim}")),
            "{args:?}: {err}"
        );
        assert_eq!(fs::read(dir.join(victim)).unwrap(), before, "{args:?}");
    }
    assert_only_files(&dir, &{
        let mut sorted = files;
        sorted.sort_unstable();
        sorted
    });
}

#[test]
fn another_name_for_an_input_is_recognised_and_in_place_keeps_the_mode() {
    let dir = with_fixtures(
        "hard-link",
        &["searchset.json", "signer.key.pem", "signer.chain.pem"],
    );
    fs::hard_link(dir.join("searchset.json"), dir.join("alias.json")).unwrap();
    std::os::unix::fs::symlink("searchset.json", dir.join("link.json")).unwrap();
    let before = fs::read(dir.join("searchset.json")).unwrap();
    let out = run_in(&dir, &["canon", "searchset.json", "-o", "alias.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "refusing to write alias.json: it is the same file as the input searchset.json"
        ),
        "{}",
        stderr(&out)
    );
    let out = run_in(
        &dir,
        &[
            "--follow-symlinks",
            "canon",
            "searchset.json",
            "-o",
            "link.json",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "a link to the input, followed, is the input"
    );
    assert_eq!(fs::read(dir.join("searchset.json")).unwrap(), before);

    // --in-place may replace the input: its mode stays 0600. The rename gives the path a new
    // inode; the other hard link keeps the old content, and a note says so.
    let input = dir.join("searchset.json");
    fs::set_permissions(&input, fs::Permissions::from_mode(0o600)).unwrap();
    let out = run_in(
        &dir,
        &[
            "sign",
            "searchset.json",
            "--key",
            "signer.key.pem",
            "--cert",
            "signer.chain.pem",
            "--in-place",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("had 2 hard links"),
        "{}",
        stderr(&out)
    );
    let meta = fs::metadata(&input).unwrap();
    assert_eq!(meta.mode() & 0o7777, 0o600);
    assert_ne!(fs::read(&input).unwrap(), before, "signed");
    assert_eq!(fs::read(dir.join("alias.json")).unwrap(), before);
}

#[test]
fn walked_folders_skip_fifos_and_links_and_end_on_loops() {
    let dir = with_fixtures("walk", &["signed.json", "root.cert.pem"]);
    let data = dir.join("data");
    fs::create_dir_all(data.join("sub")).unwrap();
    fs::copy(dir.join("signed.json"), data.join("a.json")).unwrap();
    fs::copy(dir.join("signed.json"), data.join("sub/b.json")).unwrap();
    fs::hard_link(data.join("a.json"), data.join("hard.json")).unwrap();
    mkfifo(&data.join("x.json"));
    std::os::unix::fs::symlink(".", data.join("self")).unwrap();
    std::os::unix::fs::symlink("..", data.join("sub/up")).unwrap();
    std::os::unix::fs::symlink(".", data.join("sub/here")).unwrap();

    let records = |out: &Output| -> Vec<String> {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.contains("\"type\":\"signature\""))
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                v["file"].as_str().unwrap().to_owned()
            })
            .collect()
    };
    for follow in [false, true] {
        let mut args = vec!["verify", "data", "--trust", "root.cert.pem", "--json"];
        if follow {
            args.insert(0, "--follow-symlinks");
        }
        let out = run_bounded(&dir, &args);
        // The FIFO looks like a record and was not read: the run is not "verified".
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert_eq!(
            records(&out),
            ["data/a.json", "data/sub/b.json"],
            "{args:?}"
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains(r#"{"file":"data/x.json","message":"not read: a FIFO, not a regular file (never opened)","type":"record-error"}"#),
            "{stdout}"
        );
        let err = stderr(&out);
        assert!(
            err.contains("data/hard.json is the same file as data/a.json"),
            "{err}"
        );
        if follow {
            assert!(
                err.contains("a folder already walked (a link loop)"),
                "{err}"
            );
        } else {
            // Links to folders that are walked anyway lose nothing: a note only.
            assert!(
                err.contains("skipped data/self (a symbolic link, not followed in folders (--follow-symlinks follows it)): its folder is walked"),
                "{err}"
            );
        }
    }
    // Without the FIFO nothing is left out, and the run is verified.
    fs::remove_file(data.join("x.json")).unwrap();
    let out = run_bounded(
        &dir,
        &["verify", "data", "--trust", "root.cert.pem", "--json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(records(&out), ["data/a.json", "data/sub/b.json"]);
    // A link named on the command line is read.
    std::os::unix::fs::symlink("signed.json", dir.join("given.json")).unwrap();
    let out = run_bounded(&dir, &["verify", "given.json", "--trust", "root.cert.pem"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn a_link_in_a_folder_to_a_file_not_read_otherwise_is_an_unreadable_record() {
    let dir = with_fixtures("walk-links", &["signed.json", "root.cert.pem"]);
    let data = dir.join("data");
    fs::create_dir_all(&data).unwrap();
    fs::copy(dir.join("signed.json"), data.join("a.json")).unwrap();
    // One link to a file outside the folder, one to a file the walk reads anyway, one broken.
    std::os::unix::fs::symlink("../signed.json", data.join("outside.json")).unwrap();
    std::os::unix::fs::symlink("a.json", data.join("same.json")).unwrap();
    let args = ["verify", "data", "--trust", "root.cert.pem", "--json"];
    let out = run_bounded(&dir, &args);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(r#""file":"data/outside.json","message":"not read: a symbolic link, not followed in folders (--follow-symlinks follows it)","type":"record-error""#),
        "{stdout}"
    );
    assert!(!stdout.contains("data/same.json"), "{stdout}");
    assert!(
        stderr(&out).contains("skipped data/same.json (a symbolic link, not followed in folders (--follow-symlinks follows it)): the same file as data/a.json is read"),
        "{}",
        stderr(&out)
    );
    // Followed, the outside file is verified and the second name of a.json read once.
    let out = run_bounded(
        &dir,
        &[
            "--follow-symlinks",
            "verify",
            "data",
            "--trust",
            "root.cert.pem",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // A broken link is unreadable, followed or not.
    std::os::unix::fs::symlink("missing.json", data.join("broken.json")).unwrap();
    for follow in [false, true] {
        let mut args = vec!["verify", "data", "--trust", "root.cert.pem", "--json"];
        if follow {
            args.insert(0, "--follow-symlinks");
        }
        let out = run_bounded(&dir, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stdout).contains(r#""file":"data/broken.json""#));
    }
}

#[test]
fn demo_and_pki_keys_are_owner_only() {
    let dir = temp_dir("key-modes");
    let out = run_in(&dir, &["demo", "--dir", "demo"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = run_in(&dir, &["pki", "init", "pki"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut keys = 0;
    for folder in ["demo/pki", "pki"] {
        for entry in fs::read_dir(dir.join(folder)).unwrap() {
            let path = entry.unwrap().path();
            let mode = fs::metadata(&path).unwrap().mode() & 0o777;
            if path.to_string_lossy().ends_with(".key.pem") {
                keys += 1;
                assert_eq!(mode, 0o600, "{}", path.display());
            }
        }
    }
    assert!(keys >= 4, "{keys} keys");
}

#[test]
fn a_missing_option_file_gets_no_standard_input_hint() {
    let dir = with_fixtures("missing", &["signed.json"]);
    let out = run_in(&dir, &["verify", "signed.json", "--trust", "missing.pem"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "fhirsig: error: cannot read missing.pem: no such file or folder (hint: check the path)\n"
    );
    let out = run_in(&dir, &["verify", "missing.json"]);
    assert_eq!(
        stderr(&out),
        "fhirsig: error: cannot read missing.json: no such file or folder (hint: check the path; use - to read standard input)\n"
    );
}

#[test]
fn argument_errors_have_the_diagnostic_prefix() {
    let dir = temp_dir("usage-prefix");
    let out = run_in(&dir, &["canon", "--bogus"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("fhirsig: error: unexpected argument '--bogus' found"),
        "{}",
        stderr(&out)
    );
    let out = run_in(&dir, &["--version"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("fhirsig "));
}

#[test]
fn a_failed_write_leaves_the_old_file_and_no_temporary_file() {
    let dir = temp_dir("write-fails");
    let numbers: Vec<String> = (0..4000).map(|i| i.to_string()).collect();
    fs::write(dir.join("big.json"), format!("[{}]", numbers.join(", "))).unwrap();
    fs::write(dir.join("out.json"), "old").unwrap();
    // A file size limit of one 512-byte block: the write fails with EFBIG (SIGXFSZ ignored,
    // as a shell's trap passes on to the program it runs).
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f 1; exec {} canon big.json -o out.json",
            env!("CARGO_BIN_EXE_fhirsig")
        ))
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot write out.json"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read_to_string(dir.join("out.json")).unwrap(), "old");
    assert_only_files(&dir, &["big.json", "out.json"]);
}

#[test]
fn in_place_as_root_keeps_the_owner() {
    if !is_root() {
        println!("note: not root, so keeping another user's ownership was not tested");
        return;
    }
    let dir = with_fixtures(
        "owner",
        &["searchset.json", "signer.key.pem", "signer.chain.pem"],
    );
    let input = dir.join("searchset.json");
    std::os::unix::fs::chown(&input, Some(4321), Some(4322)).unwrap();
    fs::set_permissions(&input, fs::Permissions::from_mode(0o640)).unwrap();
    let out = run_in(
        &dir,
        &[
            "provenance",
            "for-bundle",
            "searchset.json",
            "--profile",
            "hrex",
            "--author",
            "Organization/ehr",
            "--transmitter",
            "Organization/ehr",
            "--in-place",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let meta = fs::metadata(&input).unwrap();
    assert_eq!(
        (meta.uid(), meta.gid(), meta.mode() & 0o7777),
        (4321, 4322, 0o640)
    );
    assert!(fs::read_to_string(&input).unwrap().contains("Provenance"));
}
