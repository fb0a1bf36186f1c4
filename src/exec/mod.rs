//! The executor's backend-neutral types: [`Engine`], [`Connection`], [`Transaction`],
//! [`RowStream`], [`Row`], and the traits a backend crate implements ([`Backend`],
//! [`BackendConnection`], [`Driver`]).
//!
//! The core never opens a socket or a file: `quarry-sqlite`, `quarry-postgres` and
//! `quarry-mysql` implement [`Backend`] over their drivers, each with a bb8 pool.

mod backend;
mod bulk;
mod connect;
mod connection;
mod ddl_plan;
mod de;
mod engine;
mod executor;
mod lane;
pub(crate) mod migrate;
mod options;
mod reflect;
mod rows;
mod statements;
mod stream;
mod transaction;
pub(crate) mod url;

pub use crate::value::Row;
pub use backend::{
    Backend, BackendConnection, BoxFuture, BoxStream, CopyIn, Driver, ExecResult, Gather,
    SqlTextHasher,
};
pub use connect::ConnectGate;
#[doc(hidden)]
pub use connection::ConnRef;
pub use connection::Connection;
pub use de::FromRow;
pub use engine::{install_drivers, Engine, EngineBuilder};
pub use executor::Executor;
pub use lane::{Lane, LaneRules};
pub use options::PoolOptions;
pub use reflect::ReflectOptions;
pub(crate) use rows::Rows;
pub use rows::{Cell, CellFor, InsertRows, RowFor, RowSource};
pub use stream::RowStream;
pub use transaction::Transaction;
