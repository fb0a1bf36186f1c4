//! Streaming 1M rows holds memory constant: the process's peak RSS while streaming stays under
//! 64 MiB on every backend. Measured with Linux's VmHWM, reset before each backend.

mod common;

use quarry::Executor;

fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

fn reset_peak() {
    // Writing 5 to clear_refs resets the peak resident set size (Linux 4.0+).
    std::fs::write("/proc/self/clear_refs", "5").unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_million_rows_stream_in_constant_memory() {
    for engine in common::all_engines().await {
        let be = engine.backend_name();
        let q = match engine.dialect().name() {
            "postgresql" => "SELECT g AS n, repeat('x', 100) AS pad FROM generate_series(1, 1000000) AS g",
            "mariadb" | "mysql" => "SELECT seq AS n, REPEAT('x', 100) AS pad FROM seq_1_to_1000000",
            _ => "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 1000000) SELECT n, printf('%.100c', 'x') AS pad FROM c",
        };
        reset_peak();
        let before = peak_rss_kib();
        let mut s = engine.stream(q).await.unwrap();
        let (mut count, mut bytes) = (0_u64, 0_usize);
        while let Some(row) = s.next().await {
            let row = row.unwrap();
            count += 1;
            bytes += row.get::<String>("pad").unwrap().len();
        }
        drop(s);
        let peak = peak_rss_kib();
        assert_eq!(count, 1_000_000, "{be}");
        assert_eq!(bytes, 100_000_000, "{be}");
        println!(
            "{be}: streamed 1M rows (100 MB of text); peak RSS {} MiB (before: {} MiB)",
            peak / 1024,
            before / 1024
        );
        assert!(peak < 64 * 1024, "{be}: peak RSS {} KiB", peak);
    }
}
