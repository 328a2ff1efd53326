//! Parse + canonicalise throughput on generated FHIR Bundles (1 MB and 30 MB).
//!
//! `cargo bench -p fhirsig-jcs --bench throughput` prints MB/s for the fast tape route and for
//! the simple tree route (serde_json `Value` + serde_jcs, the test oracle).
//! `cargo bench -p fhirsig-jcs --bench throughput -- --write DIR` also writes the inputs, so that
//! peak memory of `fhirsig canon` can be measured on them (see docs/benchmarks.md).
//! `-- --sizes 1,10,100` measures (and writes) Bundles of those sizes in MB instead of 1 and 30.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod bundle_gen;

/// The `fhirsig` binary's allocator (large blocks on huge pages), so that the 30 MB rows
/// measure what `fhirsig canon` does with the same bytes.
#[global_allocator]
static ALLOCATOR: fhirsig_alloc::HugePageAllocator = fhirsig_alloc::HugePageAllocator;

use std::hint::black_box;
use std::time::{Duration, Instant};

fn measure(label: &str, input: &[u8], runs: usize, f: impl Fn(&[u8]) -> usize) {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            black_box(f(black_box(input)));
            start.elapsed()
        })
        .collect();
    times.sort();
    let mb = input.len() as f64 / 1e6;
    let best = times[0].as_secs_f64();
    let median = times[times.len() / 2].as_secs_f64();
    println!(
        "{label:<44} {:>8.1} MB/s best  {:>8.1} MB/s median  ({runs} runs, {:.1} ms median)",
        mb / best,
        mb / median,
        median * 1e3
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let write_dir = args
        .iter()
        .position(|a| a == "--write")
        .and_then(|i| args.get(i + 1));
    let sizes: Vec<(String, usize, usize)> = match args.iter().position(|a| a == "--sizes") {
        Some(i) => args
            .get(i + 1)
            .expect("--sizes needs a list such as 1,10,100")
            .split(',')
            .map(|mb| {
                let mb: usize = mb.trim().parse().expect("--sizes takes whole MB");
                // About 30 MB of parsing per size keeps each size's measurement comparable.
                (
                    format!("{mb}MB"),
                    mb * 1_000_000,
                    (300 / mb.max(1)).clamp(3, 200),
                )
            })
            .collect(),
        None => vec![
            ("1MB".to_owned(), 1_000_000, 200),
            ("30MB".to_owned(), 30_000_000, 15),
        ],
    };
    for (name, size, runs) in sizes {
        let bundle = bundle_gen::bundle(size, 42);
        let input = bundle.as_bytes();
        if let Some(dir) = write_dir {
            let path = std::path::Path::new(dir).join(format!("bundle-{name}.json"));
            std::fs::write(&path, input).expect("write benchmark input");
            println!("wrote {}", path.display());
        }
        // Sanity: both routes agree on the bytes before anything is timed.
        let ours = fhirsig_jcs::canonicalize(input).expect("generated bundle parses");
        let value: serde_json::Value = serde_json::from_slice(input).expect("serde_json parses");
        assert_eq!(
            ours,
            serde_jcs::to_vec(&value).expect("serde_jcs"),
            "routes disagree"
        );
        println!(
            "{name} bundle: {} bytes in, {} bytes canonical",
            input.len(),
            ours.len()
        );
        measure(
            &format!("{name} fhirsig-jcs parse+canonicalise"),
            input,
            runs,
            |b| fhirsig_jcs::canonicalize(b).map(|v| v.len()).unwrap_or(0),
        );
        measure(
            &format!("{name} fhirsig-jcs parse only"),
            input,
            runs,
            |b| {
                fhirsig_jcs::parse(b)
                    .map(|d| d.root().span().len())
                    .unwrap_or(0)
            },
        );
        measure(
            &format!("{name} serde_json Value + serde_jcs (oracle)"),
            input,
            runs.min(20),
            |b| {
                let v: serde_json::Value = serde_json::from_slice(b).unwrap_or_default();
                serde_jcs::to_vec(&v).map(|v| v.len()).unwrap_or(0)
            },
        );
    }
}
