//! Indexes.

/// One column of an [`Index`], ascending or descending.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexColumn {
    /// The column's name.
    pub name: String,
    /// Whether the column is indexed in descending order.
    pub descending: bool,
}

/// A named, possibly unique, possibly multi-column index.
///
/// `WHERE` (a partial index) is supported on PostgreSQL and SQLite; `USING` (the access method)
/// on PostgreSQL only. Elsewhere they are [`crate::Error::Unsupported`].
///
/// ```
/// use quarry::Index;
/// let ix = Index::new("ix_users_active_email")
///     .column("email")
///     .column_desc("created_at")
///     .unique()
///     .filter("active");
/// assert_eq!(ix.columns.len(), 2);
/// assert!(ix.unique);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Index {
    /// The index's name.
    pub name: String,
    /// The indexed columns, in order.
    pub columns: Vec<IndexColumn>,
    /// Whether the index is unique.
    pub unique: bool,
    /// A partial index's predicate (trusted SQL).
    pub filter: Option<String>,
    /// The access method (`btree`, `gin`, …), PostgreSQL only.
    pub using: Option<String>,
}

impl Index {
    /// An index named `name` with no columns yet.
    ///
    /// ```
    /// assert_eq!(quarry::Index::new("ix").name, "ix");
    /// ```
    pub fn new(name: impl Into<String>) -> Self {
        Index {
            name: name.into(),
            columns: Vec::new(),
            unique: false,
            filter: None,
            using: None,
        }
    }

    /// An index named `name` on `columns`, ascending.
    ///
    /// ```
    /// assert_eq!(quarry::Index::on("ix", ["a", "b"]).columns.len(), 2);
    /// ```
    pub fn on<I, S>(name: impl Into<String>, columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        columns
            .into_iter()
            .fold(Index::new(name), |ix, c| ix.column(c))
    }

    /// Adds an ascending column.
    ///
    /// ```
    /// assert!(!quarry::Index::new("ix").column("a").columns[0].descending);
    /// ```
    pub fn column(mut self, name: impl Into<String>) -> Self {
        self.columns.push(IndexColumn {
            name: name.into(),
            descending: false,
        });
        self
    }

    /// Adds a descending column.
    ///
    /// ```
    /// assert!(quarry::Index::new("ix").column_desc("a").columns[0].descending);
    /// ```
    pub fn column_desc(mut self, name: impl Into<String>) -> Self {
        self.columns.push(IndexColumn {
            name: name.into(),
            descending: true,
        });
        self
    }

    /// Makes the index unique.
    ///
    /// ```
    /// assert!(quarry::Index::new("ix").unique().unique);
    /// ```
    pub fn unique(mut self) -> Self {
        self.unique = true;
        self
    }

    /// Makes it a partial index over rows matching `predicate` (PostgreSQL, SQLite).
    ///
    /// ```
    /// assert_eq!(quarry::Index::new("ix").filter("deleted_at IS NULL").filter.as_deref(), Some("deleted_at IS NULL"));
    /// ```
    pub fn filter(mut self, predicate: impl Into<String>) -> Self {
        self.filter = Some(predicate.into());
        self
    }

    /// Sets the access method (PostgreSQL `USING gin`, …).
    ///
    /// ```
    /// assert_eq!(quarry::Index::new("ix").using("gin").using.as_deref(), Some("gin"));
    /// ```
    pub fn using(mut self, method: impl Into<String>) -> Self {
        self.using = Some(method.into());
        self
    }
}
