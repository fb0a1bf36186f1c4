use tokio_postgres::{
    types::{ToSql, Type},
    NoTls,
};
#[tokio::test]
async fn scratch() {
    let (c, conn) = tokio_postgres::connect("postgres://postgres@127.0.0.1:5432/test", NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    c.batch_execute("DROP TABLE IF EXISTS scratch_u; DROP TYPE IF EXISTS scratch_mood; CREATE TYPE scratch_mood AS ENUM ('a','b'); CREATE TABLE scratch_u (ts timestamp, j jsonb, m scratch_mood, u uuid)").await.unwrap();
    let v = "2024-01-02 03:04:05".to_string();
    let r = c
        .execute_typed(
            "INSERT INTO scratch_u (ts) VALUES ($1)",
            &[(&v as &(dyn ToSql + Sync), Type::TEXT)],
        )
        .await;
    println!("TEXT into timestamp: {:?}", r.map_err(|e| e.to_string()));
    for (col, val) in [
        ("ts", "2024-01-02 03:04:05"),
        ("j", "{\"a\":1}"),
        ("m", "b"),
        ("u", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
    ] {
        let v = val.to_string();
        let r = c
            .execute_typed(
                &format!("INSERT INTO scratch_u ({col}) VALUES ($1)"),
                &[(&v as &(dyn ToSql + Sync), Type::UNKNOWN)],
            )
            .await;
        println!("UNKNOWN into {col}: {:?}", r.map_err(|e| e.to_string()));
        let r = c
            .query_typed(
                &format!("SELECT count(*) FROM scratch_u WHERE {col} = $1"),
                &[(&v as &(dyn ToSql + Sync), Type::UNKNOWN)],
            )
            .await;
        println!(
            "UNKNOWN compare {col}: {:?}",
            r.map(|r| r[0].get::<_, i64>(0)).map_err(|e| e.to_string())
        );
        let r = c
            .query_typed(
                &format!("SELECT count(*) FROM scratch_u WHERE {col} = $1"),
                &[(&v as &(dyn ToSql + Sync), Type::TEXT)],
            )
            .await;
        println!(
            "TEXT compare {col}: {:?}",
            r.map(|r| r[0].get::<_, i64>(0)).map_err(|e| e.to_string())
        );
    }
    let v = "x".to_string();
    let r = c
        .query_typed(
            "SELECT $1 AS v, pg_typeof($1)::text",
            &[(&v as &(dyn ToSql + Sync), Type::UNKNOWN)],
        )
        .await;
    println!(
        "UNKNOWN bare: {:?}",
        r.map(|r| (r[0].columns()[0].type_().clone(), r[0].get::<_, String>(1)))
            .map_err(|e| e.to_string())
    );
    c.batch_execute("DROP TABLE scratch_u; DROP TYPE scratch_mood")
        .await
        .unwrap();
}
