//! A connection's dedicated thread and the one-slot mailbox that feeds it.
//!
//! The thread owns the `rusqlite::Connection` (inside a mutex, so that `block_in_place` and
//! `spawn_blocking` callers can borrow it too) and runs one job at a time. The caller writes the
//! job into the slot (reusing the slot's SQL and parameter buffers, so a statement costs no
//! allocation of its own), flips `state`, and unparks the thread only if it is parked. After a
//! job the thread spins for a short while before parking, so a caller issuing statements one
//! after another finds it awake; a caller alone on the engine likewise waits briefly for a fast
//! statement before registering its waker, so it is not parked either (both skip a thread
//! wake-up per statement; figures in BENCHMARKS.md).

use crate::bind::{Encoded, Params};
use crate::cache::Cache;
use crate::deadline::Deadline;
use crate::error::error;
use crate::options::SqliteOptions;
use crate::run;
use quarry::{Error, ExecResult, Result, Row, Value};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::task::{Context, Poll, Waker};
use std::thread::Thread;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

const IDLE: u8 = 0;
const REQUEST: u8 = 1;
const RUNNING: u8 = 2;
const RESPONSE: u8 = 3;

/// How long a connection thread spins for its next job before parking.
const THREAD_SPIN: Duration = Duration::from_micros(50);
/// How long a caller alone on the engine spins for a response before yielding.
const CALLER_SPIN: Duration = Duration::from_micros(20);
/// Rows per batch sent from a streaming statement (at most; a batch goes as soon as the
/// consumer has emptied the channel).
const STREAM_BATCH: usize = 128;
/// Batches in flight between a streaming statement and its consumer.
const STREAM_BATCHES: usize = 4;

/// A statement for the connection's thread.
pub(crate) enum Job {
    None,
    /// A statement; `true` for an INSERT.
    Execute(bool),
    Fetch,
    /// The first row only (see [`run::fetch_first`]).
    First,
    Script,
    Ping,
    /// Rolls back a transaction left open by a caller that went away.
    Reset,
    Stream(mpsc::Sender<Result<Vec<Row>>>),
}

/// What a job produced.
pub(crate) enum Response {
    Exec(Result<ExecResult>),
    Rows(Result<Vec<Row>>),
    Row(Result<Option<Row>>),
    Unit(Result<()>),
}

impl Response {
    fn lost() -> Response {
        Response::Unit(Err(lost()))
    }
}

pub(crate) fn lost() -> Error {
    Error::connection("the SQLite connection's thread is gone", None)
}

struct Slot {
    job: Job,
    sql: String,
    params: Encoded,
    response: Option<Response>,
    waker: Option<Waker>,
}

/// The connection and what lives beside it.
pub(crate) struct Held {
    pub(crate) conn: rusqlite::Connection,
    pub(crate) cache: Cache,
    /// The statement timeout's deadline, when one is set.
    pub(crate) deadline: Option<Arc<Deadline>>,
}

