//! Closing connections that do nothing: a client that connects and sends no byte (or half an
//! HTTP/2 preface, or a preface and no stream) would otherwise hold a socket forever, before
//! any token is checked. [`IdleIo`] wraps a connection's stream and fails its reads once it
//! has been idle for the timeout while no request of that connection is being answered.

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// The requests a connection is answering, shared by its service and its stream.
#[derive(Debug, Default)]
pub struct Activity {
    busy: AtomicUsize,
    /// When the last request finished, in milliseconds since `epoch`.
    last_done_ms: AtomicU64,
    epoch: std::sync::OnceLock<Instant>,
}

impl Activity {
    fn epoch(&self) -> Instant {
        *self.epoch.get_or_init(Instant::now)
    }

    /// A request started; it is finished when the guard drops.
    pub fn start(self: &Arc<Self>) -> Busy {
        self.busy.fetch_add(1, Ordering::SeqCst);
        Busy(Arc::clone(self))
    }
}

/// One request in progress on a connection.
pub struct Busy(Arc<Activity>);

impl Drop for Busy {
    fn drop(&mut self) {
        let since = self.0.epoch().elapsed().as_millis();
        self.0
            .last_done_ms
            .store(u64::try_from(since).unwrap_or(u64::MAX), Ordering::SeqCst);
        self.0.busy.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A stream whose reads fail with `TimedOut` after `timeout` without a byte in or out while
/// the connection answers no request.
pub struct IdleIo<T> {
    inner: T,
    timeout: Duration,
    last_io: Instant,
    sleep: Pin<Box<Sleep>>,
    activity: Arc<Activity>,
}

impl<T> IdleIo<T> {
    /// Wraps `inner`.
    pub fn new(inner: T, timeout: Duration, activity: Arc<Activity>) -> Self {
        let now = Instant::now();
        activity.epoch();
        Self {
            inner,
            timeout,
            last_io: now,
            sleep: Box::pin(tokio::time::sleep_until(now + timeout)),
            activity,
        }
    }

    /// Whether the idle time is up; if not, arms the timer for when it would be.
    fn idle_expired(&mut self, cx: &mut Context<'_>) -> bool {
        if self.activity.busy.load(Ordering::SeqCst) > 0 {
            return false;
        }
        let done = self.activity.epoch()
            + Duration::from_millis(self.activity.last_done_ms.load(Ordering::SeqCst));
        let deadline = self.last_io.max(done) + self.timeout;
        if Instant::now() >= deadline {
            return true;
        }
        self.sleep.as_mut().reset(deadline);
        // Registers the waker: the connection is polled again when the deadline passes.
        let _ = self.sleep.as_mut().poll(cx);
        false
    }
}

use std::future::Future as _;

impl<T: AsyncRead + Unpin> AsyncRead for IdleIo<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.inner).poll_read(cx, buf) {
            Poll::Ready(result) => {
                if buf.filled().len() > before {
                    self.last_io = Instant::now();
                }
                Poll::Ready(result)
            }
            Poll::Pending if self.idle_expired(cx) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "connection idle past the request timeout",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for IdleIo<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write(cx, data);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.last_io = Instant::now();
        }
        result
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
