//! `fhirsig serve` in the tests: the binary started on 127.0.0.1 with an ephemeral port, and
//! a signing PKI with its chain file.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead as _, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A running `fhirsig serve`; killed when dropped.
pub struct Server {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// `fhirsig serve --listen 127.0.0.1:0 ARGS`, optionally with at most `nofile` open files.
    pub fn start_limited(nofile: Option<u32>, args: &[&str]) -> Server {
        let bin = env!("CARGO_BIN_EXE_fhirsig");
        let mut command = match nofile {
            Some(limit) => {
                let mut c = Command::new("sh");
                c.arg("-c")
                    .arg(format!("ulimit -n {limit} && exec \"$0\" \"$@\""))
                    .arg(bin);
                c
            }
            None => Command::new(bin),
        };
        let mut child = command
            .arg("serve")
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let mut lines = BufReader::new(stderr).lines();
        let addr = loop {
            let line = lines
                .next()
                .expect("serve exited before listening")
                .unwrap();
            if let Some(rest) = line.split("listening on ").nth(1) {
                let hostport = rest.split("://").nth(1).unwrap().split('/').next().unwrap();
                break hostport.parse().unwrap();
            }
        };
        std::thread::spawn(move || for _ in lines {});
        Server { child, addr }
    }

    pub fn start(args: &[&str]) -> Server {
        Self::start_limited(None, args)
    }
}

/// A signing PKI made by `fhirsig pki init`, with the leaf's chain file.
pub fn pki(dir: &Path) -> PathBuf {
    super::pki_init(dir, None)
}
