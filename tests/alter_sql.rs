//! scratch
use quarry::*;

fn base() -> Table {
    Table::new("t")
        .column(
            ColumnDef::new("id", SqlType::BigInt)
                .primary_key()
                .autoincrement(),
        )
        .column(
            ColumnDef::new("name", SqlType::Varchar(50))
                .not_null()
                .server_default("x")
                .comment("the name"),
        )
        .column(ColumnDef::new("n", SqlType::Text))
        .column(ColumnDef::new("p", SqlType::BigInt).references("parent", "id"))
        .unique(Unique::new(["name", "n"]).named("uq_t_name_n"))
        .check(Check::new("id > 0").named("ck_t_id"))
        .foreign_key(ForeignKey::new(["id"], "other", ["id"]).named("fk_t_other"))
        .index(Index::on("ix_t_name", ["name"]))
}

#[test]
fn show() {
    let t = base();
    let cases = vec![
        AlterTable::new(&t).add_column(
            ColumnDef::new("c", SqlType::Integer)
                .not_null()
                .server_default(0_i32)
                .references("parent", "id"),
        ),
        AlterTable::new(&t).drop_column("n"),
        AlterTable::new(&t).rename_column("name", "title"),
        AlterTable::new(&t).alter_type("n", SqlType::BigInt),
        AlterTable::new(&t).set_not_null("n"),
        AlterTable::new(&t).drop_default("name"),
        AlterTable::new(&t).set_default("n", ServerDefault::Literal(Value::from("z"))),
        AlterTable::new(&t).add_unique(Unique::new(["n"]).named("uq_n")),
        AlterTable::new(&t).drop_constraint("uq_t_name_n"),
        AlterTable::new(&t).drop_constraint("ck_t_id"),
        AlterTable::new(&t).drop_constraint("fk_t_other"),
        AlterTable::new(&t).set_comment(Some("hi")),
        AlterTable::new(&t).set_column_comment("n", Some("c")),
        AlterTable::new(&t).drop_constraint("nope"),
    ];
    let ds: [&dyn Dialect; 4] = [&Postgres, &MySql, &MariaDb, &Sqlite];
    for a in cases {
        println!("=== {:?}", a.ops());
        for d in ds {
            match a.compile(d) {
                Ok(v) => {
                    for c in v {
                        println!("{}: {}", d.name(), c.sql)
                    }
                }
                Err(e) => println!("{}: ERR {e}", d.name()),
            }
        }
    }
}
