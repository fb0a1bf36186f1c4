//! The run methods of statements (`execute`, `fetch_all`, `fetch_one`, `fetch_optional`), on
//! any [`Executor`]: `q.fetch_all(&engine)`, `q.fetch_all(&mut conn)`, `q.fetch_all(&mut tx)`.
//! Rows decode into the statement's row type `R`.
//!
//! They return `impl Future + Send` rather than being `async fn`s: an `async fn` generic over
//! the executor leaves its future's `Send` to be proved where it is used, which fails for a
//! task spawned over a loop of calls (rust-lang/rust#100013, "implementation of `Executor` is
//! not general enough"); a future declared `Send` here is proved once, here.

use super::{Executor, FromRow};
use crate::error::Result;
use crate::stmt::delete::Delete;
use crate::stmt::insert::Insert;
use crate::stmt::select::{Compound, DecodeRow, Select};
use crate::stmt::update::Update;
use std::future::Future;

macro_rules! run_methods {
    ($ty:ident, $build:literal) => {
        impl<R: DecodeRow> $ty<R> {
            /// Runs the statement; returns the rows affected.
            ///
            /// ```no_run
            /// use quarry::prelude::*;
            /// quarry::table! { pub struct T("t") { a: i64 } }
            /// # async fn demo(engine: quarry::Engine) -> quarry::Result<()> {
            /// let t = T::new();
            #[doc = concat!("let n = quarry::", $build, ".execute(&engine).await?;")]
            /// let mut tx = engine.begin().await?;
            #[doc = concat!("quarry::", $build, ".execute(&mut tx).await?;")]
            /// tx.commit().await?;
            /// # Ok(()) }
            /// ```
            pub fn execute<'c: 's, 's, E: Executor<'c> + 's>(
                &'s self,
                on: E,
            ) -> impl Future<Output = Result<u64>> + Send + use<'c, 's, E, R> {
                on.execute(self)
            }

            /// Runs the statement and decodes every row (of a query, or RETURNING) into `R`.
            ///
            /// ```no_run
            /// use quarry::prelude::*;
            /// quarry::table! { pub struct T("t") { a: i64 } }
            /// # async fn demo(engine: quarry::Engine) -> quarry::Result<()> {
            /// let t = T::new();
            #[doc = concat!("let rows: Vec<i64> = quarry::", $build, ".fetch_all(&engine).await?;")]
            /// let mut conn = engine.acquire().await?;
            #[doc = concat!("let rows: Vec<i64> = quarry::", $build, ".fetch_all(&mut conn).await?;")]
            /// # Ok(()) }
            /// ```
            pub fn fetch_all<'c: 's, 's, E: Executor<'c> + 's>(
                &'s self,
                on: E,
            ) -> impl Future<Output = Result<Vec<R>>> + Send + use<'c, 's, E, R> {
                let rows = on.fetch_all(self);
                async move { rows.await?.into_iter().map(R::decode_row).collect() }
            }

            /// Runs the statement; its first row decoded into `R` (no row is a not-found
            /// error).
            ///
            /// ```no_run
            /// use quarry::prelude::*;
            /// quarry::table! { pub struct T("t") { a: i64 } }
            /// # async fn demo(engine: quarry::Engine) -> quarry::Result<()> {
            /// let t = T::new();
            #[doc = concat!("let first: i64 = quarry::", $build, ".fetch_one(&engine).await?;")]
            /// # Ok(()) }
            /// ```
            pub fn fetch_one<'c: 's, 's, E: Executor<'c> + 's>(
                &'s self,
                on: E,
            ) -> impl Future<Output = Result<R>> + Send + use<'c, 's, E, R> {
                let row = on.fetch_one(self);
                async move { R::decode_row(row.await?) }
            }

            /// Runs the statement; its first row decoded into `R`, if there is one.
            ///
            /// ```no_run
            /// use quarry::prelude::*;
            /// quarry::table! { pub struct T("t") { a: i64 } }
            /// # async fn demo(engine: quarry::Engine) -> quarry::Result<()> {
            /// let t = T::new();
            #[doc = concat!("let first: Option<i64> = quarry::", $build, ".fetch_optional(&engine).await?;")]
            /// # Ok(()) }
            /// ```
            pub fn fetch_optional<'c: 's, 's, E: Executor<'c> + 's>(
                &'s self,
                on: E,
            ) -> impl Future<Output = Result<Option<R>>> + Send + use<'c, 's, E, R> {
                let row = on.fetch_optional(self);
                async move { row.await?.map(R::decode_row).transpose() }
            }

            /// Runs the statement and decodes every row into a `serde::Deserialize` struct
            /// `S` instead of the row type `R`: fields match the result's column names (a
            /// column's name, or an expression's `.label(…)`; `#[serde(rename)]` as usual),
            /// and each value decodes by the contract of [`crate::FromValue`] (dates, times
            /// and instants into chrono, time or quarry fields, JSON as structure) on every
            /// backend. Any [`crate::FromRow`] type works, tuples included.
            ///
            /// ```no_run
            /// use quarry::prelude::*;
            /// quarry::table! { pub struct T("t") { a: i64 } }
            /// #[derive(serde::Deserialize)]
            /// struct A { a: i64 }
            /// # async fn demo(engine: quarry::Engine) -> quarry::Result<()> {
            /// let t = T::new();
            #[doc = concat!("let rows: Vec<A> = quarry::", $build, ".fetch_all_as(&engine).await?;")]
            /// # Ok(()) }
            /// ```
            pub fn fetch_all_as<'c: 's, 's, S: FromRow, E: Executor<'c> + 's>(
                &'s self,
                on: E,
            ) -> impl Future<Output = Result<Vec<S>>> + Send + use<'c, 's, E, R, S> {
                on.fetch_all_as(self)
            }

            /// Runs the statement; its first row decoded into `S` (see
            /// [`fetch_all_as`](Self::fetch_all_as)); no row is a not-found error.
            ///
            /// ```no_run
            /// use quarry::prelude::*;
            /// quarry::table! { pub struct T("t") { a: i64 } }
            /// #[derive(serde::Deserialize)]
            /// struct A { a: i64 }
            /// # async fn demo(engine: quarry::Engine) -> quarry::Result<()> {
            /// let t = T::new();
            #[doc = concat!("let first: A = quarry::", $build, ".fetch_one_as(&engine).await?;")]
            /// # Ok(()) }
            /// ```
            pub fn fetch_one_as<'c: 's, 's, S: FromRow, E: Executor<'c> + 's>(
                &'s self,
                on: E,
            ) -> impl Future<Output = Result<S>> + Send + use<'c, 's, E, R, S> {
                on.fetch_one_as(self)
            }

            /// Runs the statement; its first row decoded into `S` (see
            /// [`fetch_all_as`](Self::fetch_all_as)), if there is one.
            ///
            /// ```no_run
            /// use quarry::prelude::*;
            /// quarry::table! { pub struct T("t") { a: i64 } }
            /// #[derive(serde::Deserialize)]
            /// struct A { a: i64 }
            /// # async fn demo(engine: quarry::Engine) -> quarry::Result<()> {
            /// let t = T::new();
            #[doc = concat!("let first: Option<A> = quarry::", $build, ".fetch_optional_as(&engine).await?;")]
            /// # Ok(()) }
            /// ```
            pub fn fetch_optional_as<'c: 's, 's, S: FromRow, E: Executor<'c> + 's>(
                &'s self,
                on: E,
            ) -> impl Future<Output = Result<Option<S>>> + Send + use<'c, 's, E, R, S> {
                on.fetch_optional_as(self)
            }
        }
    };
}

run_methods!(Select, "select(t.a).from(t)");
run_methods!(Compound, "select(t.a).from(t).union(select(t.a).from(t))");
run_methods!(Insert, "insert(t).values(t.a.set(1)).returning(t.a)");
run_methods!(Update, "update(t).set(t.a, 1).returning(t.a)");
run_methods!(Delete, "delete(t).filter(t.a.eq(1)).returning(t.a)");
