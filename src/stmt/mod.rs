//! Statements as plain data. DDL lives in [`ddl`]; SELECT and DML build on the same compiler.

pub mod ddl;
pub mod select;
pub mod text;
