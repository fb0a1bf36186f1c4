//! PORTABILITY.md is generated from each dialect's `Features`: this test renders the table
//! and fails when the file differs, so the documentation cannot drift from the code.
//! `QUARRY_BLESS=1 cargo test --test portability` writes the file anew.

use quarry::dialect::{
    DateStyle, Features, FullJoinStyle, LargeInList, Returning, RollupStyle, StringAggStyle,
    UpsertStyle, ValuesStyle,
};
use quarry::{Dialect, MariaDb, MySql, Postgres, Sqlite};

const NATIVE: &str = "native";
const UNSUPPORTED: &str = "**Unsupported**";

fn yes_no(on: bool) -> String {
    if on { NATIVE } else { UNSUPPORTED }.to_owned()
}

/// How one dialect gets a construct, read from its features.
type How = fn(&Features) -> String;

/// One row per construct: its name and how each dialect gets it.
fn rows() -> Vec<(&'static str, How)> {
    vec![
        ("`RETURNING`", |f| match f.returning {
            Returning::All => NATIVE.into(),
            Returning::InsertDelete => "INSERT and DELETE; **Unsupported** on UPDATE".into(),
            Returning::None => UNSUPPORTED.into(),
        }),
        ("upsert (`on_conflict`)", |f| {
            match f.upsert {
            UpsertStyle::OnConflict => "native (`ON CONFLICT`)".into(),
            UpsertStyle::OnDuplicateKeyValues => {
                "`ON DUPLICATE KEY UPDATE … VALUE(c)`; a target must be the one unique key (metadata or `assume_only_key`)".into()
            }
            UpsertStyle::OnDuplicateKeyRowAlias => {
                "`ON DUPLICATE KEY UPDATE … new.c` (row alias); a target must be the one unique key (metadata or `assume_only_key`)".into()
            }
        }
        }),
        ("`DEFAULT` in VALUES", |f| {
            if f.values_default {
                NATIVE.into()
            } else {
                "emulated (the declared default written out)".into()
            }
        }),
        ("exact decimal arithmetic and `sum`", |f| {
            match (f.exact_decimal, f.decimal_param_cast) {
                (true, false) => NATIVE.into(),
                (true, true) => "native; bound decimals cast to `DECIMAL(p, s)`".into(),
                (false, _) => "emulated: computed in REAL, a select item decoded at the scale its columns' metadata and values give (exact up to 15 significant digits; otherwise the REAL's shortest digits)".into(),
            }
        }),
        ("`Cte::values` (VALUES as a CTE body)", |f| {
            match f.values_query {
                ValuesStyle::Values => "`VALUES (…), …`".into(),
                ValuesStyle::ValuesRow => "`VALUES ROW(…), …`".into(),
                ValuesStyle::UnionAllSelects => "emulated (`SELECT … UNION ALL SELECT …`)".into(),
            }
        }),
        ("FULL JOIN", |f| {
            match f.full_join {
            FullJoinStyle::Native => NATIVE.into(),
            FullJoinStyle::EmulatedUnion => "emulated (`LEFT JOIN … UNION ALL` the `RIGHT JOIN`'s rows whose NOT NULL left key `IS NULL`); **Unsupported** without a NOT NULL left column in the metadata, with GROUP BY, aggregates, windows, DISTINCT, row locks, two FULL JOINs, or ORDER BY terms outside the select list".into(),
            FullJoinStyle::Unsupported => UNSUPPORTED.into(),
        }
        }),
        ("LATERAL", |f| yes_no(f.lateral)),
        ("INTERSECT / EXCEPT", |f| yes_no(f.intersect_except)),
        ("DISTINCT ON", |f| yes_no(f.distinct_on)),
        ("NULLS FIRST / LAST", |f| {
            if f.nulls_ordering {
                NATIVE.into()
            } else {
                "emulated (`x IS NULL`, then `x`)".into()
            }
        }),
        ("ILIKE", |f| {
            if f.ilike {
                NATIVE.into()
            } else {
                "emulated (`lower(x) LIKE lower(p)`)".into()
            }
        }),
        ("aggregate FILTER", |f| {
            if f.aggregate_filter {
                NATIVE.into()
            } else {
                "emulated (`CASE WHEN`; count, sum, avg, min, max)".into()
            }
        }),
        ("ORDER BY inside an aggregate", |f| {
            if f.aggregate_order_by {
                NATIVE.into()
            } else {
                "`string_agg` only".into()
            }
        }),
        ("`string_agg`", |f| match f.string_agg {
            StringAggStyle::StringAgg => "native (`string_agg`)".into(),
            StringAggStyle::GroupConcatSeparator => {
                "`GROUP_CONCAT … SEPARATOR` (separator as a literal)".into()
            }
            StringAggStyle::GroupConcat => "`group_concat`".into(),
        }),
        ("`json_agg`", |f| {
            format!(
                "`{}`{}",
                f.json_agg.0,
                if f.json_agg.1 {
                    ""
                } else {
                    "; **Unsupported** with ORDER BY"
                }
            )
        }),
        ("`array_agg`", |f| yes_no(f.array_agg)),
        ("TEXT (`String`) key columns", |f| {
            match f.text_key_varchar {
                None => NATIVE.into(),
                Some(n) => format!("emulated: created as `VARCHAR({n})`"),
            }
        }),
        ("integer `/` (truncating)", |f| {
            format!("`{}`", f.integer_division)
        }),
        ("GROUP BY ROLLUP", |f| match f.rollup {
            RollupStyle::Function => "native (`ROLLUP (…)`)".into(),
            RollupStyle::WithRollup { order_by: true } => "`WITH ROLLUP`".into(),
            RollupStyle::WithRollup { order_by: false } => {
                "`WITH ROLLUP`; **Unsupported** with ORDER BY".into()
            }
            RollupStyle::None => UNSUPPORTED.into(),
        }),
        ("GROUPING()", |f| yes_no(f.grouping_function)),
        ("`x op ALL/ANY (SELECT …)`", |f| {
            yes_no(f.quantified_subquery)
        }),
        ("window frames in GROUPS", |f| yes_no(f.window_groups)),
        ("`floor` / `ceil`", |f| {
            if f.math_functions {
                NATIVE.into()
            } else {
                "emulated (`CAST(x AS INTEGER)` ± a step, as REAL)".into()
            }
        }),
        ("`power`", |f| yes_no(f.math_functions)),
        ("`round(x, digits)` of a float", |f| {
            if f.round_digits_numeric_only {
                "emulated (rounded as NUMERIC, cast back)".into()
            } else {
                NATIVE.into()
            }
        }),
        ("`extract` (date fields)", |f| match f.dates {
            DateStyle::ExtractNumeric => "`EXTRACT`, cast to BIGINT".into(),
            DateStyle::ExtractInteger => "`EXTRACT`".into(),
            DateStyle::Strftime => "`strftime`".into(),
        }),
        ("`days_between`", |f| match f.dates {
            DateStyle::ExtractNumeric => "`date - date`".into(),
            DateStyle::ExtractInteger => "`DATEDIFF`".into(),
            DateStyle::Strftime => "`julianday` difference".into(),
        }),
        (
            "date and timestamp ± `days`, `months`, … (month ends clamp)",
            |f| match f.dates {
                DateStyle::ExtractNumeric => {
                    "`x + n * INTERVAL '1 month'` (cast back to DATE for a date)".into()
                }
                DateStyle::ExtractInteger => "`x + INTERVAL n MONTH`".into(),
                DateStyle::Strftime => {
                    "`date(x, '<n> months', 'floor')`; timestamps through `datetime`, fraction kept"
                        .into()
                }
            },
        ),
        ("`greatest` / `least`", |f| {
            format!("`{}` / `{}`", f.greatest_least.0, f.greatest_least.1)
        }),
        ("`position`", |f| format!("`{}`", f.position_function)),
        ("`length` (characters)", |f| {
            format!("`{}`", f.char_length_function)
        }),
        ("string concatenation", |f| {
            if f.concat_function {
                "`CONCAT(…)`".into()
            } else {
                "`\\|\\|`".into()
            }
        }),
        ("large IN lists", |f| match f.large_in_list {
            LargeInList::Plain => "one parameter per value".into(),
            LargeInList::Array => "one array parameter (`= ANY($1)`)".into(),
            LargeInList::JsonEach => "one JSON parameter (`json_each`)".into(),
            LargeInList::JsonTable => "one JSON parameter (`JSON_TABLE`)".into(),
        }),
        ("multi-row INSERT", |f| yes_no(f.multi_row_insert)),
        ("bulk load (`insert_rows`, large inserts)", |f| {
            if f.bulk_copy {
                "`COPY … FROM STDIN (FORMAT binary)`".into()
            } else {
                "multi-row INSERTs in one transaction".into()
            }
        }),
        ("transactional DDL (`create_all`, `drop_all`)", |f| {
            if f.transactional_ddl {
                "yes: all or nothing".into()
            } else {
                "no: each DDL statement commits".into()
            }
        }),
    ]
}

