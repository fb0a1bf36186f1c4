//! Schema diff (`quarry::migrate`): every kind of change, the order of the changes, rename
//! hints, hazards, descriptions, rendered DDL per dialect, and property tests that apply the
//! changes to a model of the old schema and check each step is valid and the result is the new
//! schema. No database needed.

use std::collections::BTreeMap;

use proptest::prelude::*;
use quarry::migrate::{diff, format_plan, Diff, Hazard, SchemaChange};
use quarry::{
    AlterOp, Check, ColumnDef, Dialect, ErrorKind, FkAction, ForeignKey, Index, MariaDb, MetaData,
    MySql, Postgres, PrimaryKey, ServerDefault, SqlType, Sqlite, Table, Unique, Value,
};

fn id() -> ColumnDef {
    ColumnDef::new("id", SqlType::BigInt).primary_key()
}

fn users() -> Table {
    Table::new("users")
        .column(id())
        .column(ColumnDef::new("email", SqlType::Varchar(200)).not_null())
        .unique(Unique::new(["email"]).named("uq_users_email"))
        .index(Index::on("ix_users_email", ["email"]))
}

fn orders() -> Table {
    Table::new("orders")
        .column(id())
        .column(ColumnDef::new("user_id", SqlType::BigInt).not_null())
        .column(ColumnDef::new("total", SqlType::numeric(10, 2)))
        .foreign_key(ForeignKey::new(["user_id"], "users", ["id"]).named("fk_orders_user"))
        .check(Check::new("total >= 0").named("ck_orders_total"))
        .index(Index::on("ix_orders_user", ["user_id"]))
}

fn md(tables: impl IntoIterator<Item = Table>) -> MetaData {
    tables.into_iter().fold(MetaData::new(), MetaData::with)
}

fn lines(changes: &[SchemaChange]) -> Vec<String> {
    changes.iter().map(ToString::to_string).collect()
}

fn ops(change: &SchemaChange) -> &[AlterOp] {
    match change {
        SchemaChange::Alter(a) => a.ops(),
        other => panic!("not an alter: {other}"),
    }
}

/// One table's old and new definition, diffed.
fn diff_table(old: Table, new: Table) -> Vec<SchemaChange> {
    diff(&md([old]), &md([new])).unwrap()
}

// ----------------------------------------------------------------------------------------------
// No change.

#[test]
fn equal_schemas_give_no_changes() {
    let a = md([users(), orders()]);
    assert_eq!(diff(&a, &a).unwrap(), []);
    let empty = MetaData::new();
    assert_eq!(diff(&empty, &empty).unwrap(), []);
}

#[test]
fn table_and_column_order_is_not_a_change() {
    let a = md([users(), orders()]);
    let mut reordered = orders();
    reordered.columns.reverse();
    let b = md([reordered, users()]);
    assert_eq!(diff(&a, &b).unwrap(), []);
}

#[test]
fn equivalent_declarations_give_no_changes() {
    // Shorthand on the column versus the table-level constraint.
    let short = Table::new("t")
        .column(ColumnDef::new("id", SqlType::BigInt).primary_key())
        .column(ColumnDef::new("code", SqlType::Varchar(10)).unique())
        .column(ColumnDef::new("parent", SqlType::BigInt).references("t", "id"))
        .check(Check::new("(id > 0)"));
    let long = Table::new("t")
        .column(ColumnDef::new("id", SqlType::BigInt)) // nullable, but in the primary key
        .column(ColumnDef::new("code", SqlType::Varchar(10)))
        .column(ColumnDef::new("parent", SqlType::BigInt))
        .primary_key(PrimaryKey::new(["id"]))
        .unique(Unique::new(["code"]).named("t_code_key"))
        .foreign_key(
            ForeignKey::new(["parent"], "t", ["id"])
                .named("t_parent_fkey")
                .on_delete(FkAction::NoAction),
        )
        .check(Check::new("id  >  0").named("t_id_check"));
    assert_eq!(diff_table(short.clone(), long.clone()), []);
    // The reflected side (named) against the declared side (unnamed), both ways round.
    assert_eq!(diff_table(long, short), []);
}

#[test]
fn tables_in_schemas() {
    let t = |fk: ForeignKey| {
        Table::new("orders")
            .schema("app")
            .column(id())
            .column(ColumnDef::new("user_id", SqlType::BigInt))
            .foreign_key(fk.named("fk_orders_user"))
    };
    let u = || users().schema("app");
    // A foreign key's schema defaults to its table's.
    let implicit = md([u(), t(ForeignKey::new(["user_id"], "users", ["id"]))]);
    let explicit = md([
        u(),
        t(ForeignKey::new(["user_id"], "users", ["id"]).ref_schema("app")),
    ]);
    assert_eq!(diff(&implicit, &explicit).unwrap(), []);
    // The same name in another schema is another table.
    assert_eq!(
        lines(&diff(&md([u()]), &md([users()])).unwrap()),
        [
            "drop table app.users",
            "create table users (id BIGINT NOT NULL, email VARCHAR(200) NOT NULL)"
        ]
    );
    // Hints name tables as `schema.name`.
    let renamed = md([
        {
            let mut p = u();
            p.name = "people".into();
            p
        },
        t(ForeignKey::new(["user_id"], "people", ["id"])),
    ]);
    let changes = Diff::new(&explicit, &renamed)
        .rename_table("app.users", "app.people")
        .rename_column("app.people", "email", "mail")
        .changes();
    assert!(changes.unwrap_err().to_string().contains("no column mail"));
    let changes = Diff::new(&explicit, &renamed)
        .rename_table("app.users", "app.people")
        .changes()
        .unwrap();
    assert_eq!(lines(&changes), ["rename table app.users to people"]);
    assert_eq!(
        changes[0].statements(&Postgres).unwrap()[0].sql,
        "ALTER TABLE app.users RENAME TO people"
    );
}

#[test]
fn column_foreign_key_kept_on_the_column_counts() {
    // A ColumnDef built with its foreign key still on it (not moved by Table::column).
    let mut col = ColumnDef::new("user_id", SqlType::BigInt);
    col.foreign_key = Some(ForeignKey::new(["user_id"], "users", ["id"]).named("fk_o_u"));
    let mut a = Table::new("o").column(ColumnDef::new("id", SqlType::BigInt));
    a.columns.push(col);
    let b = Table::new("o")
        .column(ColumnDef::new("id", SqlType::BigInt))
        .column(ColumnDef::new("user_id", SqlType::BigInt))
        .foreign_key(ForeignKey::new(["user_id"], "users", ["id"]).named("fk_o_u"));
    assert_eq!(diff(&md([users(), a]), &md([users(), b])).unwrap(), []);
}

// ----------------------------------------------------------------------------------------------
// Each kind of change.

#[test]
fn create_and_drop_table() {
    let changes = diff(&md([users()]), &md([users(), orders()])).unwrap();
    assert_eq!(changes, [SchemaChange::CreateTable(orders())]);
    let changes = diff(&md([users(), orders()]), &md([users()])).unwrap();
    assert_eq!(changes, [SchemaChange::DropTable(orders())]);
}

