//! Transaction options: the isolation level and access mode a BEGIN statement carries.

/// A transaction isolation level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IsolationLevel {
    /// READ UNCOMMITTED.
    ReadUncommitted,
    /// READ COMMITTED.
    ReadCommitted,
    /// REPEATABLE READ.
    RepeatableRead,
    /// SERIALIZABLE.
    Serializable,
}

impl IsolationLevel {
    /// The SQL words of the level.
    ///
    /// ```
    /// assert_eq!(quarry::IsolationLevel::RepeatableRead.as_sql(), "REPEATABLE READ");
    /// ```
    pub fn as_sql(self) -> &'static str {
        match self {
            IsolationLevel::ReadUncommitted => "READ UNCOMMITTED",
            IsolationLevel::ReadCommitted => "READ COMMITTED",
            IsolationLevel::RepeatableRead => "REPEATABLE READ",
            IsolationLevel::Serializable => "SERIALIZABLE",
        }
    }
}

/// How a transaction starts: isolation level and access mode (outermost transactions only).
///
/// ```
/// use quarry::{TxOptions, IsolationLevel};
/// let o = TxOptions::default().isolation(IsolationLevel::Serializable).read_only();
/// assert!(o.read_only);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TxOptions {
    /// The isolation level; the database's default when `None`.
    pub isolation: Option<IsolationLevel>,
    /// Whether the transaction may only read.
    pub read_only: bool,
}

impl TxOptions {
    /// Sets the isolation level.
    ///
    /// ```
    /// let o = quarry::TxOptions::default().isolation(quarry::IsolationLevel::ReadCommitted);
    /// assert_eq!(o.isolation, Some(quarry::IsolationLevel::ReadCommitted));
    /// ```
    pub fn isolation(mut self, level: IsolationLevel) -> Self {
        self.isolation = Some(level);
        self
    }

    /// Makes the transaction read-only.
    ///
    /// ```
    /// assert!(quarry::TxOptions::default().read_only().read_only);
    /// ```
    pub fn read_only(mut self) -> Self {
        self.read_only = true;
        self
    }
}
