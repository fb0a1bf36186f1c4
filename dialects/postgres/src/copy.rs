//! The `COPY … FROM STDIN (FORMAT binary)` fast path for bulk loads: preparing the COPY and its
//! probe, writing each row's fields in their columns' binary forms, and reporting a value that
//! cannot be written with the SQLSTATE the server would give (see the crate docs).

use crate::encode::{self, ConvertError, Target};
use crate::error::{classify, map_error};
use crate::pool::Session;
use futures_util::future;
use quarry::backend::CopyIn;
use quarry::{Result, Value};
use std::pin::pin;
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::private::BytesMut;
use tokio_postgres::types::{IsNull, ToSql, Type};
use tokio_postgres::{CopyInSink, Statement};

/// Appends one COPY field: its length, then `cell` in the binary form of `ty` (`-1` for
/// NULL). Borrowed text into a text column is written as it is; anything else goes through
/// [`encode::encode`].
fn copy_field(
    cell: quarry::backend::Cell<'_>,
    target: &Target,
    ty: &Type,
    out: &mut BytesMut,
) -> std::result::Result<(), ConvertError> {
    let at = out.len();
    out.extend_from_slice(&[0; 4]);
    let is_null = match (&cell, target) {
        // (Text with a NUL goes through `encode`, which refuses it.)
        (quarry::backend::Cell::Text(s), Target::Text) if !s.contains('\0') => {
            out.extend_from_slice(s.as_bytes());
            IsNull::No
        }
        (quarry::backend::Cell::Bytes(b), Target::Bytea) => {
            out.extend_from_slice(b);
            IsNull::No
        }
        (quarry::backend::Cell::Value(v), _) => encode::encode(v, target, ty, out)?,
        _ => encode::encode(&cell.into_value(), target, ty, out)?,
    };
    let len = match is_null {
        IsNull::Yes => {
            out.truncate(at + 4);
            -1
        }
        IsNull::No => i32::try_from(out.len() - at - 4)
            .map_err(|_| ConvertError::new(encode::OUT_OF_RANGE, "a value of more than 2 GiB"))?,
    };
    out[at..at + 4].copy_from_slice(&len.to_be_bytes());
    Ok(())
}

/// One field of a `COPY` row: a value and how its column's type is written.
#[derive(Debug)]
struct CopyField<'a>(&'a Value, &'a Target);

/// The fields of one row. (A named iterator rather than `zip(..).map(..)`: a closure type
/// held across an await trips rustc's higher-ranked `Send` check on the boxed future.)
struct Fields<'a> {
    values: std::slice::Iter<'a, Value>,
    targets: std::slice::Iter<'a, Target>,
}

impl<'a> Iterator for Fields<'a> {
    type Item = CopyField<'a>;

    fn next(&mut self) -> Option<CopyField<'a>> {
        Some(CopyField(self.values.next()?, self.targets.next()?))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.values.len().min(self.targets.len());
        (n, Some(n))
    }
}

impl ExactSizeIterator for Fields<'_> {}

impl ToSql for CopyField<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        Ok(encode::encode(self.0, self.1, ty, out)?)
    }

    fn accepts(_ty: &Type) -> bool {
        true
    }

    fn to_sql_checked(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        // The target was resolved from this very type: every value is checked by `encode`.
        self.to_sql(ty, out)
    }
}

impl Session {
    /// Prepares a COPY and its probe and starts the COPY: the probe, the columns' types and
    /// how each is written, and the sink for the data.
    ///
    /// Both statements are prepared on every call, together in one round trip, rather than
    /// taken from the statement cache:
    /// - the probe is never executed, so the server would never report that a cached
    ///   description went stale after `ALTER TABLE … TYPE`, and values written in the binary
    ///   form of a column's former type could store wrong data (an `int8` read as a `float8`'s
    ///   bits) instead of failing;
    /// - a cached `COPY` statement the server forgot (`DEALLOCATE ALL`) fails at Bind, and a
    ///   COPY that fails to start desynchronises tokio-postgres (see below), so it could not
    ///   be retried on the same session.
    async fn start_copy(
        &mut self,
        probe_sql: &str,
        copy_sql: &str,
        width: usize,
    ) -> Result<(Statement, Vec<Type>, Vec<Target>, CopyInSink<bytes::Bytes>)> {
        let (probe, statement) = future::join(
            self.client.prepare(probe_sql),
            self.client.prepare(copy_sql),
        )
        .await;
        let probe = probe.map_err(|e| map_error(e, Some(probe_sql)))?;
        let err = |e| map_error(e, Some(copy_sql));
        let statement = statement.map_err(err)?;
        let types: Vec<Type> = probe.columns().iter().map(|c| c.type_().clone()).collect();
        if types.len() != width {
            return Err(quarry::Error::InvalidStatement(format!(
                "COPY of rows of {width} values, but its probe statement has {} columns",
                types.len()
            )));
        }
        let targets: Vec<Target> = types.iter().map(Target::of).collect();
        match self.client.copy_in::<_, bytes::Bytes>(&statement).await {
            Ok(sink) => Ok((probe, types, targets, sink)),
            Err(e) => {
                // The COPY failed before it started (permission denied, read-only
                // transaction, …). tokio-postgres then still sends CopyFail and Sync, and the
                // server answers that second Sync with a ReadyForQuery the driver does not
                // expect: every later answer would go to the wrong request. The session is
                // lost; the error itself is the server's.
                self.lost = true;
                Err(err(e))
            }
        }
    }