/// State shared by a connection's thread and its callers.
pub(crate) struct Shared {
    state: AtomicU8,
    sleeping: AtomicBool,
    closing: AtomicBool,
    dead: AtomicBool,
    autocommit: AtomicBool,
    /// Set when the connection went back to the pool with a job in flight or a transaction
    /// open; the next checkout cleans up first.
    needs_reset: AtomicBool,
    slot: Mutex<Slot>,
    held: Mutex<Option<Held>>,
    interrupt: OnceLock<rusqlite::InterruptHandle>,
    thread: OnceLock<Thread>,
    /// Statements in flight on the thread path of the whole engine: the thread spins for its
    /// next job only when it is the only one working (one caller issuing statements back to
    /// back); under load, spinning threads would only take cores from the ones with work.
    in_flight: Arc<AtomicUsize>,
    /// The work of the last statement run on the connection (see `Cache::last_work`).
    last_work: AtomicU64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Threads allowed to spin at once, process-wide: about half the cores, so that idle
/// connection threads never crowd out the threads doing work.
fn max_spinners() -> usize {
    static MAX: OnceLock<usize> = OnceLock::new();
    *MAX.get_or_init(|| {
        std::thread::available_parallelism()
            .map_or(1, |n| n.get() / 2)
            .max(1)
    })
}

static SPINNING: AtomicUsize = AtomicUsize::new(0);

struct SpinPermit;

impl SpinPermit {
    fn try_acquire() -> Option<SpinPermit> {
        let max = max_spinners();
        SPINNING
            .fetch_update(Ordering::AcqRel, Ordering::Relaxed, |n| {
                (n < max).then_some(n + 1)
            })
            .ok()
            .map(|_| SpinPermit)
    }
}

impl Drop for SpinPermit {
    fn drop(&mut self) {
        SPINNING.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Spins until `ready` or `budget` elapses; whether `ready` became true.
fn spin_until(budget: Duration, mut ready: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    loop {
        for _ in 0..64 {
            if ready() {
                return true;
            }
            std::hint::spin_loop();
        }
        if start.elapsed() >= budget {
            return ready();
        }
    }
}

impl Shared {
    /// Opens a connection on a new thread; returns once it is open (or failed to open).
    pub(crate) async fn spawn(
        options: SqliteOptions,
        name: String,
        in_flight: Arc<AtomicUsize>,
        statement_timeout: Option<Duration>,
    ) -> Result<Arc<Shared>> {
        let shared = Arc::new(Shared {
            state: AtomicU8::new(IDLE),
            sleeping: AtomicBool::new(false),
            closing: AtomicBool::new(false),
            dead: AtomicBool::new(false),
            autocommit: AtomicBool::new(true),
            needs_reset: AtomicBool::new(false),
            slot: Mutex::new(Slot {
                job: Job::None,
                sql: String::new(),
                params: Encoded::default(),
                response: None,
                waker: None,
            }),
            held: Mutex::new(None),
            interrupt: OnceLock::new(),
            thread: OnceLock::new(),
            in_flight,
            last_work: AtomicU64::new(0),
        });
        let (tx, rx) = tokio::sync::oneshot::channel();
        let theirs = shared.clone();
        std::thread::Builder::new()
            .name(name)
            .spawn(move || {
                let _ = theirs.thread.set(std::thread::current());
                let opened = options.open().and_then(|mut conn| {
                    if let Some(f) = &options.on_connect {
                        f(&conn)?;
                    }
                    let deadline = match statement_timeout {
                        Some(t) => Some(Deadline::install(&mut conn, t)?),
                        None => None,
                    };
                    Ok((conn, deadline))
                });
                match opened {
                    Ok((conn, deadline)) => {
                        let _ = theirs.interrupt.set(conn.get_interrupt_handle());
                        *lock(&theirs.held) = Some(Held {
                            conn,
                            cache: Cache::new(options.statement_cache),
                            deadline,
                        });
                        let _ = tx.send(Ok(()));
                        theirs.main();
                    }
                    Err(e) => {
                        theirs.dead.store(true, Ordering::SeqCst);
                        let _ = tx.send(Err(error(e, None)));
                    }
                }
            })
            .map_err(|e| Error::connection(format!("cannot start a SQLite thread: {e}"), None))?;
        rx.await
            .map_err(|_| Error::connection("the SQLite thread stopped while opening", None))??;
        Ok(shared)
    }

    /// The thread's loop: wait for a job, run it, post the response.
    fn main(self: &Arc<Self>) {
        struct Death<'a>(&'a Shared);
        impl Drop for Death<'_> {
            fn drop(&mut self) {
                let s = self.0;
                s.dead.store(true, Ordering::SeqCst);
                // Close the connection here, on its thread.
                drop(lock(&s.held).take());
                let waker = {
                    let mut slot = lock(&s.slot);
                    if s.state.load(Ordering::SeqCst) != IDLE {
                        slot.response = Some(Response::lost());
                        s.state.store(RESPONSE, Ordering::SeqCst);
                    }
                    slot.job = Job::None;
                    slot.waker.take()
                };
                if let Some(w) = waker {
                    w.wake();
                }
            }
        }
        let _death = Death(self);
        let mut sql = String::new();
        let mut params = Encoded::default();
        while self.wait_for_job() {
            let job = {
                let mut slot = lock(&self.slot);
                if self.state.load(Ordering::SeqCst) != REQUEST {
                    continue; // withdrawn by a caller that went away
                }
                std::mem::swap(&mut slot.sql, &mut sql);
                std::mem::swap(&mut slot.params, &mut params);
                self.state.store(RUNNING, Ordering::SeqCst);
                std::mem::replace(&mut slot.job, Job::None)
            };
            let response =
                self.with_conn(|held| perform(held, job, &sql, Params::Encoded(&params)));
            params.clear();
            let waker = {
                let mut slot = lock(&self.slot);
                slot.response = Some(response.unwrap_or_else(|e| Response::Unit(Err(e))));
                self.state.store(RESPONSE, Ordering::SeqCst);
                slot.waker.take()
            };
            if let Some(w) = waker {
                w.wake();
            }
        }
    }