fn render() -> String {
    let dialects: [(&str, &dyn Dialect); 4] = [
        ("PostgreSQL", &Postgres),
        ("MySQL 8", &MySql),
        ("MariaDB", &MariaDb),
        ("SQLite", &Sqlite),
    ];
    let mut out = String::from(
        "# Portability\n\n\
         How quarry writes each construct on each dialect: natively, emulated (an equivalent \
         that gives the same rows), or refused with `ErrorKind::Unsupported` when compiling, \
         before anything reaches the database; each refusal's message names a rewrite. Row \
         values, window functions, CTEs (recursive too) and the `quarry::functions` helpers not \
         listed here are native everywhere.\n\n\
         Generated from each dialect's `Features` by `tests/portability.rs` (`QUARRY_BLESS=1 \
         cargo test --test portability` writes it anew). MySQL 8 has no server in this \
         project's test setup: its column is checked by compile tests only.\n\n",
    );
    out.push_str("| construct |");
    for (name, _) in &dialects {
        out.push_str(&format!(" {name} |"));
    }
    out.push_str("\n|---|");
    for _ in &dialects {
        out.push_str("---|");
    }
    out.push('\n');
    for (construct, how) in rows() {
        out.push_str(&format!("| {construct} |"));
        for (_, d) in &dialects {
            out.push_str(&format!(" {} |", how(d.features())));
        }
        out.push('\n');
    }
    out
}

#[test]
fn portability_table_matches_the_features() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/PORTABILITY.md");
    let want = render();
    if std::env::var("QUARRY_BLESS").is_ok_and(|v| v == "1") {
        std::fs::write(path, &want).expect("write PORTABILITY.md");
        return;
    }
    let got = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        got == want,
        "PORTABILITY.md differs from the dialects' Features: run `QUARRY_BLESS=1 cargo test --test portability` and review the diff"
    );
}