#[test]
fn column_changes() {
    let old = Table::new("t")
        .column(id())
        .column(ColumnDef::new("gone", SqlType::Text))
        .column(ColumnDef::new("n", SqlType::Integer))
        .column(ColumnDef::new("s", SqlType::Varchar(20)).server_default("x"))
        .column(ColumnDef::new("c", SqlType::Text).comment("old"))
        .column(ColumnDef::new("k", SqlType::BigInt));
    let new = Table::new("t")
        .column(id())
        .column(ColumnDef::new("n", SqlType::BigInt).not_null())
        .column(ColumnDef::new("s", SqlType::Varchar(20)))
        .column(ColumnDef::new("c", SqlType::Text))
        .column(ColumnDef::new("k", SqlType::BigInt).autoincrement())
        .column(ColumnDef::new("note", SqlType::Varchar(200)))
        .comment("a table");
    let changes = diff_table(old, new);
    assert_eq!(changes.len(), 1);
    assert_eq!(
        ops(&changes[0]),
        [
            AlterOp::DropColumn("gone".into()),
            AlterOp::AddColumn(ColumnDef::new("note", SqlType::Varchar(200))),
            AlterOp::AlterType {
                column: "n".into(),
                to: SqlType::BigInt
            },
            AlterOp::SetNullable {
                column: "n".into(),
                nullable: false
            },
            AlterOp::SetDefault {
                column: "s".into(),
                default: None
            },
            AlterOp::SetColumnComment {
                column: "c".into(),
                comment: None
            },
            AlterOp::SetAutoincrement {
                column: "k".into(),
                autoincrement: true
            },
            AlterOp::SetComment(Some("a table".into())),
        ]
    );
    assert_eq!(
        changes[0].to_string(),
        "drop column t.gone; add column t.note VARCHAR(200) NULL; \
         change type of t.n from INTEGER to BIGINT; set t.n NOT NULL; drop default of t.s; \
         drop comment of t.c; make t.k auto-increment; set comment of table t to 'a table'"
    );
}

#[test]
fn added_column_loses_its_shorthand_to_table_level_ops() {
    let old = Table::new("t").column(id());
    let new = Table::new("t")
        .column(id())
        .column(ColumnDef::new("code", SqlType::Varchar(10)).unique())
        .column(ColumnDef::new("p", SqlType::BigInt).references("t", "id"));
    let changes = diff_table(old, new);
    assert_eq!(changes.len(), 2, "{changes:?}");
    assert_eq!(
        ops(&changes[0]),
        [
            AlterOp::AddColumn(ColumnDef::new("code", SqlType::Varchar(10))),
            AlterOp::AddColumn(ColumnDef::new("p", SqlType::BigInt)),
            AlterOp::AddUnique(Unique::new(["code"])),
        ]
    );
    assert_eq!(
        ops(&changes[1]),
        [AlterOp::AddForeignKey(ForeignKey::new(["p"], "t", ["id"]))]
    );
}

#[test]
fn constraint_changes_are_drop_and_add() {
    let old = Table::new("t")
        .column(id())
        .column(ColumnDef::new("a", SqlType::BigInt))
        .column(ColumnDef::new("b", SqlType::BigInt))
        .unique(Unique::new(["a"]).named("uq_a"))
        .unique(Unique::new(["b"]).named("uq_b"))
        .check(Check::new("a > 0").named("ck_a"))
        .check(Check::new("b > 0").named("ck_b"));
    let new = Table::new("t")
        .column(id())
        .column(ColumnDef::new("a", SqlType::BigInt))
        .column(ColumnDef::new("b", SqlType::BigInt))
        .unique(Unique::new(["a", "b"]).named("uq_a"))
        .check(Check::new("a > 1").named("ck_a"))
        .check(Check::new("a <> b"));
    let changes = diff_table(old, new);
    assert_eq!(
        ops(&changes[0]),
        [
            AlterOp::DropConstraint("uq_a".into()),
            AlterOp::DropConstraint("uq_b".into()),
            AlterOp::DropConstraint("ck_a".into()),
            AlterOp::DropConstraint("ck_b".into()),
            AlterOp::AddUnique(Unique::new(["a", "b"]).named("uq_a")),
            AlterOp::AddCheck(Check::new("a > 1").named("ck_a")),
            AlterOp::AddCheck(Check::new("a <> b")),
        ]
    );
}

#[test]
fn primary_key_change() {
    let old = Table::new("t")
        .column(id())
        .column(ColumnDef::new("v", SqlType::BigInt));
    let new = Table::new("t")
        .column(ColumnDef::new("id", SqlType::BigInt).not_null())
        .column(ColumnDef::new("v", SqlType::BigInt).not_null())
        .primary_key(PrimaryKey::new(["id", "v"]));
    let changes = diff_table(old.clone(), new.clone());
    assert_eq!(
        ops(&changes[0]),
        [
            AlterOp::DropPrimaryKey,
            AlterOp::SetNullable {
                column: "v".into(),
                nullable: false
            },
            AlterOp::AddPrimaryKey(PrimaryKey::new(["id", "v"])),
        ]
    );
    // A name change of a named key is a change too.
    let named = |n: &str| {
        Table::new("t")
            .column(ColumnDef::new("id", SqlType::BigInt))
            .primary_key(PrimaryKey::new(["id"]).named(n))
    };
    let changes = diff_table(named("pk_a"), named("pk_b"));
    assert_eq!(
        ops(&changes[0]),
        [
            AlterOp::DropPrimaryKey,
            AlterOp::AddPrimaryKey(PrimaryKey::new(["id"]).named("pk_b"))
        ]
    );
    // Dropping the key.
    let changes = diff_table(
        old,
        Table::new("t")
            .column(ColumnDef::new("id", SqlType::BigInt))
            .column(ColumnDef::new("v", SqlType::BigInt)),
    );
    assert_eq!(
        ops(&changes[0]),
        [
            AlterOp::DropPrimaryKey,
            AlterOp::SetNullable {
                column: "id".into(),
                nullable: true
            }
        ]
    );
}

#[test]
fn foreign_key_changes() {
    let changed = Table::new("orders")
        .column(id())
        .column(ColumnDef::new("user_id", SqlType::BigInt).not_null())
        .column(ColumnDef::new("total", SqlType::numeric(10, 2)))
        .foreign_key(
            ForeignKey::new(["user_id"], "users", ["id"])
                .named("fk_orders_user")
                .on_delete(FkAction::Cascade),
        )
        .check(Check::new("total >= 0").named("ck_orders_total"))
        .index(Index::on("ix_orders_user", ["user_id"]));
    let changes = diff(&md([users(), orders()]), &md([users(), changed])).unwrap();
    assert_eq!(
        lines(&changes),
        [
            "drop constraint fk_orders_user of orders",
            "add foreign key fk_orders_user orders (user_id) -> users (id)"
        ]
    );
}

#[test]
fn index_changes() {
    let mut new = users();
    new.indexes = vec![
        Index::on("ix_users_email", ["email"]).unique(),
        Index::new("ix_users_id_desc").column_desc("id"),
    ];
    let changes = diff(&md([users()]), &md([new])).unwrap();
    assert_eq!(
        lines(&changes),
        [
            "drop index ix_users_email of users",
            "create unique index ix_users_email on users (email)",
            "create index ix_users_id_desc on users (id DESC)",
        ]
    );
}

fn mood(values: &[&str]) -> SqlType {
    SqlType::enumeration("mood", values.iter().copied())
}

#[test]
fn enum_types() {
    let t = |ty: SqlType| Table::new("p").column(id()).column(ColumnDef::new("m", ty));
    let plain = Table::new("p")
        .column(id())
        .column(ColumnDef::new("m", SqlType::Text));
    // Created before the table uses it, dropped after the column stops using it.
    let changes = diff(&md([plain.clone()]), &md([t(mood(&["a", "b"]))])).unwrap();
    assert_eq!(
        lines(&changes),
        [
            "create enum mood ('a', 'b')",
            "change type of p.m from TEXT to ENUM mood"
        ]
    );
    assert!(changes[1].destructive().is_some());
    let changes = diff(&md([t(mood(&["a", "b"]))]), &md([plain])).unwrap();
    assert_eq!(
        lines(&changes),
        [
            "change type of p.m from ENUM mood to TEXT",
            "drop enum mood"
        ]
    );
    assert_eq!(changes[0].destructive(), None);
    // Values added.
    let changes = diff(
        &md([t(mood(&["a", "b"]))]),
        &md([t(mood(&["a", "b", "c"]))]),
    )
    .unwrap();
    assert_eq!(
        lines(&changes),
        [
            "change enum mood from ('a', 'b') to ('a', 'b', 'c')",
            "change type of p.m from ENUM mood to ENUM mood"
        ]
    );
    assert_eq!(changes[0].destructive(), None);
    assert_eq!(changes[1].destructive(), None);
    // Values dropped.
    let changes = diff(&md([t(mood(&["a", "b"]))]), &md([t(mood(&["a"]))])).unwrap();
    assert_eq!(
        changes[0].destructive().as_deref(),
        Some("drops value(s) b of enum mood")
    );
    assert!(changes[1].destructive().is_some());
}

