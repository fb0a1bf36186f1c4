//! [`Lane`]: the connection returned last, kept beside a backend's pool for the next caller.

use super::{ConnectGate, PoolOptions};
use crate::Result;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What a [`Lane`] needs to know of a backend's pooled connections. A backend implements it
/// on a type of its own (the connection type is usually the pool's, a bb8
/// `PooledConnection<'static, M>`).
///
/// ```
/// use quarry::backend::{Lane, LaneRules};
/// use std::time::Instant;
///
/// struct Conn { opened: Instant, broken: bool }
/// struct Rules;
/// impl LaneRules for Rules {
///     type Conn = Conn;
///     fn reusable(c: &Conn) -> bool { !c.broken }
///     fn opened(c: &Conn) -> Instant { c.opened }
///     fn retire(c: &mut Conn) { c.broken = true }
/// }
/// let lane = Lane::<Rules>::new(&quarry::PoolOptions::default());
/// lane.give_back(Conn { opened: Instant::now(), broken: false });
/// assert_eq!(lane.parked(), 1);
/// assert!(lane.take().is_some());
/// ```
pub trait LaneRules: Send + Sync + 'static {
    /// The connection the pool hands out; dropping it returns it to the pool.
    type Conn: Send;

    /// Whether `conn` may be handed out again as it is: not broken, nothing in flight or
    /// unread, no transaction open.
    fn reusable(conn: &Self::Conn) -> bool;

    /// When `conn` was opened (its `max_lifetime` counts from there).
    fn opened(conn: &Self::Conn) -> Instant;

    /// Marks `conn` so that the pool closes it, rather than keeps it, when it is dropped.
    fn retire(conn: &mut Self::Conn);
}

/// One idle connection kept beside a backend's pool, so that one caller after another (the
/// common case in a request handler or a script) reuses it without a pool checkout: bb8's
/// costs a timeout future, a lock, and three clock readings per checkout and return, about a
/// tenth of an in-memory SQLite point select. The lane's costs are a lock it never waits for
/// and two clock readings (none when the pool has no idle timeout and no lifetime).
///
/// The connection still belongs to the pool (it counts against `max_size`; the pool counts
/// it as checked out, [`Lane::parked`] lets the backend report it as idle), and the pool's
/// rules hold for it:
///
/// - only a [reusable](LaneRules::reusable) connection is parked; any other goes back to the
///   pool, which resets or closes it;
/// - `idle_timeout` and `max_lifetime` are checked when it is taken: an expired connection is
///   [retired](LaneRules::retire) (the pool closes it) and the caller goes to the pool. The
///   pool's reaper does not see a parked connection: backends call [`Lane::reap`] every
///   [`Lane::reap_period`] instead, so that one left parked while nothing runs is closed
///   too;
/// - with `test_on_checkout` the lane is off: every checkout goes through the pool, which
///   pings it;
/// - a caller never waits on the pool while a connection sits here: callers count themselves
///   as waiting before they look at the lane ([`Lane::checkout`]), and a connection returned
///   while anyone waits goes to the pool (which hands it to the waiter), or is taken back out
///   of the lane and sent there when a caller came in between.
pub struct Lane<R: LaneRules> {
    slot: Mutex<Option<Parked<R::Conn>>>,
    /// Callers checking out through the pool right now.
    waiting: AtomicUsize,
    enabled: bool,
    idle_timeout: Option<Duration>,
    max_lifetime: Option<Duration>,
    /// Ends a wait for the pool when a connection attempt fails (the backend's manager
    /// reports its attempts to it).
    gate: Arc<ConnectGate>,
    /// Set by [`Lane::close`]: nothing is parked any more.
    closed: std::sync::atomic::AtomicBool,
}

struct Parked<C> {
    conn: C,
    /// When its idle timeout or its lifetime ends, whichever comes first.
    expires: Option<Instant>,
}

impl<C> Parked<C> {
    /// Whether its idle timeout or lifetime has passed at `now`.
    fn expired(&self, now: Instant) -> bool {
        self.expires.is_some_and(|t| now >= t)
    }
}