    /// Waits for a job (spinning first, then parked); false when the connection is closing.
    fn wait_for_job(&self) -> bool {
        let has_job = || self.state.load(Ordering::Acquire) == REQUEST;
        let closing = || self.closing.load(Ordering::Acquire);
        if has_job() {
            return true;
        }
        let alone = self.in_flight.load(Ordering::Relaxed) <= 1;
        if let Some(_permit) = alone.then(SpinPermit::try_acquire).flatten() {
            if spin_until(THREAD_SPIN, || has_job() || closing()) {
                return !closing();
            }
        }
        loop {
            self.sleeping.store(true, Ordering::SeqCst);
            if self.closing.load(Ordering::SeqCst) {
                return false;
            }
            if self.state.load(Ordering::SeqCst) == REQUEST {
                self.sleeping.store(false, Ordering::SeqCst);
                return true;
            }
            std::thread::park();
        }
    }

    /// Unparks the thread if it sleeps; whether it did.
    fn wake_thread(&self) -> bool {
        let asleep = self.sleeping.swap(false, Ordering::SeqCst);
        if asleep {
            if let Some(t) = self.thread.get() {
                t.unpark();
            }
        }
        asleep
    }

    /// Runs `f` with the connection on the calling thread (which must be allowed to block).
    pub(crate) fn with_conn<T>(&self, f: impl FnOnce(&mut Held) -> T) -> Result<T> {
        let mut held = lock(&self.held);
        let held = held.as_mut().ok_or_else(lost)?;
        let out = f(held);
        self.autocommit
            .store(held.conn.is_autocommit(), Ordering::SeqCst);
        self.last_work
            .store(held.cache.last_work, Ordering::Relaxed);
        Ok(out)
    }

    /// Asks the thread to close the connection and stop once its current job is done.
    pub(crate) fn close(&self) {
        self.closing.store(true, Ordering::SeqCst);
        self.sleeping.store(false, Ordering::SeqCst);
        if let Some(t) = self.thread.get() {
            t.unpark();
        }
    }

    /// The work of the last statement run on the connection (SQLite VM and full-scan steps).
    pub(crate) fn last_work(&self) -> u64 {
        self.last_work.load(Ordering::Relaxed)
    }

    /// Whether the thread (and so the connection) is gone.
    pub(crate) fn is_dead(&self) -> bool {
        self.dead.load(Ordering::SeqCst)
    }

    /// Interrupts the statement running now, if any.
    pub(crate) fn interrupt(&self) {
        if let Some(h) = self.interrupt.get() {
            h.interrupt();
        }
    }

    /// Whether no job is in flight and no response waits to be collected.
    pub(crate) fn is_clean_mailbox(&self) -> bool {
        self.state.load(Ordering::SeqCst) == IDLE
    }