// ----------------------------------------------------------------------------------------------
// Order.

fn chain(name: &str, parent: Option<&str>) -> Table {
    let t = Table::new(name).column(id());
    match parent {
        Some(p) => t
            .column(ColumnDef::new("parent_id", SqlType::BigInt))
            .foreign_key(ForeignKey::new(["parent_id"], p, ["id"]).named(format!("fk_{name}"))),
        None => t,
    }
}

#[test]
fn new_tables_come_in_foreign_key_order() {
    // c → b → a, declared (and named) against the alphabet.
    let to = md([
        chain("a", Some("b")),
        chain("b", Some("c")),
        chain("c", None),
    ]);
    let changes = diff(&MetaData::new(), &to).unwrap();
    let names: Vec<String> = changes
        .iter()
        .map(|c| match c {
            SchemaChange::CreateTable(t) => t.name.clone(),
            other => panic!("{other}"),
        })
        .collect();
    assert_eq!(names, ["c", "b", "a"]);
    // Dropped in the reverse order.
    let changes = diff(&to, &MetaData::new()).unwrap();
    assert_eq!(
        lines(&changes),
        ["drop table a", "drop table b", "drop table c"]
    );
}

#[test]
fn foreign_keys_in_a_cycle_are_added_after_the_tables() {
    let to = md([chain("a", Some("b")), chain("b", Some("a"))]);
    let changes = diff(&MetaData::new(), &to).unwrap();
    // As MetaData::create_all_ddl does: the tables without the keys of the cycle, then the keys.
    assert_eq!(
        lines(&changes),
        [
            "create table a (id BIGINT NOT NULL, parent_id BIGINT NULL)",
            "create table b (id BIGINT NOT NULL, parent_id BIGINT NULL)",
            "add foreign key fk_a a (parent_id) -> b (id)",
            "add foreign key fk_b b (parent_id) -> a (id)",
        ]
    );
    assert!(matches!(&changes[0], SchemaChange::CreateTable(t) if t.foreign_keys.is_empty()));
    // Dropping the cycle drops a foreign key first.
    let changes = diff(&to, &MetaData::new()).unwrap();
    assert_eq!(
        lines(&changes),
        [
            "drop constraint fk_a of a",
            "drop constraint fk_b of b",
            "drop table b",
            "drop table a",
        ]
    );
    // Unnamed foreign keys in a dropped cycle (SQLite reports no names) are left to DROP
    // TABLE, which SQLite runs in any order with enforcement off.
    let mut a = chain("a", Some("b"));
    a.foreign_keys[0].name = None;
    let mut b = chain("b", Some("a"));
    b.foreign_keys[0].name = None;
    let changes = diff(&md([a, b]), &MetaData::new()).unwrap();
    assert_eq!(lines(&changes), ["drop table b", "drop table a"]);
}

#[test]
fn self_reference_is_created_inline() {
    let changes = diff(&MetaData::new(), &md([chain("a", Some("a"))])).unwrap();
    assert_eq!(changes, [SchemaChange::CreateTable(chain("a", Some("a")))]);
}

#[test]
fn foreign_keys_dropped_first_and_added_last() {
    // orders loses its key to users, users goes; orders gains a key to a new table.
    let new_orders = Table::new("orders")
        .column(id())
        .column(ColumnDef::new("shop_id", SqlType::BigInt))
        .foreign_key(ForeignKey::new(["shop_id"], "shops", ["id"]).named("fk_orders_shop"));
    let shops = Table::new("shops").column(id());
    let changes = diff(&md([users(), orders()]), &md([new_orders, shops])).unwrap();
    assert_eq!(
        lines(&changes),
        [
            "drop constraint fk_orders_user of orders",
            "drop table users",
            "drop index ix_orders_user of orders",
            "drop constraint ck_orders_total of orders; drop column orders.user_id; \
             drop column orders.total; add column orders.shop_id BIGINT NULL",
            "create table shops (id BIGINT NOT NULL)",
            "add foreign key fk_orders_shop orders (shop_id) -> shops (id)",
        ]
    );
    assert!(changes[1].destructive().is_some());
}

#[test]
fn foreign_key_to_a_changed_key_goes_and_comes_back() {
    // users' primary key changes name (as between a reflected and a declared schema that names
    // it): the unchanged foreign key of orders relies on it, so it is dropped first and added
    // again at the end.
    let named = |pk: &str| {
        Table::new("users")
            .column(ColumnDef::new("id", SqlType::BigInt))
            .primary_key(PrimaryKey::new(["id"]).named(pk))
    };
    let changes = diff(
        &md([named("users_pkey"), orders()]),
        &md([named("pk_users"), orders()]),
    )
    .unwrap();
    assert_eq!(
        lines(&changes),
        [
            "drop constraint fk_orders_user of orders",
            "drop primary key of users; add primary key pk_users on users (id)",
            "add foreign key fk_orders_user orders (user_id) -> users (id)",
        ]
    );
}

#[test]
fn foreign_key_over_a_retyped_column_goes_and_comes_back() {
    let widen = |t: Table, col: &str| {
        let mut t = t;
        for c in t.columns.iter_mut().filter(|c| c.name == col) {
            c.sql_type = SqlType::Numeric {
                precision: 20,
                scale: 0,
            };
        }
        t
    };
    let changes = diff(
        &md([users(), orders()]),
        &md([widen(users(), "id"), widen(orders(), "user_id")]),
    )
    .unwrap();
    assert_eq!(
        lines(&changes),
        [
            "drop constraint fk_orders_user of orders",
            "change type of orders.user_id from BIGINT to NUMERIC(20, 0)",
            "change type of users.id from BIGINT to NUMERIC(20, 0)",
            "add foreign key fk_orders_user orders (user_id) -> users (id)",
        ]
    );
}

#[test]
fn index_dropped_before_its_column() {
    let mut new = users();
    new.columns.retain(|c| c.name != "email");
    new.uniques.clear();
    new.indexes.clear();
    let changes = diff(&md([users()]), &md([new])).unwrap();
    assert_eq!(
        lines(&changes),
        [
            "drop index ix_users_email of users",
            "drop constraint uq_users_email of users; drop column users.email",
        ]
    );
}

#[test]
fn order_does_not_depend_on_declaration_order() {
    let a1 = md([users(), orders(), chain("x", None)]);
    let b1 = md([chain("y", Some("x")), chain("x", None), users()]);
    let a2 = md([chain("x", None), orders(), users()]);
    let b2 = md([users(), chain("x", None), chain("y", Some("x"))]);
    assert_eq!(diff(&a1, &b1).unwrap(), diff(&a2, &b2).unwrap());
}

// ----------------------------------------------------------------------------------------------
// Renames.

#[test]
fn table_rename_keeps_foreign_keys_pointing_at_it() {
    let people = {
        let mut t = users();
        t.name = "people".into();
        t
    };
    let new_orders = {
        let mut t = orders();
        t.foreign_keys[0].ref_table = "people".into();
        t
    };
    let from = md([users(), orders()]);
    let to = md([people, new_orders]);
    let changes = Diff::new(&from, &to)
        .rename_table("users", "people")
        .changes()
        .unwrap();
    assert_eq!(lines(&changes), ["rename table users to people"]);
    // Without the hint: the foreign key is dropped, the table dropped and created.
    let changes = diff(&from, &to).unwrap();
    assert_eq!(
        lines(&changes)[0],
        "drop constraint fk_orders_user of orders"
    );
    assert!(changes
        .iter()
        .any(|c| matches!(c, SchemaChange::DropTable(t) if t.name == "users")));
}

