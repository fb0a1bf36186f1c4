//! The per-connection cache of prepared statements, by SQL text.
//!
//! `mysql_async` can cache prepared statements itself when handed SQL text, but it then parses
//! the text for named parameters and boxes a future on every execution. quarry keeps its own
//! map from SQL text to [`Statement`] (least recently used ones are closed beyond its
//! capacity) and executes the statement object directly, which is what a hand-written
//! `mysql_async` program holding its `Statement`s does. `mysql_async`'s own cache is sized
//! above this one so that it never closes a statement this cache still holds.

use mysql_async::Statement;
use std::collections::HashMap;

/// Prepared statements of one connection, by SQL text.
#[derive(Debug)]
pub(crate) struct StmtCache {
    /// SQL text → the statement and when it was last used.
    map: HashMap<Box<str>, (Statement, u64)>,
    /// A counter of uses, for least-recently-used eviction.
    clock: u64,
    capacity: usize,
}

impl StmtCache {
    /// An empty cache holding at most `capacity` statements (at least one).
    pub(crate) fn new(capacity: usize) -> Self {
        StmtCache {
            map: HashMap::new(),
            clock: 0,
            capacity: capacity.max(1),
        }
    }

    /// The statement prepared for `sql`, if any (it becomes the most recently used).
    pub(crate) fn get(&mut self, sql: &str) -> Option<Statement> {
        self.clock += 1;
        let clock = self.clock;
        self.map.get_mut(sql).map(|(stmt, used)| {
            *used = clock;
            stmt.clone()
        })
    }

    /// Remembers `stmt` for `sql`; returns the statement evicted to make room, which the
    /// caller closes on the server.
    pub(crate) fn insert(&mut self, sql: &str, stmt: Statement) -> Option<Statement> {
        self.clock += 1;
        let evicted = if self.map.len() >= self.capacity && !self.map.contains_key(sql) {
            let oldest = self
                .map
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(k, _)| k.clone());
            oldest.and_then(|k| self.map.remove(&k)).map(|(s, _)| s)
        } else {
            None
        };
        self.map.insert(sql.into(), (stmt, self.clock));
        evicted
    }

    /// Forgets the statement of `sql` (the server no longer knows it).
    pub(crate) fn remove(&mut self, sql: &str) {
        self.map.remove(sql);
    }

    /// How many statements are cached.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Statements come only from a live server; the eviction logic is tested through the
    // bookkeeping of a cache of capacity 0 (clamped to 1) and through the live tests
    // (`prepared_statements_are_cached_per_connection`).
    #[test]
    fn empty_cache() {
        let mut c = StmtCache::new(0);
        assert_eq!(c.capacity, 1);
        assert!(c.get("SELECT 1").is_none());
        c.remove("SELECT 1");
        assert_eq!(c.len(), 0);
    }
}
