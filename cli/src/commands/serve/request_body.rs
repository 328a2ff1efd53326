//! Reading a request body within the limits: `--max-body` for one body, `--request-timeout`
//! for its arrival, and `--max-buffered` for all the bodies held at once.

use std::sync::Arc;

use http_body_util::BodyExt as _;
use hyper::body::{Bytes, Incoming};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::state::State;

/// What bounds the work in progress: operation slots and the bytes of bodies held.
pub struct Budget {
    /// One permit per operation answered at once (`--max-concurrent`).
    pub operations: Arc<Semaphore>,
    /// The bytes of bodies held at once (`--max-buffered`), in KiB.
    pub buffered: Arc<Semaphore>,
}

/// Why a request body was not read.
#[non_exhaustive]
pub enum BodyError {
    /// It is larger than `--max-body` (413).
    TooLarge,
    /// The `--max-buffered` budget cannot hold it now (503).
    Busy,
    /// It did not arrive within `--request-timeout` (408).
    Timeout,
    /// The connection failed while it was being read (400).
    Broken,
}

/// Reads a request body within the request timeout and `--max-body`, reserving its bytes from
/// the `--max-buffered` budget as they arrive; the permits are released when the operation is
/// done with the body.
pub async fn read_body(
    mut body: Incoming,
    state: &State,
    budget: &Budget,
) -> Result<(Bytes, Option<OwnedSemaphorePermit>), BodyError> {
    let deadline = tokio::time::Instant::now() + state.limits.request_timeout;
    let mut data: Vec<u8> = Vec::new();
    let mut held: Option<OwnedSemaphorePermit> = None;
    loop {
        let frame = match tokio::time::timeout_at(deadline, body.frame()).await {
            Err(_) => return Err(BodyError::Timeout),
            Ok(None) => break,
            Ok(Some(Err(_))) => return Err(BodyError::Broken),
            Ok(Some(Ok(frame))) => frame,
        };
        let Ok(chunk) = frame.into_data() else {
            continue;
        };
        let total = data.len() + chunk.len();
        if total > state.limits.max_body {
            return Err(BodyError::TooLarge);
        }
        let needed = kib(total) - kib(data.len());
        if needed > 0 {
            let permits = Arc::clone(&budget.buffered)
                .try_acquire_many_owned(u32::try_from(needed).unwrap_or(u32::MAX))
                .map_err(|_| BodyError::Busy)?;
            match held.as_mut() {
                Some(existing) => existing.merge(permits),
                None => held = Some(permits),
            }
        }
        data.extend_from_slice(&chunk);
    }
    Ok((Bytes::from(data), held))
}

/// Bytes as whole KiB (rounded up), the unit of the body budget.
pub fn kib(bytes: usize) -> usize {
    bytes.div_ceil(1024).min(u32::MAX as usize)
}