#[test]
fn column_rename_comes_before_other_changes_and_follows_references() {
    let old = Table::new("t")
        .column(id())
        .column(ColumnDef::new("mail", SqlType::Varchar(100)))
        .unique(Unique::new(["mail"]).named("uq_t_mail"))
        .index(Index::on("ix_t_mail", ["mail"]));
    let new = Table::new("people")
        .column(id())
        .column(ColumnDef::new("email", SqlType::Varchar(200)).not_null())
        .unique(Unique::new(["email"]).named("uq_t_mail"))
        .index(Index::on("ix_t_mail", ["email"]));
    let changes = Diff::new(&md([old.clone()]), &md([new.clone()]))
        .rename_table("t", "people")
        .rename_column("people", "mail", "email")
        .changes()
        .unwrap();
    assert_eq!(
        lines(&changes),
        [
            "rename table t to people",
            "rename column people.mail to email; \
             change type of people.email from VARCHAR(100) to VARCHAR(200); \
             set people.email NOT NULL",
        ]
    );
    // The old table's name works for the column hint too.
    let again = Diff::new(&md([old]), &md([new]))
        .rename_table("t", "people")
        .rename_column("t", "mail", "email")
        .changes()
        .unwrap();
    assert_eq!(again, changes);
}

#[test]
fn rename_hints_naming_nothing_are_errors() {
    let from = md([users()]);
    let to = md([{
        let mut t = users();
        t.name = "people".into();
        t
    }]);
    let err = |d: Diff<'_>| {
        let e = d.changes().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidSchema, "{e}");
        e.to_string()
    };
    assert!(err(Diff::new(&from, &to).rename_table("nobody", "people")).contains("nobody"));
    assert!(err(Diff::new(&from, &to).rename_table("users", "nobody")).contains("nobody"));
    // The old name is still there: not a rename.
    assert!(err(Diff::new(&from, &from).rename_table("users", "users")).contains("still"));
    assert!(err(Diff::new(&from, &to)
        .rename_table("users", "people")
        .rename_column("people", "nope", "email"))
    .contains("nope"));
    assert!(err(Diff::new(&from, &to)
        .rename_table("users", "people")
        .rename_column("people", "email", "nope"))
    .contains("nope"));
    assert!(err(Diff::new(&from, &to).rename_column("ghost", "a", "b")).contains("ghost"));
    assert!(err(Diff::new(&from, &to)
        .rename_table("users", "people")
        .rename_table("users", "people"))
    .contains("another rename"));
}

#[test]
fn unnamed_constraint_is_dropped_by_content() {
    let old = Table::new("t")
        .column(id())
        .column(ColumnDef::new("a", SqlType::BigInt).unique())
        .check(Check::new("a > 0"));
    let new = Table::new("t")
        .column(id())
        .column(ColumnDef::new("a", SqlType::BigInt));
    let changes = diff(&md([old]), &md([new.clone()])).unwrap();
    assert_eq!(
        lines(&changes),
        ["drop unique (a) of t; drop check (a > 0) of t"]
    );
    let SchemaChange::Alter(alter) = &changes[0] else {
        panic!("{changes:?}")
    };
    // SQLite rebuilds the table without them; the other databases want a name.
    assert_eq!(alter.apply().unwrap(), new);
    let sqlite: Vec<String> = alter
        .compile(&Sqlite)
        .unwrap()
        .into_iter()
        .map(|c| c.sql)
        .collect();
    assert!(
        sqlite[0].starts_with("CREATE TABLE _quarry_new_t"),
        "{sqlite:?}"
    );
    assert!(
        !sqlite[0].contains("UNIQUE") && !sqlite[0].contains("CHECK"),
        "{sqlite:?}"
    );
    for d in [&Postgres as &dyn Dialect, &MySql, &MariaDb] {
        let err = alter.compile(d).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidSchema, "{}", d.name());
        assert!(err.to_string().contains("by its name"), "{err}");
    }
}

// ----------------------------------------------------------------------------------------------
// Hazards and descriptions.

fn type_change(from: SqlType, to: SqlType) -> SchemaChange {
    let changes = diff_table(
        Table::new("t").column(ColumnDef::new("a", from)),
        Table::new("t").column(ColumnDef::new("a", to)),
    );
    assert_eq!(changes.len(), 1);
    changes.into_iter().next().unwrap()
}

#[test]
fn narrowing_type_changes_are_destructive() {
    use SqlType as T;
    for (from, to) in [
        (T::Varchar(100), T::Varchar(10)),
        (T::Char(10), T::Char(5)),
        (T::Text, T::Varchar(255)),
        (T::numeric(10, 2), T::numeric(8, 2)),
        (T::numeric(10, 2), T::numeric(10, 0)),
        (T::BigInt, T::Integer),
        (T::Integer, T::SmallInt),
        (T::Double, T::Real),
        (T::Text, T::Integer),
        (T::Json, T::Blob),
    ] {
        let c = type_change(from.clone(), to.clone());
        assert!(c.destructive().is_some(), "{from:?} -> {to:?}");
    }
    for (from, to) in [
        (T::Varchar(10), T::Varchar(100)),
        (T::Varchar(10), T::Text),
        (T::SmallInt, T::BigInt),
        (T::Real, T::Double),
        (T::numeric(8, 2), T::numeric(12, 4)),
        (T::Integer, T::Text),
        (T::Date, T::Timestamp),
    ] {
        let c = type_change(from.clone(), to.clone());
        assert_eq!(c.destructive(), None, "{from:?} -> {to:?}");
    }
    assert_eq!(
        type_change(T::BigInt, T::Integer).destructive().as_deref(),
        Some("narrows t.a from BIGINT to INTEGER")
    );
    assert_eq!(
        type_change(T::Text, T::Integer).destructive().as_deref(),
        Some("converts (the cast may fail or lose data) t.a from TEXT to INTEGER")
    );
}

