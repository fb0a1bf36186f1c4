//! The per-connection cache of prepared statements.
//!
//! A statement is keyed by its SQL text and the types of its parameters (for an array
//! parameter, the array type it is bound as: an `int8[]` and a `text[]` parameter make two
//! statements). The first time a key
//! is seen the statement is sent unnamed (parse, bind and execute in one round trip, nothing
//! kept on the server); the second time it is prepared (`prepare_typed`) and kept, and every
//! later run only binds and executes the prepared statement, which skips parsing and planning
//! on the server. One-off statements (DDL, SQL with inlined literals) thus never cost an extra
//! round trip, and repeated ones are prepared from their second run.
//!
//! The cache holds at most `capacity` statements per connection (default
//! [`DEFAULT_CAPACITY`]); when full, the least recently used one is closed on the server.
//! A capacity of 0 turns caching off (every statement is sent unnamed), which is what a
//! transaction-pooling proxy such as PgBouncer before 1.21 needs.

use quarry::{Value, ValueType};
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;
use tokio_postgres::Statement;

/// Statements kept per connection unless the URL sets `statement_cache_size`.
pub(crate) const DEFAULT_CAPACITY: usize = 256;

/// Keys of statements seen once that are remembered (then forgotten all at once).
const SEEN_CAPACITY: usize = 4096;

/// A hasher for keys that already are hashes.
#[derive(Default)]
pub(crate) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only u64 keys are hashed; fold anything else in anyway.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type KeyMap<V> = HashMap<u64, V, BuildHasherDefault<KeyHasher>>;

/// The cache key of `sql` run with `params`: a hash of the text and the parameter types
/// (FxHash-style, eight bytes at a time: this runs on every statement).
pub(crate) fn key(sql: &str, params: &[Value]) -> u64 {
    let mut h = quarry::backend::SqlTextHasher::default();
    h.add_word(sql.len() as u64);
    h.add_bytes(sql.as_bytes());
    h.add_word(params.len() as u64);
    for p in params {
        h.add_word(param_tag(p));
    }
    h.finish()
}

/// A distinct number per parameter type: per [`ValueType`], and for an array per array type
/// it is bound as (see [`crate::bind`]).
fn param_tag(p: &Value) -> u64 {
    match p {
        Value::Array(_) | Value::Null(ValueType::Array) => {
            (1 << 32) | u64::from(crate::bind::type_of(p).oid())
        }
        _ => type_tag(p.value_type()),
    }
}

/// A distinct number per [`ValueType`], for [`param_tag`].
fn type_tag(t: ValueType) -> u64 {
    match t {
        ValueType::Bool => 1,
        ValueType::I16 => 2,
        ValueType::I32 => 3,
        ValueType::I64 => 4,
        ValueType::F32 => 5,
        ValueType::F64 => 6,
        ValueType::Text => 7,
        ValueType::Bytes => 8,
        ValueType::Date => 9,
        ValueType::Time => 10,
        ValueType::Timestamp => 11,
        ValueType::TimestampTz => 12,
        ValueType::Uuid => 13,
        ValueType::Json => 14,
        ValueType::Decimal => 15,
        _ => 16,
    }
}

struct Entry {
    sql: Box<str>,
    /// The types of the parameters the statement was prepared for ([`param_tag`]s).
    types: Box<[u64]>,
    statement: Statement,
    columns: Arc<[String]>,
    last_used: u64,
}

/// What to do with a statement.
pub(crate) enum Lookup<'a> {
    /// Run this prepared statement, whose columns have these names.
    Hit(&'a Statement, &'a Arc<[String]>),
    /// Seen before: prepare it and [`StatementCache::insert`] it.
    Prepare,
    /// Send it unnamed.
    Unnamed,
}

/// Prepared statements of one connection; see the module docs.
pub(crate) struct StatementCache {
    capacity: usize,
    entries: KeyMap<Entry>,
    seen: HashSet<u64, BuildHasherDefault<KeyHasher>>,
    tick: u64,
}

impl StatementCache {
    /// An empty cache of at most `capacity` statements (0: no caching).
    pub(crate) fn new(capacity: usize) -> Self {
        StatementCache {
            capacity,
            entries: KeyMap::default(),
            seen: HashSet::default(),
            tick: 0,
        }
    }