    /// Whether the connection is idle outside any transaction.
    pub(crate) fn is_clean(&self) -> bool {
        self.state.load(Ordering::SeqCst) == IDLE && self.autocommit.load(Ordering::SeqCst)
    }

    /// Marks the connection for a clean-up at its next checkout.
    pub(crate) fn mark_reset(&self) {
        self.needs_reset.store(true, Ordering::SeqCst);
    }

    /// Whether a clean-up is due (the mark stays).
    pub(crate) fn reset_pending(&self) -> bool {
        self.needs_reset.load(Ordering::SeqCst)
    }

    /// Whether a clean-up is due, clearing the mark.
    pub(crate) fn take_reset(&self) -> bool {
        self.needs_reset.swap(false, Ordering::SeqCst)
    }

    /// Waits for the job of a caller that went away, and drops its response.
    pub(crate) async fn settle(&self) {
        if self.state.load(Ordering::SeqCst) != IDLE {
            let _ = Wait {
                shared: self,
                spin: false,
            }
            .await;
        }
    }

    /// Posts a job (the connection must be settled); whether the thread had to be woken. The
    /// parameters are encoded into the slot's reused buffers (see [`Encoded`]); a value SQLite
    /// cannot bind fails here, and nothing is posted.
    fn submit(&self, job: Job, sql: &str, params: &[Value]) -> Result<bool> {
        {
            let mut slot = lock(&self.slot);
            slot.params.encode(params)?;
            slot.sql.clear();
            slot.sql.push_str(sql);
            slot.job = job;
            slot.response = None;
            self.state.store(REQUEST, Ordering::SeqCst);
        }
        Ok(self.wake_thread())
    }

    /// Runs a job on the thread and waits for its response. A caller alone on the engine
    /// (`in_flight` was 0) whose thread was awake waits briefly for the answer without
    /// yielding. Dropping the future withdraws a job not yet started and interrupts one
    /// running.
    pub(crate) async fn call(&self, job: Job, sql: &str, params: &[Value]) -> Response {
        if self.is_dead() {
            return Response::lost();
        }
        self.settle().await;
        let alone = self.in_flight.fetch_add(1, Ordering::Relaxed) == 0;
        let _in_flight = InFlight(&self.in_flight);
        let woken = match self.submit(job, sql, params) {
            Ok(woken) => woken,
            Err(e) => return Response::Unit(Err(e)),
        };
        let spin = alone && !woken;
        let guard = CancelOnDrop(self);
        let r = Wait { shared: self, spin }.await;
        std::mem::forget(guard);
        r
    }

    /// Starts a streaming job: rows arrive on the returned channel, then the job's response is
    /// left in the slot (collect it with [`Shared::settle`]).
    pub(crate) fn submit_stream(
        &self,
        sql: &str,
        params: &[Value],
    ) -> mpsc::Receiver<Result<Vec<Row>>> {
        let (tx, rx) = mpsc::channel(STREAM_BATCHES);
        if let Err(e) = self.submit(Job::Stream(tx.clone()), sql, params) {
            let _ = tx.try_send(Err(e));
        }
        rx
    }

    /// What a caller that dropped its job does: withdraw it if not started, else interrupt it.
    pub(crate) fn cancel(&self) {
        let mut slot = lock(&self.slot);
        match self.state.load(Ordering::SeqCst) {
            REQUEST => {
                slot.job = Job::None;
                slot.params.clear();
                self.state.store(IDLE, Ordering::SeqCst);
            }
            RUNNING => {
                drop(slot);
                self.interrupt();
            }
            _ => {}
        }
    }
}

/// Decrements the engine's in-flight count when a statement ends or is dropped.
struct InFlight<'a>(&'a AtomicUsize);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

struct CancelOnDrop<'a>(&'a Shared);

impl Drop for CancelOnDrop<'_> {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// Waits for the response in the slot and takes it.
struct Wait<'a> {
    shared: &'a Shared,
    spin: bool,
}