#[test]
fn data_checks_and_losses() {
    let old = Table::new("t")
        .column(id())
        .column(ColumnDef::new("a", SqlType::Text));
    let new = Table::new("t")
        .column(id())
        .column(ColumnDef::new("a", SqlType::Text).not_null())
        .column(ColumnDef::new("b", SqlType::BigInt).not_null())
        .column(
            ColumnDef::new("c", SqlType::BigInt)
                .not_null()
                .server_default(0i64),
        );
    let c = &diff_table(old.clone(), new)[0];
    assert_eq!(c.destructive(), None);
    assert_eq!(
        c.hazards(),
        [
            Hazard::NeedsDataCheck(
                "adds NOT NULL column t.b without a server default (fails if the table has rows)"
                    .into()
            ),
            Hazard::NeedsDataCheck("sets t.a NOT NULL (fails if it holds NULLs)".into()),
        ]
    );
    let dropped = &diff_table(old, Table::new("t").column(id()))[0];
    assert_eq!(dropped.destructive().as_deref(), Some("drops column t.a"));
    assert_eq!(dropped.needs_data_check(), None);
    // Safe changes have no hazard.
    let created = SchemaChange::CreateTable(users());
    assert!(created.hazards().is_empty());
    // New constraints may not hold on the rows already there.
    let with = Table::new("t")
        .column(ColumnDef::new("id", SqlType::BigInt).not_null())
        .column(ColumnDef::new("a", SqlType::Text))
        .primary_key(PrimaryKey::new(["id"]))
        .unique(Unique::new(["a"]).named("uq"))
        .check(Check::new("id > 0").named("ck"))
        .foreign_key(ForeignKey::new(["id"], "t", ["id"]).named("fk"))
        .index(Index::on("ix", ["a"]).unique());
    let bare = Table::new("t")
        .column(ColumnDef::new("id", SqlType::BigInt).not_null())
        .column(ColumnDef::new("a", SqlType::Text));
    let checks: Vec<String> = diff_table(bare, with)
        .iter()
        .flat_map(SchemaChange::hazards)
        .map(|h| match h {
            Hazard::NeedsDataCheck(r) => r,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        checks,
        [
            "adds a primary key on t (id) (fails on duplicate values)",
            "adds a unique constraint on t (a) (fails on duplicate values)",
            "adds check (id > 0) on t (fails if a row violates it)",
            "creates unique index ix on t (fails on duplicate values)",
            "adds a foreign key on t (id) (fails if a row has no match in t)",
        ]
    );
}

#[test]
fn hazard_follows_a_renamed_column() {
    let changes = Diff::new(
        &md([Table::new("t").column(ColumnDef::new("a", SqlType::BigInt))]),
        &md([Table::new("t").column(ColumnDef::new("b", SqlType::Integer))]),
    )
    .rename_column("t", "a", "b")
    .changes()
    .unwrap();
    assert_eq!(
        changes[0].destructive().as_deref(),
        Some("narrows t.b from BIGINT to INTEGER")
    );
}

#[test]
fn plan_is_numbered_and_marks_hazards() {
    let old = md([users(), orders(), Table::new("legacy").column(id())]);
    let mut new_orders = orders();
    new_orders
        .columns
        .push(ColumnDef::new("note", SqlType::Varchar(200)));
    let changes = diff(&old, &md([users(), new_orders])).unwrap();
    assert_eq!(
        format_plan(&changes),
        "1. drop table legacy  [DATA LOSS: drops table legacy and its rows]\n\
         2. add column orders.note VARCHAR(200) NULL\n"
    );
}

#[test]
fn display_of_each_change() {
    let e = match mood(&["a"]) {
        SqlType::Enum(e) => e,
        _ => unreachable!(),
    };
    let t = Table::new("t").schema("s");
    let ix = Index::on("ix", ["a"]);
    let cases = [
        (
            SchemaChange::CreateType(e.clone()),
            "create enum mood ('a')",
        ),
        (SchemaChange::DropType(e), "drop enum mood"),
        (
            SchemaChange::CreateIndex {
                table: t.clone(),
                index: ix.clone(),
            },
            "create index ix on s.t (a)",
        ),
        (
            SchemaChange::DropIndex {
                table: t.clone(),
                index: ix,
            },
            "drop index ix of s.t",
        ),
        (
            SchemaChange::RenameTable {
                table: t.clone(),
                to: "u".into(),
            },
            "rename table s.t to u",
        ),
        (SchemaChange::DropTable(t.clone()), "drop table s.t"),
        (
            SchemaChange::CreateTable(
                Table::new("n").column(
                    ColumnDef::new("a", SqlType::BigInt)
                        .not_null()
                        .autoincrement()
                        .server_default_expr("1 + 1"),
                ),
            ),
            "create table n (a BIGINT NOT NULL DEFAULT (1 + 1) AUTOINCREMENT)",
        ),
        (
            SchemaChange::Alter(
                quarry::AlterTable::new(&t)
                    .set_default("a", ServerDefault::Literal(Value::Text("it's".into())))
                    .add_check(Check::new("a > 0"))
                    .op(AlterOp::AddPrimaryKey(PrimaryKey::new(["a"]).named("pk")))
                    .drop_constraint("c")
                    .op(AlterOp::DropPrimaryKey)
                    .drop_not_null("a"),
            ),
            "set default of s.t.a to 'it''s'; add check on s.t (a > 0); \
             add primary key pk on s.t (a); drop constraint c of s.t; drop primary key of s.t; \
             drop NOT NULL on s.t.a",
        ),
    ];
    for (change, text) in cases {
        assert_eq!(change.to_string(), text);
    }
}

// ----------------------------------------------------------------------------------------------
// Rendered DDL.

const DIALECTS: [&dyn Dialect; 3] = [&Postgres, &MySql, &Sqlite];

fn sql(change: &SchemaChange, d: &dyn Dialect) -> Vec<String> {
    change
        .statements(d)
        .unwrap()
        .into_iter()
        .map(|c| c.sql)
        .collect()
}

#[test]
fn ddl_create_table() {
    let t = users().comment("people");
    let c = SchemaChange::CreateTable(t);
    assert_eq!(
        sql(&c, &Postgres),
        [
            "CREATE TABLE users (\n  id BIGINT NOT NULL,\n  email VARCHAR(200) NOT NULL,\n  \
             PRIMARY KEY (id),\n  CONSTRAINT uq_users_email UNIQUE (email)\n)",
            "CREATE INDEX ix_users_email ON users (email)",
            "COMMENT ON TABLE users IS 'people'",
        ]
    );
    assert_eq!(
        sql(&c, &MySql),
        [
            "CREATE TABLE users (\n  id BIGINT NOT NULL,\n  email VARCHAR(200) NOT NULL,\n  \
             PRIMARY KEY (id),\n  CONSTRAINT uq_users_email UNIQUE (email)\n) COMMENT = 'people'",
            "CREATE INDEX ix_users_email ON users (email)",
        ]
    );
    assert_eq!(
        sql(&c, &Sqlite),
        [
            "CREATE TABLE users (\n  id BIGINT NOT NULL,\n  email VARCHAR(200) NOT NULL,\n  \
             PRIMARY KEY (id),\n  CONSTRAINT uq_users_email UNIQUE (email)\n)",
            "CREATE INDEX ix_users_email ON users (email)",
        ]
    );
}

#[test]
fn ddl_drop_and_rename_table() {
    let t = Table::new("t").schema("app");
    let drop = SchemaChange::DropTable(t.clone());
    let rename = SchemaChange::RenameTable {
        table: t,
        to: "order".into(),
    };
    assert_eq!(sql(&drop, &Postgres), ["DROP TABLE app.t"]);
    assert_eq!(sql(&drop, &MySql), ["DROP TABLE app.t"]);
    assert_eq!(sql(&drop, &Sqlite), ["DROP TABLE app.t"]);
    assert_eq!(
        sql(&rename, &Postgres),
        ["ALTER TABLE app.t RENAME TO \"order\""]
    );
    assert_eq!(
        sql(&rename, &MySql),
        ["ALTER TABLE app.t RENAME TO app.`order`"]
    );
    assert_eq!(
        sql(&rename, &Sqlite),
        ["ALTER TABLE app.t RENAME TO \"order\""]
    );
    let bad = SchemaChange::RenameTable {
        table: Table::new("t"),
        to: String::new(),
    };
    for d in DIALECTS {
        assert!(bad.statements(d).is_err());
    }
}

#[test]
fn ddl_index_changes() {
    let t = users();
    let ix = Index::on("ix_users_email", ["email"]).unique();
    let create = SchemaChange::CreateIndex {
        table: t.clone(),
        index: ix.clone(),
    };
    let drop = SchemaChange::DropIndex {
        table: t,
        index: ix,
    };
    assert_eq!(
        sql(&create, &Postgres),
        ["CREATE UNIQUE INDEX ix_users_email ON users (email)"]
    );
    assert_eq!(
        sql(&create, &MySql),
        ["CREATE UNIQUE INDEX ix_users_email ON users (email)"]
    );
    assert_eq!(
        sql(&create, &Sqlite),
        ["CREATE UNIQUE INDEX ix_users_email ON users (email)"]
    );
    assert_eq!(sql(&drop, &Postgres), ["DROP INDEX ix_users_email"]);
    assert_eq!(sql(&drop, &MySql), ["DROP INDEX ix_users_email ON users"]);
    assert_eq!(sql(&drop, &Sqlite), ["DROP INDEX ix_users_email"]);
}

#[test]
fn ddl_enum_types() {
    let e = |v: &[&str]| match mood(v) {
        SqlType::Enum(e) => e,
        _ => unreachable!(),
    };
    let create = SchemaChange::CreateType(e(&["a", "b"]));
    let drop = SchemaChange::DropType(e(&["a", "b"]));
    assert_eq!(
        sql(&create, &Postgres),
        ["CREATE TYPE mood AS ENUM ('a', 'b')"]
    );
    assert_eq!(sql(&drop, &Postgres), ["DROP TYPE mood"]);
    let alter = SchemaChange::AlterEnum {
        from: e(&["b", "d"]),
        to: e(&["a", "b", "c", "d", "e", "f"]),
    };
    assert_eq!(
        sql(&alter, &Postgres),
        [
            "ALTER TYPE mood ADD VALUE 'a' BEFORE 'b'",
            "ALTER TYPE mood ADD VALUE 'c' AFTER 'b'",
            "ALTER TYPE mood ADD VALUE 'e'",
            "ALTER TYPE mood ADD VALUE 'f'",
        ]
    );
    // Elsewhere enums are column types: nothing to run for the type itself.
    for d in [&MySql as &dyn Dialect, &Sqlite] {
        assert_eq!(sql(&create, d), Vec::<String>::new());
        assert_eq!(sql(&drop, d), Vec::<String>::new());
        assert_eq!(sql(&alter, d), Vec::<String>::new());
    }
    let removed = SchemaChange::AlterEnum {
        from: e(&["a", "b"]),
        to: e(&["b", "a"]),
    };
    let err = removed.statements(&Postgres).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported);
}

