//! Prometheus text metrics: requests by operation and status, outcomes, a latency histogram,
//! requests in flight.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

/// The server's counters.
#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(&'static str, u16), u64>>,
    outcomes: Mutex<BTreeMap<(&'static str, &'static str), u64>>,
    latency: Mutex<BTreeMap<&'static str, Histogram>>,
    in_flight: AtomicI64,
}

/// Counts a request while it is in flight.
pub struct InFlight<'a>(&'a Metrics);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Metrics {
    /// Marks a request in flight until the guard is dropped.
    pub fn start(&self) -> InFlight<'_> {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        InFlight(self)
    }

    /// Records a finished request.
    pub fn record(
        &self,
        operation: &'static str,
        status: u16,
        outcome: &'static str,
        took: Duration,
    ) {
        if let Ok(mut requests) = self.requests.lock() {
            *requests.entry((operation, status)).or_default() += 1;
        }
        if let Ok(mut outcomes) = self.outcomes.lock() {
            *outcomes.entry((operation, outcome)).or_default() += 1;
        }
        if let Ok(mut latency) = self.latency.lock() {
            let histogram = latency.entry(operation).or_default();
            let seconds = took.as_secs_f64();
            for (count, bound) in histogram.counts.iter_mut().zip(BUCKETS) {
                if seconds <= bound {
                    *count += 1;
                }
            }
            histogram.sum += seconds;
            histogram.count += 1;
        }
    }

    /// The Prometheus text exposition (version 0.0.4).
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP fhirsig_requests_total HTTP requests by operation and status.\n");
        out.push_str("# TYPE fhirsig_requests_total counter\n");
        if let Ok(requests) = self.requests.lock() {
            for ((operation, status), n) in requests.iter() {
                let _ = writeln!(
                    out,
                    "fhirsig_requests_total{{operation=\"{operation}\",status=\"{status}\"}} {n}"
                );
            }
        }
        out.push_str("# HELP fhirsig_outcomes_total Results by operation: signed, verified, not-verified, rejected.\n");
        out.push_str("# TYPE fhirsig_outcomes_total counter\n");
        if let Ok(outcomes) = self.outcomes.lock() {
            for ((operation, outcome), n) in outcomes.iter() {
                let _ = writeln!(
                    out,
                    "fhirsig_outcomes_total{{operation=\"{operation}\",outcome=\"{outcome}\"}} {n}"
                );
            }
        }
        out.push_str("# HELP fhirsig_request_duration_seconds Time from request to response.\n");
        out.push_str("# TYPE fhirsig_request_duration_seconds histogram\n");
        if let Ok(latency) = self.latency.lock() {
            for (operation, h) in latency.iter() {
                for (count, bound) in h.counts.iter().zip(BUCKETS) {
                    let _ = writeln!(
                        out,
                        "fhirsig_request_duration_seconds_bucket{{operation=\"{operation}\",le=\"{bound}\"}} {count}"
                    );
                }
                let _ = writeln!(
                    out,
                    "fhirsig_request_duration_seconds_bucket{{operation=\"{operation}\",le=\"+Inf\"}} {}",
                    h.count
                );
                let _ = writeln!(
                    out,
                    "fhirsig_request_duration_seconds_sum{{operation=\"{operation}\"}} {}",
                    h.sum
                );
                let _ = writeln!(
                    out,
                    "fhirsig_request_duration_seconds_count{{operation=\"{operation}\"}} {}",
                    h.count
                );
            }
        }
        out.push_str("# HELP fhirsig_in_flight_requests Requests being answered now.\n");
        out.push_str("# TYPE fhirsig_in_flight_requests gauge\n");
        let _ = writeln!(
            out,
            "fhirsig_in_flight_requests {}",
            self.in_flight.load(Ordering::Relaxed)
        );
        out
    }
}
