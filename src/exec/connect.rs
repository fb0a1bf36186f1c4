//! [`ConnectGate`]: a failed connection attempt reaches the callers waiting for a pooled
//! connection at once, instead of leaving them to wait out the pool timeout.

use crate::{Error, Result};
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::task::Poll;
use tokio::sync::Notify;

/// Shared by a backend's connection manager, which reports each attempt to open a connection
/// ([`ConnectGate::failed`], [`ConnectGate::succeeded`]), its pool, which says when it has
/// counted a failed attempt ([`ConnectGate::wake`], from bb8's error sink: a caller woken
/// earlier would find the attempt still pending and no new one started for it), and its
/// checkout, which waits for the pool through [`ConnectGate::wait`].
///
/// A pool that must open a connection for a waiting caller and cannot (the server is down,
/// refuses, or rejects the login) would keep the caller until the pool timeout and then say
/// only "timed out". Through the gate the caller gets the attempt's error as soon as it fails,
/// as [`Error::Connection`], which [`Error::is_retryable`] accepts: nothing ran.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use quarry::backend::ConnectGate;
/// let gate = ConnectGate::new();
/// // A caller waiting for a pool that never answers…
/// let waiting = gate.wait(std::future::pending::<quarry::Result<()>>());
/// // …learns of the failed attempt at once.
/// let (r, ()) = tokio::join!(waiting, async {
///     tokio::task::yield_now().await;
///     gate.failed(&quarry::Error::connection("connection refused", None));
///     gate.wake();
/// });
/// let e = r.unwrap_err();
/// assert!(e.is_connection_error() && e.is_retryable());
/// assert!(e.to_string().contains("connection refused"));
/// # }
/// ```
#[derive(Debug, Default)]
pub struct ConnectGate {
    /// Counts failed attempts: a waiter fails when it changes while it waits.
    failures: AtomicU64,
    /// The message of the last failed attempt; `None` once one succeeds.
    last: Mutex<Option<String>>,
    failed: Notify,
}

impl ConnectGate {
    /// A gate that has seen no attempt.
    ///
    /// ```
    /// assert_eq!(quarry::backend::ConnectGate::new().last_failure(), None);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a failed attempt to open a connection: every caller waiting in
    /// [`ConnectGate::wait`] returns its error once [`ConnectGate::wake`]d.
    ///
    /// ```
    /// let gate = quarry::backend::ConnectGate::new();
    /// gate.failed(&quarry::Error::connection("refused", None));
    /// assert_eq!(gate.last_failure().as_deref(), Some("refused"));
    /// ```
    pub fn failed(&self, err: &Error) {
        let message = match err {
            Error::Connection {
                message, source, ..
            } => match source {
                Some(s) if !message.contains(&s.to_string()) => format!("{message}: {s}"),
                _ => message.clone(),
            },
            other => other.to_string(),
        };
        if let Ok(mut last) = self.last.lock() {
            *last = Some(message);
        }
        self.failures.fetch_add(1, Ordering::SeqCst);
    }

    /// Wakes the callers waiting in [`ConnectGate::wait`]: those that saw an attempt fail
    /// meanwhile return its error, the others wait on.
    ///
    /// ```
    /// quarry::backend::ConnectGate::new().wake();
    /// ```
    pub fn wake(&self) {
        self.failed.notify_waiters();
    }

    /// Records a connection opened: the last failure is forgotten.
    ///
    /// ```
    /// let gate = quarry::backend::ConnectGate::new();
    /// gate.failed(&quarry::Error::connection("refused", None));
    /// gate.succeeded();
    /// assert_eq!(gate.last_failure(), None);
    /// ```
    pub fn succeeded(&self) {
        if let Ok(mut last) = self.last.lock() {
            *last = None;
        }
    }

    /// The message of the last failed attempt, unless one succeeded since.
    ///
    /// ```
    /// assert_eq!(quarry::backend::ConnectGate::new().last_failure(), None);
    /// ```
    pub fn last_failure(&self) -> Option<String> {
        self.last.lock().ok().and_then(|l| l.clone())
    }

    /// Runs `checkout` (the pool's), returning early with the error of a connection attempt
    /// that fails meanwhile; a [`Error::PoolTimeout`] while the last attempt had failed becomes
    /// that failure (the pool could not open a connection, rather than all being busy).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let gate = quarry::backend::ConnectGate::new();
    /// assert_eq!(gate.wait(async { Ok(7) }).await.unwrap(), 7);
    /// gate.failed(&quarry::Error::connection("refused", None));
    /// let e = gate.wait(async { Err::<(), _>(quarry::Error::PoolTimeout) }).await.unwrap_err();
    /// assert!(e.is_connection_error());
    /// # }
    /// ```
    pub async fn wait<T>(&self, checkout: impl Future<Output = Result<T>>) -> Result<T> {
        let seen = self.failures.load(Ordering::SeqCst);
        let mut checkout = pin!(checkout);
        let mut failed = pin!(self.failed.notified());
        // Registered before the pool is asked, so that no wake-up is missed.
        failed.as_mut().enable();
        poll_fn(|cx| {
            if let Poll::Ready(r) = checkout.as_mut().poll(cx) {
                return Poll::Ready(r.map_err(|e| match e {
                    Error::PoolTimeout => self.failure().unwrap_or(Error::PoolTimeout),
                    e => e,
                }));
            }
            while failed.as_mut().poll(cx).is_ready() {
                if self.failures.load(Ordering::SeqCst) != seen {
                    if let Some(e) = self.failure() {
                        return Poll::Ready(Err(e));
                    }
                }
                // No attempt failed since this caller came, or one succeeded since: wait on.
                failed.set(self.failed.notified());
                failed.as_mut().enable();
            }
            Poll::Pending
        })
        .await
    }

    /// The error of the last failed attempt, if none succeeded since.
    fn failure(&self) -> Option<Error> {
        self.last_failure()
            .map(|m| Error::connect_failed(format!("no connection could be opened: {m}")))
    }
}