// ----------------------------------------------------------------------------------------------
// Properties: the changes turn the old schema into the new one, each step valid on the way.

/// A column: (type, nullable, server default, autoincrement, comment).
type ColumnModel = (SqlType, bool, Option<ServerDefault>, bool, Option<String>);

#[derive(Clone, Debug, PartialEq, Default)]
struct TableModel {
    columns: BTreeMap<String, ColumnModel>,
    pk: Vec<String>,
    uniques: BTreeMap<String, Vec<String>>,
    checks: BTreeMap<String, String>,
    /// name → (columns, referenced table, referenced columns, on delete)
    fks: BTreeMap<String, (Vec<String>, String, Vec<String>, FkAction)>,
    indexes: BTreeMap<String, (Vec<(String, bool)>, bool)>,
    comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Default)]
struct Model {
    tables: BTreeMap<String, TableModel>,
    enums: BTreeMap<String, Vec<String>>,
}

fn norm_check(s: &str) -> String {
    s.trim_matches(|c| c == '(' || c == ')').trim().to_owned()
}

fn table_model(t: &Table) -> TableModel {
    let pk: Vec<String> = t
        .primary_key_columns()
        .into_iter()
        .map(str::to_owned)
        .collect();
    let mut m = TableModel {
        pk: pk.clone(),
        comment: t.comment.clone(),
        ..TableModel::default()
    };
    for c in &t.columns {
        m.columns.insert(
            c.name.clone(),
            (
                c.sql_type.clone(),
                c.nullable && !pk.contains(&c.name),
                c.server_default.clone(),
                c.autoincrement,
                c.comment.clone(),
            ),
        );
        if c.unique {
            m.uniques
                .insert(format!("?{}", c.name), vec![c.name.clone()]);
        }
    }
    for u in &t.uniques {
        let name = u
            .name
            .clone()
            .unwrap_or_else(|| format!("?{}", u.columns.join(",")));
        m.uniques.insert(name, u.columns.clone());
    }
    for k in &t.checks {
        let name = k.name.clone().unwrap_or_else(|| format!("?{}", k.expr));
        m.checks.insert(name, norm_check(&k.expr));
    }
    for f in t
        .foreign_keys
        .iter()
        .chain(t.columns.iter().filter_map(|c| c.foreign_key.as_ref()))
    {
        let name = f
            .name
            .clone()
            .unwrap_or_else(|| format!("?{}", f.columns.join(",")));
        m.fks.insert(
            name,
            (
                f.columns.clone(),
                f.ref_table.clone(),
                f.ref_columns.clone(),
                f.on_delete.unwrap_or(FkAction::NoAction),
            ),
        );
    }
    for ix in &t.indexes {
        m.indexes.insert(
            ix.name.clone(),
            (
                ix.columns
                    .iter()
                    .map(|c| (c.name.clone(), c.descending))
                    .collect(),
                ix.unique,
            ),
        );
    }
    m
}

fn model(md: &MetaData) -> Model {
    let mut m = Model::default();
    for t in md.tables() {
        m.tables.insert(t.name.clone(), table_model(t));
        for c in &t.columns {
            if let SqlType::Enum(e) = &c.sql_type {
                m.enums.insert(e.name.clone(), e.values.clone());
            }
        }
    }
    m
}

fn check_type(m: &Model, ty: &SqlType) -> Result<(), String> {
    if let SqlType::Enum(e) = ty {
        if m.enums.get(&e.name) != Some(&e.values) {
            return Err(format!(
                "enum {} is not there with values {:?}",
                e.name, e.values
            ));
        }
    }
    Ok(())
}

/// Whether `cols` are the table's primary key or one of its unique constraints (a foreign key
/// needs one of them).
fn keyed(t: &TableModel, cols: &[String]) -> bool {
    t.pk == cols || t.uniques.values().any(|u| u == cols)
}

fn referenced_by_others(m: &Model, table: &str) -> bool {
    m.tables
        .iter()
        .any(|(n, t)| n != table && t.fks.values().any(|f| f.1 == table))
}

/// Whether a foreign key references exactly `cols` of `table` (the database then refuses to
/// drop the key it relies on).
fn key_referenced(m: &Model, table: &str, cols: &[String]) -> bool {
    m.tables
        .values()
        .any(|t| t.fks.values().any(|f| f.1 == table && f.2 == cols))
}

fn column_in_use(m: &Model, table: &str, col: &str) -> Option<String> {
    let t = &m.tables[table];
    let c = col.to_owned();
    if t.pk.contains(&c) {
        return Some("primary key".into());
    }
    if t.uniques.values().any(|u| u.contains(&c)) {
        return Some("unique".into());
    }
    if t.fks.values().any(|f| f.0.contains(&c)) {
        return Some("foreign key".into());
    }
    if t.indexes
        .values()
        .any(|ix| ix.0.iter().any(|(n, _)| *n == c))
    {
        return Some("index".into());
    }
    if m.tables
        .values()
        .any(|o| o.fks.values().any(|f| f.1 == table && f.2.contains(&c)))
    {
        return Some("referenced".into());
    }
    None
}

/// Applies one change to the model, failing where a database would.
fn apply(m: &mut Model, change: &SchemaChange) -> Result<(), String> {
    match change {
        SchemaChange::CreateType(e) => {
            if m.enums.insert(e.name.clone(), e.values.clone()).is_some() {
                return Err("type exists".into());
            }
        }
        SchemaChange::AlterEnum { from, to } => {
            if m.enums.get(&from.name) != Some(&from.values) {
                return Err("enum not as expected".into());
            }
            m.enums.insert(to.name.clone(), to.values.clone());
        }
        SchemaChange::DropType(e) => {
            let used = m
                .tables
                .values()
                .flat_map(|t| t.columns.values())
                .any(|c| matches!(&c.0, SqlType::Enum(x) if x.name == e.name));
            if used || m.enums.remove(&e.name).is_none() {
                return Err(format!("cannot drop type {}", e.name));
            }
        }
        SchemaChange::CreateTable(t) => {
            if m.tables.contains_key(&t.name) {
                return Err(format!("table {} exists", t.name));
            }
            for c in &t.columns {
                check_type(m, &c.sql_type)?;
            }
            let tm = table_model(t);
            for f in tm.fks.values() {
                let target = if f.1 == t.name {
                    Some(&tm)
                } else {
                    m.tables.get(&f.1)
                };
                let Some(target) = target else {
                    return Err(format!("{} references missing {}", t.name, f.1));
                };
                if !keyed(target, &f.2) {
                    return Err(format!("{} references unkeyed {:?}", t.name, f.2));
                }
            }
            m.tables.insert(t.name.clone(), tm);
        }
        SchemaChange::DropTable(t) => {
            if referenced_by_others(m, &t.name) {
                return Err(format!("{} is still referenced", t.name));
            }
            m.tables.remove(&t.name).ok_or("no such table")?;
        }
        SchemaChange::RenameTable { table, to } => {
            if m.tables.contains_key(to) {
                return Err("rename target exists".into());
            }
            let t = m.tables.remove(&table.name).ok_or("no such table")?;
            m.tables.insert(to.clone(), t);
            for o in m.tables.values_mut() {
                for f in o.fks.values_mut() {
                    if f.1 == table.name {
                        f.1.clone_from(to);
                    }
                }
            }
        }
        SchemaChange::CreateIndex { table, index } => {
            let t = m.tables.get_mut(&table.name).ok_or("no such table")?;
            if index
                .columns
                .iter()
                .any(|c| !t.columns.contains_key(&c.name))
            {
                return Err("index on a missing column".into());
            }
            let body = (
                index
                    .columns
                    .iter()
                    .map(|c| (c.name.clone(), c.descending))
                    .collect(),
                index.unique,
            );
            if t.indexes.insert(index.name.clone(), body).is_some() {
                return Err("index exists".into());
            }
        }
        SchemaChange::DropIndex { table, index } => {
            let t = m.tables.get_mut(&table.name).ok_or("no such table")?;
            t.indexes.remove(&index.name).ok_or("no such index")?;
        }
        SchemaChange::Alter(a) => {
            let name = a.table().name.clone();
            if !m.tables.contains_key(&name) {
                return Err(format!("alter of missing table {name}"));
            }
            for op in a.ops() {
                apply_op(m, &name, op)?;
            }
        }
        other => return Err(format!("unexpected change {other}")),
    }
    Ok(())
}

