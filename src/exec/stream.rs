//! [`RowStream`]: rows read as they arrive, in constant memory.

use super::BoxStream;
use crate::error::Result;
use crate::value::Row;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A stream of rows. Implements `futures_core::Stream`; [`RowStream::next`] needs no extra
/// crate.
pub struct RowStream<'a> {
    pub(super) inner: BoxStream<'a, Result<Row>>,
    pub(super) span: tracing::Span,
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
