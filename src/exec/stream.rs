//! [`RowStream`]: rows read as they arrive, in constant memory.

use super::BoxStream;
use crate::error::{Error, Result};
use crate::value::{Decimal, Row, Value, ValueType};
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A stream of rows. Implements `futures_core::Stream`; [`RowStream::next`] needs no extra
/// crate.
pub struct RowStream<'a> {
    pub(super) inner: BoxStream<'a, Result<Row>>,
    pub(super) span: tracing::Span,
    /// The checkout a stream that owns its connection keeps counted (see
    /// [`Engine::close`](crate::Engine::close)).
    pub(super) _active: Option<super::engine::Active>,
}

impl fmt::Debug for RowStream<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RowStream").finish_non_exhaustive()
    }
}

impl RowStream<'_> {
    /// The next row, or `None` at the end.
    ///
    /// ```no_run
    /// # async fn demo(e: quarry::Engine) -> quarry::Result<()> {
    /// use quarry::Executor;
    /// let mut s = e.stream("SELECT 1").await?;
    /// while let Some(row) = s.next().await { row?; }
    /// # Ok(()) }
    /// ```
    pub async fn next(&mut self) -> Option<Result<Row>> {
        std::future::poll_fn(|cx| self.inner.as_mut().poll_next(cx)).await
    }
}

impl futures_core::Stream for RowStream<'_> {
    type Item = Result<Row>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Row>>> {
        let span = self.span.clone();
        let _enter = span.enter();
        self.inner.as_mut().poll_next(cx)
    }
}

/// Decodes the columns at `scales` (position, scale) of `row` as decimals at their scale
/// ([`Plan::Scaled`](crate::compile::Plan::Scaled)): a float by its shortest digits, an
/// integer or decimal text as it is, each rounded or padded to the scale.
pub(super) fn rescale(row: Row, scales: &[(usize, u16)]) -> Result<Row> {
    let (columns, mut values) = row.into_parts();
    for &(i, scale) in scales {
        let Some(v) = values.get_mut(i) else { continue };
        let scale = usize::from(scale);
        let decimal = match &*v {
            Value::F64(f) => Decimal::from_f64(*f),
            Value::F32(f) => Decimal::from_f64(f64::from(*f)),
            Value::I64(n) => Some(Decimal::from(*n)),
            Value::I32(n) => Some(Decimal::from(*n)),
            Value::I16(n) => Some(Decimal::from(*n)),
            Value::Text(s) => s.parse().ok(),
            Value::Decimal(d) => Some(d.clone()),
            Value::Null(_) => {
                *v = Value::Null(ValueType::Decimal);
                continue;
            }
            _ => None,
        };
        match decimal {
            Some(d) => *v = Value::Decimal(d.with_scale(scale)),
            None => {
                return Err(Error::Decode {
                    column: columns.get(i).cloned().unwrap_or_default(),
                    message: format!("a decimal of scale {scale} was expected, not {v:?}"),
                })
            }
        }
    }
    Ok(Row::new(columns, values))
}

/// `inner`, its rows decoded at `scales` when there are some.
pub(super) fn scaled<'a>(
    inner: BoxStream<'a, Result<Row>>,
    scales: Option<Box<[(usize, u16)]>>,
) -> BoxStream<'a, Result<Row>> {
    match scales {
        None => inner,
        Some(scales) => Box::pin(ScaledStream { inner, scales }),
    }
}

/// A stream whose rows are decoded at the scales of a [`Plan::Scaled`](crate::compile::Plan::Scaled).
pub(super) struct ScaledStream<'a> {
    pub(super) inner: BoxStream<'a, Result<Row>>,
    pub(super) scales: Box<[(usize, u16)]>,
}

impl futures_core::Stream for ScaledStream<'_> {
    type Item = Result<Row>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Row>>> {
        let this = &mut *self;
        match this.inner.as_mut().poll_next(cx) {
            Poll::Ready(Some(Ok(row))) => Poll::Ready(Some(rescale(row, &this.scales))),
            other => other,
        }
    }
}

/// Rows already in memory, as a stream.
pub(super) struct VecStream(pub(super) std::vec::IntoIter<Row>);

impl futures_core::Stream for VecStream {
    type Item = Result<Row>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        std::task::Poll::Ready(self.0.next().map(Ok))
    }
}
