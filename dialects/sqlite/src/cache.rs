//! Per-connection state kept beside rusqlite's prepared-statement cache: result metadata by
//! SQL text, and the work of the last statement.

use crate::decode::Meta;
use std::collections::HashMap;
use std::sync::Arc;

/// Hashes SQL text by its length and its first and last bytes only, so that looking up a long
/// statement (a multi-row INSERT of a bulk load is some 100 KB) costs a short hash and one
/// `memcmp` instead of hashing all of it. Texts alike at both ends and of equal length share a
/// hash and are told apart by comparison.
///
/// The hash is [`quarry::backend::SqlTextHasher`], seeded per map, rather than SipHash: a lookup
/// happens on every statement (figures in BENCHMARKS.md), and the keys are the application's
/// own SQL texts, not outside input.
#[derive(Clone, Debug)]
pub(crate) struct SqlHash(u64);

impl Default for SqlHash {
    fn default() -> Self {
        use std::hash::BuildHasher;
        SqlHash(std::collections::hash_map::RandomState::new().hash_one(0x5eed_u64) | 1)
    }
}

impl std::hash::BuildHasher for SqlHash {
    type Hasher = SampledHasher;
    fn build_hasher(&self) -> SampledHasher {
        SampledHasher(quarry::backend::SqlTextHasher::with_seed(self.0))
    }
}

/// The hasher of [`SqlHash`].
pub(crate) struct SampledHasher(quarry::backend::SqlTextHasher);

impl std::hash::Hasher for SampledHasher {
    fn write(&mut self, bytes: &[u8]) {
        /// Bytes hashed at each end of a long text.
        const EDGE: usize = 128;
        self.0.add_word(bytes.len() as u64);
        if bytes.len() <= 2 * EDGE {
            self.0.add_bytes(bytes);
        } else {
            self.0.add_bytes(&bytes[..EDGE]);
            self.0.add_bytes(&bytes[bytes.len() - EDGE..]);
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.0.add_word(u64::from(i));
    }
    fn finish(&self) -> u64 {
        self.0.finish()
    }
}

/// A statement's result metadata, and the statement's run and re-prepare counters
/// (`sqlite3_stmt_status`) as of its last run that quarry saw.
#[derive(Debug)]
struct MetaEntry {
    meta: Arc<Meta>,
    reprepares: i32,
    runs: i32,
}

/// The statement's (re-prepare, run) counters. SQLite counts a run when it starts (the first
/// step), and keeps both counters across a re-prepare, which adds one to the first.
fn counters(stmt: &rusqlite::Statement<'_>) -> (i32, i32) {
    use rusqlite::StatementStatus as S;
    (stmt.get_status(S::RePrepare), stmt.get_status(S::Run))
}

/// Per-connection state kept beside rusqlite's statement cache: result metadata by SQL text.
///
/// The metadata of a cached statement stays valid while the statement is the same prepared
/// statement and was not re-prepared (a schema change re-prepares it, and may change its
/// columns). Rather than reading every column's name and declared type again on each run,
/// quarry follows the statement's counters: every run of a cached statement goes through
/// [`Cache::meta`] or [`Cache::after_run`], so the entry's run count is the statement's as of
/// its previous run; a run that finds one more run and no re-prepare is the same statement,
/// unchanged. Anything else (a re-prepare, a statement prepared afresh after rusqlite's
/// cache evicted it, whose counters start again at 0, a run quarry did not see) reads the
/// metadata again.
#[derive(Debug, Default)]
pub(crate) struct Cache {
    meta: HashMap<Box<str>, MetaEntry, SqlHash>,
    capacity: usize,
    /// The work of the last statement: SQLite virtual-machine steps plus full-scan steps
    /// (a measure that, unlike a clock, does not depend on the machine's load).
    pub(crate) last_work: u64,
}

impl Cache {
    pub(crate) fn new(capacity: usize) -> Cache {
        Cache {
            meta: HashMap::default(),
            capacity: capacity.max(1),
            last_work: 0,
        }
    }

    /// The metadata of `stmt` (text `sql`), read after its first step in this run.
    pub(crate) fn meta(&mut self, sql: &str, stmt: &rusqlite::Statement<'_>) -> Arc<Meta> {
        let (reprepares, runs) = counters(stmt);
        if let Some(e) = self.meta.get_mut(sql) {
            if e.reprepares == reprepares && e.runs.wrapping_add(1) == runs {
                e.runs = runs;
                return e.meta.clone();
            }
        }
        let m = Arc::new(Meta::build(stmt));
        if self.meta.len() >= self.capacity {
            self.meta.clear();
        }
        let entry = MetaEntry {
            meta: m.clone(),
            reprepares,
            runs,
        };
        self.meta.insert(sql.into(), entry);
        m
    }

    /// After a run of `stmt` (text `sql`): its work, and, when the run did not read the
    /// metadata (`meta_read` false), the run counted against the metadata kept for `sql`.
    pub(crate) fn after_run(&mut self, sql: &str, stmt: &rusqlite::Statement<'_>, meta_read: bool) {
        self.last_work = work(stmt);
        if meta_read || self.meta.is_empty() {
            return;
        }
        let (reprepares, runs) = counters(stmt);
        if let Some(e) = self.meta.get_mut(sql) {
            if e.reprepares == reprepares && e.runs.wrapping_add(1) == runs {
                e.runs = runs;
            } else {
                self.meta.remove(sql);
            }
        }
    }
}

/// The work `stmt` did since the last call (and resets its counters).
fn work(stmt: &rusqlite::Statement<'_>) -> u64 {
    use rusqlite::StatementStatus as S;
    let steps = stmt.reset_status(S::VmStep) + stmt.reset_status(S::FullscanStep);
    u64::try_from(steps).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sql_texts_hash_by_their_ends() {
        use std::collections::HashSet;
        use std::hash::BuildHasher;
        let h = SqlHash::default();
        // Short texts: every byte counts.
        let short: HashSet<u64> = (0..10_000)
            .map(|i| h.hash_one(format!("SELECT * FROM t WHERE id = {i}")))
            .collect();
        assert!(short.len() > 9_990, "{} distinct hashes", short.len());
        // Long texts alike at both ends share a hash, and a map still tells them apart.
        let long = |mid: char| format!("{}{}{}", "a".repeat(200), mid, "b".repeat(200));
        assert_eq!(h.hash_one(long('x')), h.hash_one(long('y')));
        assert_ne!(h.hash_one(long('x')), h.hash_one(format!("{}!", long('x'))));
        let mut m: HashMap<Box<str>, u8, SqlHash> = HashMap::default();
        m.insert(long('x').into(), 1);
        m.insert(long('y').into(), 2);
        assert_eq!((m[long('x').as_str()], m[long('y').as_str()]), (1, 2));
    }
}