fn apply_op(m: &mut Model, table: &str, op: &AlterOp) -> Result<(), String> {
    let has = |m: &Model, c: &str| m.tables[table].columns.contains_key(c);
    match op {
        AlterOp::AddColumn(c) => {
            check_type(m, &c.sql_type)?;
            if has(m, &c.name) || c.unique || c.primary_key || c.foreign_key.is_some() {
                return Err(format!("bad AddColumn {}", c.name));
            }
            let t = m.tables.get_mut(table).unwrap();
            t.columns.insert(
                c.name.clone(),
                (
                    c.sql_type.clone(),
                    c.nullable,
                    c.server_default.clone(),
                    c.autoincrement,
                    c.comment.clone(),
                ),
            );
        }
        AlterOp::DropColumn(c) => {
            if let Some(why) = column_in_use(m, table, c) {
                return Err(format!("drop of column {table}.{c} in use ({why})"));
            }
            m.tables
                .get_mut(table)
                .unwrap()
                .columns
                .remove(c)
                .ok_or("no such column")?;
        }
        AlterOp::RenameColumn { from, to } => {
            if !has(m, from) || has(m, to) {
                return Err("bad column rename".into());
            }
            let t = m.tables.get_mut(table).unwrap();
            let c = t.columns.remove(from).unwrap();
            t.columns.insert(to.clone(), c);
            let ren = |v: &mut Vec<String>| {
                for x in v.iter_mut().filter(|x| *x == from) {
                    x.clone_from(to);
                }
            };
            ren(&mut t.pk);
            t.uniques.values_mut().for_each(ren);
            t.fks.values_mut().for_each(|f| ren(&mut f.0));
            for ix in t.indexes.values_mut() {
                for (n, _) in &mut ix.0 {
                    if n == from {
                        n.clone_from(to);
                    }
                }
            }
            for o in m.tables.values_mut() {
                for f in o.fks.values_mut().filter(|f| f.1 == table) {
                    ren(&mut f.2);
                }
            }
        }
        AlterOp::AlterType { column, to } => {
            check_type(m, to)?;
            let t = m.tables.get_mut(table).unwrap();
            t.columns.get_mut(column).ok_or("no such column")?.0 = to.clone();
        }
        AlterOp::SetNullable { column, nullable } => {
            let t = m.tables.get_mut(table).unwrap();
            if *nullable && t.pk.contains(column) {
                return Err("primary key column made nullable".into());
            }
            t.columns.get_mut(column).ok_or("no such column")?.1 = *nullable;
        }
        AlterOp::SetDefault { column, default } => {
            let t = m.tables.get_mut(table).unwrap();
            t.columns.get_mut(column).ok_or("no such column")?.2 = default.clone();
        }
        AlterOp::SetAutoincrement {
            column,
            autoincrement,
        } => {
            let t = m.tables.get_mut(table).unwrap();
            t.columns.get_mut(column).ok_or("no such column")?.3 = *autoincrement;
        }
        AlterOp::SetColumnComment { column, comment } => {
            let t = m.tables.get_mut(table).unwrap();
            t.columns.get_mut(column).ok_or("no such column")?.4 = comment.clone();
        }
        AlterOp::SetComment(c) => m.tables.get_mut(table).unwrap().comment = c.clone(),
        AlterOp::AddUnique(u) => {
            if u.columns.iter().any(|c| !has(m, c)) {
                return Err("unique on a missing column".into());
            }
            let name = u
                .name
                .clone()
                .unwrap_or_else(|| format!("?{}", u.columns.join(",")));
            let t = m.tables.get_mut(table).unwrap();
            if t.uniques.insert(name, u.columns.clone()).is_some() {
                return Err("unique exists".into());
            }
        }
        AlterOp::AddCheck(k) => {
            let name = k.name.clone().unwrap_or_else(|| format!("?{}", k.expr));
            let t = m.tables.get_mut(table).unwrap();
            if t.checks.insert(name, norm_check(&k.expr)).is_some() {
                return Err("check exists".into());
            }
        }
        AlterOp::AddForeignKey(f) => {
            if f.columns.iter().any(|c| !has(m, c)) {
                return Err("foreign key on a missing column".into());
            }
            let target = m
                .tables
                .get(&f.ref_table)
                .ok_or("foreign key to a missing table")?;
            if !keyed(target, &f.ref_columns) {
                return Err("foreign key to columns with no key".into());
            }
            let name = f
                .name
                .clone()
                .unwrap_or_else(|| format!("?{}", f.columns.join(",")));
            let body = (
                f.columns.clone(),
                f.ref_table.clone(),
                f.ref_columns.clone(),
                f.on_delete.unwrap_or(FkAction::NoAction),
            );
            let t = m.tables.get_mut(table).unwrap();
            if t.fks.insert(name, body).is_some() {
                return Err("foreign key exists".into());
            }
        }
        AlterOp::DropConstraint(n) => {
            if let Some(cols) = m.tables[table].uniques.get(n) {
                if key_referenced(m, table, cols) {
                    return Err(format!("unique {n} of {table} is referenced"));
                }
            }
            let t = m.tables.get_mut(table).unwrap();
            let found = t.uniques.remove(n).is_some()
                || t.checks.remove(n).is_some()
                || t.fks.remove(n).is_some();
            if !found {
                return Err(format!("no constraint {n} on {table}"));
            }
        }
        AlterOp::AddPrimaryKey(pk) => {
            let t = m.tables.get_mut(table).unwrap();
            if !t.pk.is_empty() || pk.columns.iter().any(|c| !t.columns.contains_key(c)) {
                return Err("bad AddPrimaryKey".into());
            }
            if pk.columns.iter().any(|c| t.columns[c].1) {
                return Err("primary key on a nullable column".into());
            }
            t.pk.clone_from(&pk.columns);
        }
        AlterOp::DropPrimaryKey => {
            if key_referenced(m, table, &m.tables[table].pk) {
                return Err(format!("primary key of {table} is referenced"));
            }
            let t = m.tables.get_mut(table).unwrap();
            if t.pk.is_empty() {
                return Err("no primary key".into());
            }
            t.pk.clear();
        }
        other => return Err(format!("unexpected op {other:?}")),
    }
    Ok(())
}

/// One table of a generated schema. Every constraint is named (an unnamed one cannot be
/// dropped), but the primary key is declared either way (shorthand or table-level).
#[derive(Clone, Debug)]
struct TableSpec {
    present: bool,
    /// Columns c1..c3: (type index, nullable, default, comment), or absent.
    cols: [Option<(usize, bool, bool, bool)>; 3],
    pk_shorthand: bool,
    pk_two: bool,
    unique: [bool; 3],
    check: Option<usize>,
    index: [Option<bool>; 3],
    /// Foreign key `ref_id → tN.id`, with its on-delete action.
    fk: Option<(usize, usize)>,
    comment: bool,
}

const NAMES: [&str; 4] = ["ta", "tb", "tc", "td"];

fn types(enum_values: usize) -> [SqlType; 6] {
    [
        SqlType::Integer,
        SqlType::BigInt,
        SqlType::Varchar(10),
        SqlType::Varchar(20),
        SqlType::Text,
        mood(&["x", "y", "z"][..enum_values]),
    ]
}

