//! The statement timeout on SQLite: a progress handler that interrupts a statement running
//! longer than [`quarry::PoolOptions::statement_timeout`], measured from the start of each
//! statement. Installed only when a timeout is set; it looks at the clock every
//! [`CHECK_EVERY`] virtual-machine steps.

use quarry::Error;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Virtual-machine steps between two looks at the clock.
const CHECK_EVERY: std::ffi::c_int = 1000;

/// No statement running: the handler never interrupts.
const NONE: u64 = u64::MAX;

/// A connection's statement deadline, shared by the thread running its statements and the
/// progress handler.
pub(crate) struct Deadline {
    timeout: Duration,
    /// The clock's origin: deadlines are nanoseconds since it.
    base: Instant,
    /// When the running statement is cut off ([`NONE`] between statements).
    at: AtomicU64,
    /// Set by the handler when it interrupted the running statement (not a caller's cancel).
    fired: AtomicBool,
}

impl Deadline {
    /// Installs the progress handler enforcing `timeout` on `conn`.
    pub(crate) fn install(
        conn: &mut rusqlite::Connection,
        timeout: Duration,
    ) -> rusqlite::Result<Arc<Deadline>> {
        let deadline = Arc::new(Deadline {
            timeout,
            base: Instant::now(),
            at: AtomicU64::new(NONE),
            fired: AtomicBool::new(false),
        });
        let theirs = deadline.clone();
        conn.progress_handler(CHECK_EVERY, Some(move || theirs.expired()))?;
        Ok(deadline)
    }

    fn now(&self) -> u64 {
        u64::try_from(self.base.elapsed().as_nanos()).unwrap_or(NONE - 1)
    }

    /// A statement starts: it may run for the timeout from now.
    pub(crate) fn start(&self) {
        let at = self
            .now()
            .saturating_add(u64::try_from(self.timeout.as_nanos()).unwrap_or(NONE));
        self.fired.store(false, Ordering::Relaxed);
        self.at.store(at.min(NONE - 1), Ordering::Relaxed);
    }

    /// The statement is over; `result` is its outcome, an interrupt by this deadline
    /// becoming a [`ErrorKind::Timeout`] error.
    pub(crate) fn finish<T>(&self, result: quarry::Result<T>) -> quarry::Result<T> {
        self.at.store(NONE, Ordering::Relaxed);
        result.map_err(|e| self.classify(e))
    }

    /// `e` as a timeout if it is the interrupt this deadline caused.
    pub(crate) fn classify(&self, e: Error) -> Error {
        if self.fired.load(Ordering::Relaxed) {
            crate::error::timed_out(e)
        } else {
            e
        }
    }

    /// The progress handler: whether to interrupt the running statement.
    fn expired(&self) -> bool {
        let at = self.at.load(Ordering::Relaxed);
        if at == NONE || self.now() < at {
            return false;
        }
        self.fired.store(true, Ordering::Relaxed);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quarry::ErrorKind;

    const SLOW: &str = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c \
                        WHERE x < 1000000000) SELECT count(*) FROM c";

    fn run(conn: &rusqlite::Connection, d: &Deadline, sql: &str) -> quarry::Result<i64> {
        d.start();
        let r = conn
            .query_row(sql, [], |r| r.get::<_, i64>(0))
            .map_err(|e| crate::error::error(e, Some(sql)));
        d.finish(r)
    }

    #[test]
    fn interrupts_a_long_statement_and_not_the_next() {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        let d = Deadline::install(&mut conn, Duration::from_millis(100)).unwrap();
        let started = Instant::now();
        let e = run(&conn, &d, SLOW).unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(2));
        assert!(e.is_timeout(), "{e:?}");
        assert_eq!(e.code(), Some("9"));
        assert_eq!(run(&conn, &d, "SELECT 1").unwrap(), 1);
        // Between statements the deadline is off: a long pause does not count.
        std::thread::sleep(Duration::from_millis(150));
        let mut stmt = conn
            .prepare("SELECT count(*) FROM (SELECT 1 UNION ALL SELECT 2)")
            .unwrap();
        assert_eq!(stmt.query_row([], |r| r.get::<_, i64>(0)).unwrap(), 2);
    }

    #[test]
    fn an_interrupt_from_elsewhere_is_not_a_timeout() {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        let d = Deadline::install(&mut conn, Duration::from_secs(60)).unwrap();
        let handle = conn.get_interrupt_handle();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            handle.interrupt();
        });
        let e = run(&conn, &d, SLOW).unwrap_err();
        t.join().unwrap();
        assert_eq!(e.kind(), ErrorKind::Database, "{e:?}");
        assert_eq!(e.code(), Some("9"));
    }
}
