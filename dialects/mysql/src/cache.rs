//! The per-connection cache of prepared statements, by SQL text.
//!
//! `mysql_async` can cache prepared statements itself when handed SQL text, but it then parses
//! the text for named parameters and boxes a future on every execution. quarry keeps its own
//! map from SQL text to [`Statement`] (least recently used ones are closed beyond its
//! capacity) and executes the statement object directly, which is what a hand-written
//! `mysql_async` program holding its `Statement`s does. `mysql_async`'s own cache is sized
//! above this one so that it never closes a statement this cache still holds.
//!
//! The statement used last is checked first (a string comparison), and the map hashes with a
//! multiply-rotate hash rather than SipHash: the keys are the application's own SQL.

use mysql_async::Statement;
use quarry::backend::SqlTextHasher as FxHasher;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;

type Map = HashMap<Box<str>, (Statement, u64), BuildHasherDefault<FxHasher>>;

/// Prepared statements of one connection, by SQL text.
#[derive(Debug)]
pub(crate) struct StmtCache {
    /// SQL text → the statement and when it was last looked up in the map.
    map: Map,
    /// The SQL text of the statement used last (a reused buffer), checked before hashing.
    last_sql: String,
    /// The statement used last (also in `map`), if any.
    last: Option<Statement>,
    /// A counter of lookups, for least-recently-used eviction.
    clock: u64,
    capacity: usize,
}

impl StmtCache {
    /// An empty cache holding at most `capacity` statements (at least one).
    pub(crate) fn new(capacity: usize) -> Self {
        StmtCache {
            map: Map::default(),
            last_sql: String::new(),
            last: None,
            clock: 0,
            capacity: capacity.max(1),
        }
    }

    /// Records that the statement used last stops being so: its map entry gets the current
    /// time, which it did not get while it was served from `last`.
    fn retire_last(&mut self) {
        if self.last.take().is_some() {
            if let Some((_, used)) = self.map.get_mut(self.last_sql.as_str()) {
                *used = self.clock;
            }
        }
    }

    /// Makes `stmt` (for `sql`) the statement used last.
    fn set_last(&mut self, sql: &str, stmt: Statement) {
        self.last_sql.clear();
        self.last_sql.push_str(sql);
        self.last = Some(stmt);
    }

    /// The statement prepared for `sql`, if any (it becomes the most recently used),
    /// borrowed: executing it takes no clone.
    pub(crate) fn get(&mut self, sql: &str) -> Option<&Statement> {
        self.clock += 1;
        if self.last.is_some() && self.last_sql == sql {
            return self.last.as_ref();
        }
        let clock = self.clock;
        let stmt = self.map.get_mut(sql).map(|(stmt, used)| {
            *used = clock;
            stmt.clone()
        })?;
        self.retire_last();
        self.set_last(sql, stmt);
        self.last.as_ref()
    }

    /// Remembers `stmt` for `sql`; returns the statement evicted to make room (the least
    /// recently used), which the caller closes on the server.
    pub(crate) fn insert(&mut self, sql: &str, stmt: Statement) -> Option<Statement> {
        self.clock += 1;
        self.retire_last();
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
        self.map.insert(sql.into(), (stmt.clone(), self.clock));
        self.set_last(sql, stmt);
        evicted
    }

    /// Forgets the statement of `sql` (the server no longer knows it).
    pub(crate) fn remove(&mut self, sql: &str) {
        if self.last.is_some() && self.last_sql == sql {
            self.last = None;
        }
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
    use std::hash::BuildHasher;

    // Statements come only from a live server: eviction is tested live
    // (`prepared_statements_are_cached_per_connection` with `stmt_cache_size=2`).
    #[test]
    fn empty_cache() {
        let mut c = StmtCache::new(0);
        assert_eq!(c.capacity, 1);
        assert!(c.get("SELECT 1").is_none());
        c.remove("SELECT 1");
        assert_eq!(c.len(), 0);
    }

    #[test]
    fn hasher_spreads_keys() {
        let b = BuildHasherDefault::<FxHasher>::default();
        let h = |s: &str| b.hash_one(s);
        assert_ne!(h("SELECT 1"), h("SELECT 2"));
        assert_ne!(h("a"), h("a\0"));
        assert_ne!(h(""), h("\0"));
        assert_eq!(
            h("SELECT id FROM t WHERE id = ?"),
            h("SELECT id FROM t WHERE id = ?")
        );
        let distinct: std::collections::HashSet<u64> =
            (0..10_000).map(|i| h(&format!("SELECT {i}"))).collect();
        assert_eq!(distinct.len(), 10_000);
    }
}
