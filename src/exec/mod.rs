//! The executor's backend-neutral types: [`Engine`], [`Connection`], [`Row`], and the traits a
//! backend crate implements ([`Backend`], [`BackendConnection`], [`Driver`]).
//!
//! The core never opens a socket or a file: `quarry-sqlite`, `quarry-postgres` and
//! `quarry-mysql` implement [`Backend`] over their drivers, each with a bb8 pool.

mod backend;
mod engine;
mod row;

pub use backend::{Backend, BackendConnection, BoxFuture, Driver};
pub use engine::{install_drivers, Connection, Engine};
pub use row::{Row, RowIndex};
