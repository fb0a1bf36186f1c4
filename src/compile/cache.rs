//! The compiler's global caches, both keyed by the address of `'static` data (the names and
//! metadata of `table!` tables, which never change): kept here, in one private module, so the
//! rest of the compiler is plain code. Each one's gain is in BENCHMARKS.md ("Why the tricks
//! that stay").

/// Remembers which `'static` identifiers a dialect writes as they are (no quoting), so the
/// names of `table!` tables and columns are checked against the reserved words once, not in
/// every statement. A direct-mapped table of 2048 atomics: an entry packs the string's address
/// (48 bits) and length (8 bits) with a known bit and a plain bit per dialect slot. Races and
/// collisions only lose entries, and a lost entry is recomputed.
pub(super) mod identifiers {
    use std::sync::atomic::{AtomicU64, Ordering};

    const BITS: u32 = 11;
    static CACHE: [AtomicU64; 1 << BITS] = [const { AtomicU64::new(0) }; 1 << BITS];

    /// The entry's index (Fibonacci hashing of the address and length) and its key; `None`
    /// for a string the packing cannot represent.
    #[inline]
    fn key(s: &'static str) -> Option<(usize, u64)> {
        let (ptr, len) = (s.as_ptr() as u64, s.len() as u64);
        if ptr >> 48 != 0 || len.wrapping_sub(1) > 254 {
            return None;
        }
        let h = (ptr ^ (len << 48)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        Some(((h >> (64 - BITS)) as usize, (ptr << 16) | (len << 8)))
    }

    /// Whether `s` is known to be written as it is (`Some(true)`) or quoted, for the
    /// dialect in `slot` (0–3, checked by the writer).
    #[inline]
    pub(in crate::compile) fn get(s: &'static str, slot: u8) -> Option<bool> {
        let (index, key) = key(s)?;
        let e = CACHE[index].load(Ordering::Relaxed);
        if e & !0xff != key || e & (1 << (4 + slot)) == 0 {
            return None;
        }
        Some(e & (1 << slot) != 0)
    }

    pub(in crate::compile) fn put(s: &'static str, slot: u8, plain: bool) {
        let Some((index, key)) = key(s) else { return };
        let bits = (1 << (4 + slot)) | (u64::from(plain) << slot);
        let e = CACHE[index].load(Ordering::Relaxed);
        // Keep what other dialects know of the same string; evict any other string.
        let base = if e & !0xff == key { e } else { key };
        CACHE[index].store(base | bits, Ordering::Relaxed);
    }
}

/// The column lists of INSERTs that give every column of a `table!` struct's table, per
/// dialect (by its identifier cache slot): `" (id, name, email)"`.
///
/// A `table!` struct's metadata is `'static` and never changes, so its list reads the same
/// every time; writing it name by name (each name looked up in the identifier cache,
/// quoted or not) was a tenth of a one-row INSERT's build and compile. The entries are
/// set once each: a table whose entry another table holds is written name by name.
pub(super) mod column_lists {
    use crate::schema::Table;
    use std::sync::OnceLock;

    const TABLES: usize = 256;
    type Entry = OnceLock<(usize, Box<str>)>;
    static CACHE: [Entry; TABLES * 4] = [const { OnceLock::new() }; TABLES * 4];

    /// The list of `t` for the dialect in `slot` (0–3), rendered by `render` the first time.
    #[inline]
    pub(in crate::compile) fn get(
        t: &'static Table,
        slot: u8,
        render: impl FnOnce() -> String,
    ) -> Option<&'static str> {
        let addr = std::ptr::from_ref(t) as usize;
        let hash = (addr as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56;
        let entry = CACHE.get(hash as usize * 4 + usize::from(slot))?;
        let (owner, list) = entry.get_or_init(|| (addr, render().into_boxed_str()));
        (*owner == addr && !list.is_empty()).then_some(&**list)
    }
}