/// Counts a caller as waiting on the pool while it does (a dropped future included).
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl<R: LaneRules> std::fmt::Debug for Lane<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lane")
            .field("parked", &self.parked())
            .field("waiting", &self.waiting.load(Ordering::Relaxed))
            .field("enabled", &self.enabled)
            .finish()
    }
}

impl<R: LaneRules> Lane<R> {
    /// An empty lane following the pool's `idle_timeout`, `max_lifetime` and
    /// `test_on_checkout` (which turns it off, as does the benchmarks' `lane = false`). A zero timeout counts as none, as bb8 takes it.
    ///
    /// ```
    /// # use quarry::backend::{Lane, LaneRules};
    /// # struct Rules;
    /// # impl LaneRules for Rules {
    /// #     type Conn = std::time::Instant;
    /// #     fn reusable(_: &Self::Conn) -> bool { true }
    /// #     fn opened(c: &Self::Conn) -> std::time::Instant { *c }
    /// #     fn retire(_: &mut Self::Conn) {}
    /// # }
    /// let mut options = quarry::PoolOptions::default();
    /// options.test_on_checkout = true;
    /// let lane = Lane::<Rules>::new(&options);
    /// lane.give_back(std::time::Instant::now());
    /// assert_eq!(lane.parked(), 0);
    /// ```
    pub fn new(options: &PoolOptions) -> Self {
        let positive = |d: Option<Duration>| d.filter(|d| !d.is_zero());
        Lane {
            slot: Mutex::new(None),
            waiting: AtomicUsize::new(0),
            enabled: options.lane && !options.test_on_checkout,
            idle_timeout: positive(options.idle_timeout),
            max_lifetime: positive(options.max_lifetime),
            gate: Arc::default(),
            closed: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Closes the lane and the pool's idle connections, for [`Engine::close`](crate::Engine::close):
    /// the parked connection is retired, the lane parks nothing more, and `idle` connections
    /// (the pool's idle count when called) are checked out of the pool through `from_pool` and
    /// retired, so that the pool closes them. Connections in use are not touched; the engine
    /// waits for them before calling this.
    ///
    /// ```
    /// # use quarry::backend::{Lane, LaneRules};
    /// # use std::sync::atomic::{AtomicUsize, Ordering};
    /// # struct Rules;
    /// # static RETIRED: AtomicUsize = AtomicUsize::new(0);
    /// # impl LaneRules for Rules {
    /// #     type Conn = std::time::Instant;
    /// #     fn reusable(_: &Self::Conn) -> bool { true }
    /// #     fn opened(c: &Self::Conn) -> std::time::Instant { *c }
    /// #     fn retire(_: &mut Self::Conn) { RETIRED.fetch_add(1, Ordering::SeqCst); }
    /// # }
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let lane = Lane::<Rules>::new(&quarry::PoolOptions::default());
    /// lane.give_back(std::time::Instant::now());
    /// lane.close(2, || async { Ok(std::time::Instant::now()) }).await;
    /// assert_eq!(RETIRED.load(Ordering::SeqCst), 3, "the parked one and two idle ones");
    /// lane.give_back(std::time::Instant::now());
    /// assert_eq!(lane.parked(), 0, "a closed lane parks nothing");
    /// # });
    /// ```
    pub async fn close<F, Fut>(&self, idle: u32, from_pool: F)
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<R::Conn>>,
    {
        self.closed.store(true, Ordering::SeqCst);
        let parked = self.slot.lock().ok().and_then(|mut s| s.take());
        if let Some(mut p) = parked {
            R::retire(&mut p.conn);
        }
        for _ in 0..idle {
            match from_pool().await {
                Ok(mut conn) => R::retire(&mut conn),
                Err(_) => break,
            }
        }
    }

    /// The gate that the backend's connection manager reports its attempts to:
    /// [`Lane::checkout`] waits for the pool through it.
    ///
    /// ```
    /// # use quarry::backend::{Lane, LaneRules};
    /// # struct Rules;
    /// # impl LaneRules for Rules {
    /// #     type Conn = ();
    /// #     fn reusable(_: &()) -> bool { true }
    /// #     fn opened(_: &()) -> std::time::Instant { std::time::Instant::now() }
    /// #     fn retire(_: &mut ()) {}
    /// # }
    /// let lane = Lane::<Rules>::new(&quarry::PoolOptions::default());
    /// assert_eq!(lane.gate().last_failure(), None);
    /// ```
    pub fn gate(&self) -> &Arc<ConnectGate> {
        &self.gate
    }

    /// The parked connection, if there is one and it is still fit to use. An expired or
    /// unusable one is retired and dropped (the pool closes it).
    ///
    /// ```
    /// # use quarry::backend::{Lane, LaneRules};
    /// # use std::time::{Duration, Instant};
    /// # struct Rules;
    /// # impl LaneRules for Rules {
    /// #     type Conn = (Instant, bool);
    /// #     fn reusable(c: &Self::Conn) -> bool { !c.1 }
    /// #     fn opened(c: &Self::Conn) -> Instant { c.0 }
    /// #     fn retire(c: &mut Self::Conn) { c.1 = true }
    /// # }
    /// let mut options = quarry::PoolOptions::default();
    /// options.max_lifetime = Some(Duration::from_secs(60));
    /// let lane = Lane::<Rules>::new(&options);
    /// lane.give_back((Instant::now() - Duration::from_secs(61), false));
    /// assert!(lane.take().is_none(), "older than its lifetime");
    /// assert_eq!(lane.parked(), 0);
    /// ```
    pub fn take(&self) -> Option<R::Conn> {
        // The lock is released before the connection is looked at (and, if expired, closed).
        let parked = self.slot.try_lock().ok()?.take();
        self.take_from(parked)
    }

    fn take_from(&self, parked: Option<Parked<R::Conn>>) -> Option<R::Conn> {
        if !self.enabled {
            return None;
        }
        let parked = parked?;
        let expired = parked.expired(Instant::now());
        let mut conn = parked.conn;
        if expired || !R::reusable(&conn) {
            R::retire(&mut conn);
            return None;
        }
        Some(conn)
    }

    /// A connection from the lane, or else from the pool through `checkout`, the caller
    /// counted as waiting meanwhile (so that connections returned in the meantime go to the
    /// pool, which hands them to it).
    ///
    /// ```
    /// # use quarry::backend::{Lane, LaneRules};
    /// # use std::time::Instant;
    /// # struct Rules;
    /// # impl LaneRules for Rules {
    /// #     type Conn = Instant;
    /// #     fn reusable(_: &Self::Conn) -> bool { true }
    /// #     fn opened(c: &Self::Conn) -> Instant { *c }
    /// #     fn retire(_: &mut Self::Conn) {}
    /// # }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> quarry::Result<()> {
    /// let lane = Lane::<Rules>::new(&quarry::PoolOptions::default());
    /// let fresh = Instant::now();
    /// let conn = lane.checkout(|| async move { Ok(fresh) }).await?;
    /// assert_eq!(conn, fresh);
    /// # Ok(()) }
    /// ```
    pub async fn checkout<F, Fut>(&self, from_pool: F) -> Result<R::Conn>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<R::Conn>>,
    {
        if let Some(conn) = self.take() {
            return Ok(conn);
        }
        self.waiting.fetch_add(1, Ordering::SeqCst);
        let _waiting = Waiting(&self.waiting);
        // Parked between the look above and the count: take it after all (waiting for the
        // lock this time, so that a connection parked before the count is always seen).
        let parked = self.slot.lock().ok().and_then(|mut s| s.take());
        if let Some(conn) = self.take_from(parked) {
            return Ok(conn);
        }
        self.gate.wait(from_pool()).await
    }

    /// Parks a returned connection, or lets it go back to the pool by dropping it (when it is
    /// not reusable, the lane is full or off, or a caller waits on the pool).
    ///
    /// ```
    /// # use quarry::backend::{Lane, LaneRules};
    /// # use std::time::Instant;
    /// # struct Rules;
    /// # impl LaneRules for Rules {
    /// #     type Conn = (Instant, bool);
    /// #     fn reusable(c: &Self::Conn) -> bool { !c.1 }
    /// #     fn opened(c: &Self::Conn) -> Instant { c.0 }
    /// #     fn retire(c: &mut Self::Conn) { c.1 = true }
    /// # }
    /// let lane = Lane::<Rules>::new(&quarry::PoolOptions::default());
    /// lane.give_back((Instant::now(), true));
    /// assert_eq!(lane.parked(), 0, "a broken connection goes back to the pool");
    /// lane.give_back((Instant::now(), false));
    /// lane.give_back((Instant::now(), false));
    /// assert_eq!(lane.parked(), 1, "one at most");
    /// ```
    pub fn give_back(&self, mut conn: R::Conn) {
        if self.closed.load(Ordering::SeqCst) {
            R::retire(&mut conn);
            return;
        }
        if !self.enabled || self.waiting.load(Ordering::SeqCst) > 0 || !R::reusable(&conn) {
            return;
        }
        let Ok(mut slot) = self.slot.try_lock() else {
            return;
        };
        if slot.is_some() {
            return;
        }
        let expires = match (self.idle_timeout, self.max_lifetime) {
            (None, None) => None,
            (idle, lifetime) => {
                let idle_ends = idle.and_then(|d| Instant::now().checked_add(d));
                let life_ends = lifetime.and_then(|d| R::opened(&conn).checked_add(d));
                match (idle_ends, life_ends) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                }
            }
        };
        *slot = Some(Parked { conn, expires });
        drop(slot);
        // A caller that counted itself after the check above may be waiting on the pool now:
        // hand the connection over through the pool.
        if self.waiting.load(Ordering::SeqCst) > 0 {
            let back = self.slot.lock().map(|mut s| s.take());
            drop(back);
        }
    }

    /// Closes the parked connection if its idle timeout or lifetime has passed, as the pool's
    /// reaper closes its own idle connections; `true` if it did. Backends call it every
    /// [`Lane::reap_period`], so that a connection left parked while nothing runs is not kept
    /// open past the pool's rules.
    ///
    /// ```
    /// # use quarry::backend::{Lane, LaneRules};
    /// # use std::time::{Duration, Instant};
    /// # struct Rules;
    /// # impl LaneRules for Rules {
    /// #     type Conn = (Instant, bool);
    /// #     fn reusable(c: &Self::Conn) -> bool { !c.1 }
    /// #     fn opened(c: &Self::Conn) -> Instant { c.0 }
    /// #     fn retire(c: &mut Self::Conn) { c.1 = true }
    /// # }
    /// let mut options = quarry::PoolOptions::default();
    /// options.max_lifetime = Some(Duration::from_secs(60));
    /// let lane = Lane::<Rules>::new(&options);
    /// lane.give_back((Instant::now(), false));
    /// assert!(!lane.reap(), "still young");
    /// assert_eq!(lane.parked(), 1);
    /// lane.take();
    /// lane.give_back((Instant::now() - Duration::from_secs(61), false));
    /// assert!(lane.reap(), "older than its lifetime");
    /// assert_eq!(lane.parked(), 0);
    /// ```
    pub fn reap(&self) -> bool {
        let Ok(mut slot) = self.slot.try_lock() else {
            return false;
        };
        if !slot.as_ref().is_some_and(|p| p.expired(Instant::now())) {
            return false;
        }
        let parked = slot.take();
        // Closed outside the lock.
        drop(slot);
        if let Some(mut p) = parked {
            R::retire(&mut p.conn);
        }
        true
    }

    /// How often a backend should call [`Lane::reap`]: `None` when nothing parked can
    /// expire (no idle timeout and no lifetime) or the lane is off; else a quarter of the
    /// shorter of the two, between 50 ms and 30 s (bb8 reaps its own connections every
    /// 30 s).
    ///
    /// ```
    /// # use quarry::backend::{Lane, LaneRules};
    /// # use std::time::{Duration, Instant};
    /// # struct Rules;
    /// # impl LaneRules for Rules {
    /// #     type Conn = Instant;
    /// #     fn reusable(_: &Self::Conn) -> bool { true }
    /// #     fn opened(c: &Self::Conn) -> Instant { *c }
    /// #     fn retire(_: &mut Self::Conn) {}
    /// # }
    /// let lane = Lane::<Rules>::new(&quarry::PoolOptions::default()); // 10 min idle, 30 min life
    /// assert_eq!(lane.reap_period(), Some(Duration::from_secs(30)));
    /// let mut options = quarry::PoolOptions::default();
    /// options.idle_timeout = Some(Duration::from_secs(8));
    /// assert_eq!(Lane::<Rules>::new(&options).reap_period(), Some(Duration::from_secs(2)));
    /// options.idle_timeout = None;
    /// options.max_lifetime = None;
    /// assert_eq!(Lane::<Rules>::new(&options).reap_period(), None);
    /// ```
    pub fn reap_period(&self) -> Option<Duration> {
        if !self.enabled {
            return None;
        }
        let shortest = match (self.idle_timeout, self.max_lifetime) {
            (Some(a), Some(b)) => a.min(b),
            (a, b) => a.or(b)?,
        };
        Some((shortest / 4).clamp(Duration::from_millis(50), Duration::from_secs(30)))
    }

    /// The task that calls [`Lane::reap`] every [`Lane::reap_period`] for as long as the
    /// lane is alive, for the backend to spawn on its runtime with the runtime's `sleep`;
    /// `None` when nothing parked can expire.
    ///
    /// ```
    /// # use quarry::backend::{Lane, LaneRules};
    /// # use std::time::{Duration, Instant};
    /// # struct Rules;
    /// # impl LaneRules for Rules {
    /// #     type Conn = (Instant, bool);
    /// #     fn reusable(c: &Self::Conn) -> bool { !c.1 }
    /// #     fn opened(c: &Self::Conn) -> Instant { c.0 }
    /// #     fn retire(c: &mut Self::Conn) { c.1 = true }
    /// # }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut options = quarry::PoolOptions::default();
    /// options.idle_timeout = Some(Duration::from_millis(200));
    /// let lane = std::sync::Arc::new(Lane::<Rules>::new(&options));
    /// let reaper = tokio::spawn(Lane::reaper(&lane, tokio::time::sleep).unwrap());
    /// lane.give_back((Instant::now(), false));
    /// tokio::time::sleep(Duration::from_millis(400)).await;
    /// assert_eq!(lane.parked(), 0, "closed while nothing ran");
    /// drop(lane);
    /// reaper.await.unwrap(); // ends once the lane is gone
    /// # }
    /// ```
    pub fn reaper<S, F>(
        lane: &std::sync::Arc<Self>,
        sleep: S,
    ) -> Option<impl Future<Output = ()> + Send + 'static>
    where
        S: Fn(Duration) -> F + Send + 'static,
        F: Future<Output = ()> + Send,
    {
        let period = lane.reap_period()?;
        let lane = std::sync::Arc::downgrade(lane);
        Some(async move {
            loop {
                sleep(period).await;
                match lane.upgrade() {
                    Some(lane) => {
                        lane.reap();
                    }
                    None => break,
                }
            }
        })
    }

    /// 1 while a connection is parked, else 0 (for a backend's `pool_state`).
    ///
    /// ```
    /// # use quarry::backend::{Lane, LaneRules};
    /// # struct Rules;
    /// # impl LaneRules for Rules {
    /// #     type Conn = std::time::Instant;
    /// #     fn reusable(_: &Self::Conn) -> bool { true }
    /// #     fn opened(c: &Self::Conn) -> std::time::Instant { *c }
    /// #     fn retire(_: &mut Self::Conn) {}
    /// # }
    /// let lane = Lane::<Rules>::new(&quarry::PoolOptions::default());
    /// assert_eq!(lane.parked(), 0);
    /// ```
    pub fn parked(&self) -> u32 {
        self.slot
            .lock()
            .map(|s| u32::from(s.is_some()))
            .unwrap_or(0)
    }
}