    /// The number of prepared statements held.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Looks `sql` with `params` (of hash `key`) up (one hash lookup: a hit hands out the
    /// statement).
    pub(crate) fn lookup(&mut self, key: u64, sql: &str, params: &[Value]) -> Lookup<'_> {
        if self.capacity == 0 {
            return Lookup::Unnamed;
        }
        self.tick += 1;
        if let Some(e) = self.entries.get_mut(&key) {
            if *e.sql == *sql
                && e.types.len() == params.len()
                && e.types.iter().zip(params).all(|(t, p)| *t == param_tag(p))
            {
                e.last_used = self.tick;
                return Lookup::Hit(&e.statement, &e.columns);
            }
            // A hash collision: prepare this one in its place.
            return Lookup::Prepare;
        }
        if self.seen.contains(&key) {
            return Lookup::Prepare;
        }
        if self.seen.len() >= SEEN_CAPACITY {
            self.seen.clear();
        }
        self.seen.insert(key);
        Lookup::Unnamed
    }

    /// Keeps `statement` for `sql` with `params` (of hash `key`), evicting the least recently
    /// used entry when full; returns its column names.
    pub(crate) fn insert(
        &mut self,
        key: u64,
        sql: &str,
        params: &[Value],
        statement: Statement,
    ) -> Arc<[String]> {
        let columns = crate::decode::column_names(statement.columns());
        if self.capacity == 0 {
            return columns;
        }
        if self.entries.len() >= self.capacity && !self.entries.contains_key(&key) {
            if let Some(oldest) = self
                .entries
                .iter()
                .min_by_key(|(_, e)| e.last_used)
                .map(|(k, _)| *k)
            {
                // Dropping the statement closes it on the server.
                self.entries.remove(&oldest);
            }
        }
        self.seen.remove(&key);
        self.entries.insert(
            key,
            Entry {
                sql: sql.into(),
                types: params.iter().map(param_tag).collect(),
                statement,
                columns: Arc::clone(&columns),
                last_used: self.tick,
            },
        );
        columns
    }

    /// Forgets the statement of hash `key` (its plan went stale).
    pub(crate) fn remove(&mut self, key: u64) {
        self.entries.remove(&key);
    }

    /// Forgets every statement (the server no longer has them).
    pub(crate) fn clear(&mut self) {
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_spread() {
        let keys: HashSet<u64> = (0..10_000)
            .map(|i| key(&format!("SELECT {i}"), &[]))
            .collect();
        assert_eq!(keys.len(), 10_000);
        assert_ne!(key("", &[]), key("\0", &[]));
        assert_ne!(key("abcdefgh", &[]), key("abcdefgh\0", &[]));
    }

    #[test]
    fn keys_depend_on_text_and_types() {
        let a = key("SELECT $1", &[Value::I64(1)]);
        assert_eq!(a, key("SELECT $1", &[Value::I64(2)]));
        assert_eq!(a, key("SELECT $1", &[Value::Null(ValueType::I64)]));
        assert_ne!(a, key("SELECT $1", &[Value::I32(1)]));
        assert_ne!(a, key("SELECT $1 ", &[Value::I64(1)]));
        assert_ne!(a, key("SELECT $1", &[]));
    }

    #[test]
    fn array_keys_depend_on_the_array_type() {
        let sql = "SELECT 1 WHERE x = ANY($1)";
        let ints = key(sql, &[Value::Array(vec![Value::I64(1), Value::I64(2)])]);
        assert_eq!(ints, key(sql, &[Value::Array(vec![Value::I64(3)])]));
        assert_eq!(
            ints,
            key(sql, &[Value::Array(vec![Value::I32(3), Value::I64(4)])])
        );
        assert_ne!(ints, key(sql, &[Value::Array(vec![Value::I32(3)])]));
        assert_ne!(
            ints,
            key(sql, &[Value::Array(vec![Value::Text("a".into())])])
        );
        assert_ne!(ints, key(sql, &[Value::I64(1)]));
        let untyped = key(sql, &[Value::Array(vec![])]);
        assert_ne!(ints, untyped);
        assert_eq!(untyped, key(sql, &[Value::Null(ValueType::Array)]));
    }

    #[test]
    fn cached_entries_match_array_types() {
        let mut c = StatementCache::new(4);
        let sql = "SELECT 1 WHERE x = ANY($1)";
        let ints = [Value::Array(vec![Value::I64(1)])];
        let k = key(sql, &ints);
        assert!(matches!(c.lookup(k, sql, &ints), Lookup::Unnamed));
        assert!(matches!(c.lookup(k, sql, &ints), Lookup::Prepare));
        // A collision of keys with another array type must not reuse the entry: compare
        // the stored tags directly.
        let texts = [Value::Array(vec![Value::Text("a".into())])];
        assert_ne!(param_tag(&ints[0]), param_tag(&texts[0]));
    }

    #[test]
    fn prepares_on_second_sight_only() {
        let mut c = StatementCache::new(2);
        let k = key("SELECT 1", &[]);
        assert!(matches!(c.lookup(k, "SELECT 1", &[]), Lookup::Unnamed));
        assert!(matches!(c.lookup(k, "SELECT 1", &[]), Lookup::Prepare));
        assert_eq!(c.len(), 0);
    }

    #[test]
    fn disabled_cache_sends_everything_unnamed() {
        let mut c = StatementCache::new(0);
        let k = key("SELECT 1", &[]);
        for _ in 0..3 {
            assert!(matches!(c.lookup(k, "SELECT 1", &[]), Lookup::Unnamed));
        }
    }

    #[test]
    fn seen_set_is_bounded() {
        let mut c = StatementCache::new(1);
        for i in 0..(SEEN_CAPACITY as u64 * 2 + 1) {
            c.lookup(i, "x", &[]);
        }
        assert!(c.seen.len() <= SEEN_CAPACITY);
    }

    #[test]
    fn key_hasher_passes_u64_through() {
        let mut h = KeyHasher::default();
        h.write_u64(42);
        assert_eq!(h.finish(), 42);
        let mut h = KeyHasher::default();
        h.write(&[1, 2]);
        assert_ne!(h.finish(), 0);
    }
}
