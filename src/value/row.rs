//! [`Row`]: one result row, read by index or by name.

use crate::error::{Error, Result};
use crate::value::{FromValue, Value};
use std::sync::Arc;

/// One row of a result: column names (shared by all rows of a result) and values.
///
/// ```
/// use quarry::{Row, Value};
/// let row = Row::new(vec!["id".to_string(), "name".to_string()].into(),
///                    vec![Value::I64(1), Value::Text("ann".into())]);
/// assert_eq!(row.get::<i64>(0).unwrap(), 1);
/// assert_eq!(row.get::<String>("name").unwrap(), "ann");
/// assert!(row.get::<i64>("missing").is_err());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    columns: Arc<[String]>,
    values: Vec<Value>,
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for usize {}
    impl Sealed for &str {}
}

/// A way to pick a column of a [`Row`]: its position (`usize`) or its name (`&str`).
#[diagnostic::on_unimplemented(
    message = "a row column is picked by position (usize) or by name (&str), not by `{Self}`"
)]
pub trait RowIndex: sealed::Sealed + Copy {
    /// The position of this column in `row`.
    fn position(self, row: &Row) -> Result<usize>;
}

impl RowIndex for usize {
    fn position(self, row: &Row) -> Result<usize> {
        if self < row.values.len() {
            Ok(self)
        } else {
            Err(Error::Decode {
                column: self.to_string(),
                message: format!("the row has only {} columns", row.values.len()),
            })
        }
    }
}

impl RowIndex for &str {
    fn position(self, row: &Row) -> Result<usize> {
        row.columns
            .iter()
            .position(|c| c == self)
            .ok_or_else(|| Error::Decode {
                column: self.to_owned(),
                message: "no such column in the row".into(),
            })
    }
}

impl Row {
    /// A row of `values` named by `columns`.
    ///
    /// ```
    /// let r = quarry::Row::new(vec!["a".to_string()].into(), vec![quarry::Value::I64(1)]);
    /// assert_eq!(r.len(), 1);
    /// ```
    pub fn new(columns: Arc<[String]>, values: Vec<Value>) -> Self {
        Row { columns, values }
    }

    /// The number of columns.
    ///
    /// ```
    /// assert!(quarry::Row::new(Vec::<String>::new().into(), vec![]).is_empty());
    /// ```
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether the row has no columns.
    ///
    /// ```
    /// assert!(quarry::Row::new(Vec::<String>::new().into(), vec![]).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The column names.
    ///
    /// ```
    /// let r = quarry::Row::new(vec!["a".to_string()].into(), vec![quarry::Value::I64(1)]);
    /// assert_eq!(r.columns(), ["a"]);
    /// ```
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// The raw value of a column.
    ///
    /// ```
    /// let r = quarry::Row::new(vec!["a".to_string()].into(), vec![quarry::Value::I64(1)]);
    /// assert_eq!(r.value("a").unwrap(), &quarry::Value::I64(1));
    /// ```
    pub fn value(&self, index: impl RowIndex) -> Result<&Value> {
        Ok(&self.values[index.position(self)?])
    }

    /// A column decoded into `T`; NULL into a non-`Option` is a decode error naming the column.
    ///
    /// ```
    /// use quarry::{Row, Value, ValueType};
    /// let r = Row::new(vec!["n".to_string()].into(), vec![Value::Null(ValueType::I64)]);
    /// assert_eq!(r.get::<Option<i64>>("n").unwrap(), None);
    /// assert!(r.get::<i64>("n").unwrap_err().to_string().contains("n"));
    /// ```
    pub fn get<T: FromValue>(&self, index: impl RowIndex) -> Result<T> {
        let i = index.position(self)?;
        let name = self.columns.get(i).map(String::as_str).unwrap_or("?");
        T::from_value(self.values[i].clone(), name)
    }

    /// The values.
    ///
    /// ```
    /// let r = quarry::Row::new(vec!["a".to_string()].into(), vec![quarry::Value::I64(1)]);
    /// assert_eq!(r.values(), [quarry::Value::I64(1)]);
    /// ```
    pub fn values(&self) -> &[Value] {
        &self.values
    }

    /// The column names and the values, consuming the row.
    ///
    /// ```
    /// let r = quarry::Row::new(vec!["a".to_string()].into(), vec![quarry::Value::I64(1)]);
    /// let (columns, values) = r.into_parts();
    /// assert_eq!((&columns[..], &values[..]), (&["a".to_string()][..], &[quarry::Value::I64(1)][..]));
    /// ```
    pub fn into_parts(self) -> (Arc<[String]>, Vec<Value>) {
        (self.columns, self.values)
    }

    /// The values, consuming the row.
    ///
    /// ```
    /// let r = quarry::Row::new(vec!["a".to_string()].into(), vec![quarry::Value::I64(1)]);
    /// assert_eq!(r.into_values(), [quarry::Value::I64(1)]);
    /// ```
    pub fn into_values(self) -> Vec<Value> {
        self.values
    }
}