fn arb_table() -> impl Strategy<Value = TableSpec> {
    let col = prop::option::of((0..6usize, any::<bool>(), any::<bool>(), any::<bool>()));
    (
        prop::bool::weighted(0.8),
        [col.clone(), col.clone(), col],
        (any::<bool>(), any::<bool>()),
        [any::<bool>(), any::<bool>(), any::<bool>()],
        prop::option::of(0..3usize),
        [
            prop::option::of(any::<bool>()),
            prop::option::of(any::<bool>()),
            prop::option::of(any::<bool>()),
        ],
        prop::option::of((0..4usize, 0..3usize)),
        any::<bool>(),
    )
        .prop_map(
            |(present, cols, (pk_shorthand, pk_two), unique, check, index, fk, comment)| {
                TableSpec {
                    present,
                    cols,
                    pk_shorthand,
                    pk_two,
                    unique,
                    check,
                    index,
                    fk,
                    comment,
                }
            },
        )
}

fn arb_schema() -> impl Strategy<Value = (Vec<TableSpec>, usize)> {
    (prop::collection::vec(arb_table(), 4), 2..4usize)
}

fn build((specs, enum_values): &(Vec<TableSpec>, usize)) -> MetaData {
    let types = types(*enum_values);
    let present = |i: usize| specs[i].present;
    // A table can be referenced when its primary key is `id` alone.
    let referable = |i: usize| present(i) && !(specs[i].pk_two && specs[i].cols[0].is_some());
    let mut md = MetaData::new();
    for (i, s) in specs.iter().enumerate().filter(|(_, s)| s.present) {
        let name = NAMES[i];
        let pk_two = s.pk_two && s.cols[0].is_some();
        let mut t = Table::new(name);
        let mut idc = ColumnDef::new("id", SqlType::BigInt).not_null();
        if s.pk_shorthand && !pk_two {
            idc = idc.primary_key();
        }
        t = t.column(idc);
        for (k, c) in s.cols.iter().enumerate() {
            let Some((ty, nullable, default, comment)) = *c else {
                continue;
            };
            let mut cd = ColumnDef::new(format!("c{}", k + 1), types[ty].clone())
                .nullable(nullable && !(k == 0 && pk_two));
            if default && ty < 2 {
                cd = cd.server_default(7i64);
            }
            if comment {
                cd = cd.comment("note");
            }
            t = t.column(cd);
            if s.unique[k] && ty != 5 {
                t = t.unique(Unique::new([format!("c{}", k + 1)]).named(format!("uq_{name}_{k}")));
            }
            if let Some(unique) = s.index[k] {
                let ix = Index::on(format!("ix_{name}_{k}"), [format!("c{}", k + 1)]);
                t = t.index(if unique { ix.unique() } else { ix });
            }
        }
        if pk_two {
            t = t.primary_key(PrimaryKey::new(["id", "c1"]));
        } else if !s.pk_shorthand {
            t = t.primary_key(PrimaryKey::new(["id"]));
        }
        if let Some(k) = s.check {
            let text = ["id > 0", "(id > 0)", "id <> 3"][k];
            t = t.check(Check::new(text).named(format!("ck_{name}")));
        }
        if let Some((target, action)) = s.fk {
            if referable(target) {
                t = t
                    .column(ColumnDef::new("ref_id", SqlType::BigInt))
                    .foreign_key(
                        match action {
                            0 => ForeignKey::new(["ref_id"], NAMES[target], ["id"]),
                            1 => ForeignKey::new(["ref_id"], NAMES[target], ["id"])
                                .on_delete(FkAction::NoAction),
                            _ => ForeignKey::new(["ref_id"], NAMES[target], ["id"])
                                .on_delete(FkAction::Cascade),
                        }
                        .named(format!("fk_{name}")),
                    );
            }
        }
        if s.comment {
            t = t.comment("a table");
        }
        md = md.with(t);
    }
    md
}

fn reversed(md: &MetaData) -> MetaData {
    md.tables()
        .iter()
        .rev()
        .cloned()
        .fold(MetaData::new(), MetaData::with)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Applying diff(a, b) to a (each step checked as a database would) gives b; the diff is
    /// empty exactly when a and b are the same schema; it does not depend on table order.
    #[test]
    fn applying_the_diff_gives_the_new_schema(a in arb_schema(), b in arb_schema()) {
        let (a, b) = (build(&a), build(&b));
        let changes = diff(&a, &b).unwrap();
        let mut m = model(&a);
        for (i, c) in changes.iter().enumerate() {
            if let Err(e) = apply(&mut m, c) {
                panic!("step {} ({c}) fails: {e}\nplan:\n{}", i + 1, format_plan(&changes));
            }
        }
        prop_assert_eq!(&m, &model(&b), "plan:\n{}", format_plan(&changes));
        prop_assert_eq!(changes.is_empty(), model(&a) == model(&b));
        prop_assert_eq!(&diff(&reversed(&a), &reversed(&b)).unwrap(), &changes);
        prop_assert_eq!(&diff(&a, &b).unwrap(), &changes);
        prop_assert!(diff(&a, &a).unwrap().is_empty());
    }

    /// With table `which` renamed in the new schema (and its column c2, when both have it), the
    /// hinted diff still turns the old schema into the new one.
    #[test]
    fn applying_a_diff_with_renames(a in arb_schema(), b in arb_schema(), which in 0..4usize) {
        let (a, b) = (build(&a), build(&b));
        let old_name = NAMES[which];
        let (Some(ta), Some(tb)) = (a.table(old_name), b.table(old_name)) else {
            return Ok(());
        };
        let new_name = format!("{old_name}_new");
        let rename_col = ta.get_column("c2").is_some() && tb.get_column("c2").is_some();
        let renamed = b.tables().iter().fold(MetaData::new(), |md, t| {
            let mut t = t.clone();
            for f in &mut t.foreign_keys {
                if f.ref_table == old_name {
                    f.ref_table.clone_from(&new_name);
                }
            }
            if t.name == old_name {
                t.name.clone_from(&new_name);
                if rename_col {
                    let ren = |c: &mut String| if c == "c2" { *c = "c2_new".into() };
                    t.columns.iter_mut().for_each(|c| ren(&mut c.name));
                    t.uniques.iter_mut().flat_map(|u| &mut u.columns).for_each(ren);
                    t.indexes.iter_mut().flat_map(|i| &mut i.columns).for_each(|c| ren(&mut c.name));
                }
            }
            md.with(t)
        });
        let mut d = Diff::new(&a, &renamed).rename_table(old_name, new_name.as_str());
        if rename_col {
            d = d.rename_column(new_name.as_str(), "c2", "c2_new");
        }
        let changes = d.changes().unwrap();
        let renames = changes.iter().filter(|c| matches!(c, SchemaChange::RenameTable { .. })).count();
        prop_assert_eq!(renames, 1);
        prop_assert!(!changes.iter().any(|c| matches!(c, SchemaChange::DropTable(t) if t.name == old_name)));
        let mut m = model(&a);
        for (i, c) in changes.iter().enumerate() {
            if let Err(e) = apply(&mut m, c) {
                panic!("step {} ({c}) fails: {e}\nplan:\n{}", i + 1, format_plan(&changes));
            }
        }
        prop_assert_eq!(&m, &model(&renamed), "plan:\n{}", format_plan(&changes));
    }

    /// Every change renders on every dialect except the ALTERs (compiled on the alter branch).
    #[test]
    fn changes_render(a in arb_schema(), b in arb_schema()) {
        let (a, b) = (build(&a), build(&b));
        for c in diff(&a, &b).unwrap() {
            if matches!(c, SchemaChange::Alter(_)) {
                continue;
            }
            for d in DIALECTS {
                let is_enum_change = matches!(c, SchemaChange::AlterEnum { .. });
                let r = c.statements(d);
                prop_assert!(r.is_ok() || is_enum_change, "{c} on {}: {r:?}", d.name());
            }
        }
    }
}