impl Future for Wait<'_> {
    type Output = Response;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Response> {
        let s = self.shared;
        let ready = || s.state.load(Ordering::Acquire) == RESPONSE;
        if self.spin {
            self.spin = false;
            spin_until(CALLER_SPIN, ready);
        }
        let mut slot = lock(&s.slot);
        if s.state.load(Ordering::SeqCst) == RESPONSE {
            let r = slot.response.take().unwrap_or_else(Response::lost);
            s.state.store(IDLE, Ordering::SeqCst);
            return Poll::Ready(r);
        }
        if s.is_dead() {
            s.state.store(IDLE, Ordering::SeqCst);
            return Poll::Ready(Response::lost());
        }
        match &slot.waker {
            Some(w) if w.will_wake(cx.waker()) => {}
            _ => slot.waker = Some(cx.waker().clone()),
        }
        Poll::Pending
    }
}

/// Sends rows of a streaming statement in batches: a batch goes when full, or at once when
/// the consumer has emptied the channel (so the first rows are not held back).
fn stream_rows(
    held: &mut Held,
    sql: &str,
    params: Params<'_>,
    tx: &mpsc::Sender<Result<Vec<Row>>>,
    deadline: Option<&Deadline>,
) -> Result<()> {
    /// The consumer went away: stop quietly.
    struct Gone;
    let mut batch = Vec::with_capacity(STREAM_BATCH);
    let send = |batch: Vec<Row>| tx.blocking_send(Ok(batch)).map_err(|_| Gone);
    let run = run::fetch_each(&held.conn, &mut held.cache, sql, params, |row| {
        batch.push(row?);
        if batch.len() >= STREAM_BATCH || tx.capacity() == tx.max_capacity() {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(STREAM_BATCH));
            return Ok(send(full).is_ok());
        }
        Ok(true)
    });
    if !batch.is_empty() && send(batch).is_err() {
        return Ok(());
    }
    if let Err(e) = run {
        let e = match deadline {
            Some(d) => d.classify(e),
            None => e,
        };
        let _ = tx.blocking_send(Err(e));
    }
    Ok(())
}

/// Runs a job on the connection (on whatever thread holds it), within the statement timeout
/// if one is set.
pub(crate) fn perform(held: &mut Held, job: Job, sql: &str, params: Params<'_>) -> Response {
    let d = match &held.deadline {
        // Cleaning up after a caller that went away is never cut short.
        Some(d) if !matches!(job, Job::None | Job::Reset) => d.clone(),
        _ => return run_job(held, job, sql, params, None),
    };
    d.start();
    match run_job(held, job, sql, params, Some(&d)) {
        Response::Exec(r) => Response::Exec(d.finish(r)),
        Response::Rows(r) => Response::Rows(d.finish(r)),
        Response::Row(r) => Response::Row(d.finish(r)),
        Response::Unit(r) => Response::Unit(d.finish(r)),
    }
}

fn run_job(
    held: &mut Held,
    job: Job,
    sql: &str,
    params: Params<'_>,
    deadline: Option<&Deadline>,
) -> Response {
    match job {
        Job::None => Response::Unit(Ok(())),
        Job::Execute(insert) => Response::Exec(run::execute(
            &held.conn,
            &mut held.cache,
            sql,
            params,
            insert,
        )),
        Job::Fetch => Response::Rows(run::fetch_all(&held.conn, &mut held.cache, sql, params)),
        Job::First => Response::Row(run::fetch_first(&held.conn, &mut held.cache, sql, params)),
        Job::Script => Response::Unit(run::execute_script(&held.conn, &mut held.cache, sql)),
        Job::Ping => Response::Unit(run::execute_script(&held.conn, &mut held.cache, "SELECT 1")),
        Job::Reset => Response::Unit(if held.conn.is_autocommit() {
            Ok(())
        } else {
            run::execute_script(&held.conn, &mut held.cache, "ROLLBACK")
        }),
        Job::Stream(tx) => Response::Unit(stream_rows(held, sql, params, &tx, deadline)),
    }
}