    /// Runs a binary `COPY … FROM STDIN` of `copy.values`; see [`BackendConnection::copy_in`]
    /// and the crate docs.
    pub(crate) async fn run_copy(&mut self, copy: CopyIn<'_>) -> Result<u64> {
        let (probe, types, targets, sink) = self
            .start_copy(copy.probe_sql, copy.copy_sql, copy.columns)
            .await?;
        let err = |e| map_error(e, Some(copy.copy_sql));
        let mut writer = pin!(BinaryCopyInWriter::new(sink, &types));
        for (r, row) in copy.values.chunks_exact(copy.columns).enumerate() {
            let fields = Fields {
                values: row.iter(),
                targets: targets.iter(),
            };
            if let Err(e) = writer.as_mut().write_raw(fields).await {
                // Dropping the writer aborts the COPY (CopyFail): nothing is written, and the
                // session stays in step.
                return Err(copy_write_error(e, &copy, &probe, &targets, r));
            }
        }
        writer.finish().await.map_err(err)
    }

    /// Loads rows bound by reference with `COPY … (FORMAT binary)`: the COPY data is written
    /// here (header, then each row's fields, then the trailer) and sent in chunks of about
    /// 64 KiB.
    pub(crate) async fn copy_rows(
        &mut self,
        rows: &mut quarry::backend::InsertRows<'_>,
    ) -> Result<u64> {
        use futures_util::SinkExt;
        const CHUNK: usize = 64 * 1024;
        let (probe, types, targets, sink) = self
            .start_copy(rows.probe_sql, rows.copy_sql, rows.width)
            .await?;
        let copy_sql = rows.copy_sql;
        let err = |e| map_error(e, Some(copy_sql));
        let mut sink = pin!(sink);
        let mut buf = BytesMut::with_capacity(CHUNK + 1024);
        buf.extend_from_slice(b"PGCOPY\n\xff\r\n\0");
        buf.extend_from_slice(&[0; 8]);
        let fields = i16::try_from(rows.width).map_err(|_| {
            quarry::Error::InvalidStatement("COPY of more than 32767 columns".into())
        })?;
        for r in 0..rows.rows {
            buf.extend_from_slice(&fields.to_be_bytes());
            let (mut col, mut failed) = (0, None);
            let more = rows.source.next_row(&mut |cell| {
                if failed.is_some() || col >= types.len() {
                    col += 1;
                    return;
                }
                if let Err(ce) = copy_field(cell, &targets[col], &types[col], &mut buf) {
                    let name = probe.columns()[col].name();
                    failed = Some(field_error(ce, r, col, name, copy_sql));
                }
                col += 1;
            });
            // Returning drops the sink unfinished, which aborts the COPY (CopyFail): nothing
            // is written, and the session stays in step.
            if let Some(e) = failed {
                return Err(e);
            }
            if !more {
                return Err(quarry::Error::InvalidStatement(format!(
                    "the rows ended after {r} of {}",
                    rows.rows
                )));
            }
            if col != rows.width {
                return Err(quarry::Error::InvalidStatement(format!(
                    "a row of {col} values for {} columns",
                    rows.width
                )));
            }
            if buf.len() >= CHUNK {
                sink.send(buf.split().freeze()).await.map_err(err)?;
            }
        }
        buf.extend_from_slice(&(-1_i16).to_be_bytes());
        sink.send(buf.freeze()).await.map_err(err)?;
        sink.as_mut().finish().await.map_err(err)
    }
}

/// A value of row `r`, column `c` (both 0-based) that cannot be written as its column's type:
/// the SQLSTATE the server would give, naming the row and the column.
fn field_error(ce: ConvertError, r: usize, c: usize, name: &str, sql: &str) -> quarry::Error {
    let message = format!(
        "{} (row {}, column {} \"{name}\")",
        ce.message,
        r + 1,
        c + 1
    );
    if ce.code == encode::REFUSED {
        return quarry::Error::unsupported("postgresql", message);
    }
    quarry::Error::database(
        classify(ce.code, "ERROR", &ce.message),
        ce.code,
        message,
        Some(sql),
    )
}

/// The error of writing row `r` (0-based) of `copy`: a value that cannot be written as its
/// column's type is reported with the SQLSTATE the server would give and names the row and
/// the column; anything else is the driver's error.
fn copy_write_error(
    e: tokio_postgres::Error,
    copy: &CopyIn<'_>,
    probe: &Statement,
    targets: &[Target],
    r: usize,
) -> quarry::Error {
    let is_conversion = std::error::Error::source(&e).is_some_and(|s| s.is::<ConvertError>());
    if !is_conversion {
        return map_error(e, Some(copy.copy_sql));
    }
    // Find the failing field again (this only runs once, on failure).
    let row = &copy.values[r * copy.columns..(r + 1) * copy.columns];
    let mut scratch = BytesMut::new();
    for (c, ((v, target), col)) in row.iter().zip(targets).zip(probe.columns()).enumerate() {
        scratch.clear();
        if let Err(ce) = encode::encode(v, target, col.type_(), &mut scratch) {
            return field_error(ce, r, c, col.name(), copy.copy_sql);
        }
    }
    map_error(e, Some(copy.copy_sql))
}
