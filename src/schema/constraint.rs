//! Table constraints: primary key, foreign keys, unique and check constraints.

/// A referential action for ON DELETE / ON UPDATE.
///
/// ```
/// assert_eq!(quarry::FkAction::SetNull.as_sql(), "SET NULL");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FkAction {
    /// `NO ACTION` (the default).
    NoAction,
    /// `RESTRICT`.
    Restrict,
    /// `CASCADE`.
    Cascade,
    /// `SET NULL`.
    SetNull,
    /// `SET DEFAULT` (not supported by MySQL/MariaDB's InnoDB).
    SetDefault,
}

impl FkAction {
    /// The SQL keywords of this action.
    ///
    /// ```
    /// assert_eq!(quarry::FkAction::Cascade.as_sql(), "CASCADE");
    /// ```
    pub fn as_sql(self) -> &'static str {
        match self {
            FkAction::NoAction => "NO ACTION",
            FkAction::Restrict => "RESTRICT",
            FkAction::Cascade => "CASCADE",
            FkAction::SetNull => "SET NULL",
            FkAction::SetDefault => "SET DEFAULT",
        }
    }
}

/// A (possibly composite, possibly named) primary key.
///
/// ```
/// let pk = quarry::PrimaryKey::new(["tenant", "id"]).named("pk_items");
/// assert_eq!(pk.columns, ["tenant", "id"]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrimaryKey {
    /// The constraint's name, if any.
    pub name: Option<String>,
    /// The key's columns, in order.
    pub columns: Vec<String>,
}

impl PrimaryKey {
    /// A primary key over `columns`.
    ///
    /// ```
    /// assert_eq!(quarry::PrimaryKey::new(["id"]).columns, ["id"]);
    /// ```
    pub fn new<I, S>(columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        PrimaryKey {
            name: None,
            columns: columns.into_iter().map(Into::into).collect(),
        }
    }

    /// Names the constraint.
    ///
    /// ```
    /// assert_eq!(quarry::PrimaryKey::new(["id"]).named("pk").name.as_deref(), Some("pk"));
    /// ```
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
}

/// A (possibly composite, possibly named) foreign key with its actions.
///
/// ```
/// use quarry::{ForeignKey, FkAction};
/// let fk = ForeignKey::new(["user_id"], "users", ["id"])
///     .named("fk_orders_user")
///     .on_delete(FkAction::Cascade);
/// assert_eq!(fk.ref_columns, ["id"]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForeignKey {
    /// The constraint's name, if any.
    pub name: Option<String>,
    /// The referencing columns of this table.
    pub columns: Vec<String>,
    /// The referenced table's schema, when not the default one.
    pub ref_schema: Option<String>,
    /// The referenced table.
    pub ref_table: String,
    /// The referenced columns, matching `columns` one to one.
    pub ref_columns: Vec<String>,
    /// ON DELETE action.
    pub on_delete: Option<FkAction>,
    /// ON UPDATE action.
    pub on_update: Option<FkAction>,
}

impl ForeignKey {
    /// A foreign key from `columns` to `ref_table`(`ref_columns`).
    ///
    /// ```
    /// let fk = quarry::ForeignKey::new(["a", "b"], "parent", ["x", "y"]);
    /// assert_eq!(fk.columns.len(), 2);
    /// ```
    pub fn new<I, S, J, T>(columns: I, ref_table: impl Into<String>, ref_columns: J) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
        J: IntoIterator<Item = T>,
        T: Into<String>,
    {
        ForeignKey {
            name: None,
            columns: columns.into_iter().map(Into::into).collect(),
            ref_schema: None,
            ref_table: ref_table.into(),
            ref_columns: ref_columns.into_iter().map(Into::into).collect(),
            on_delete: None,
            on_update: None,
        }
    }

    /// Names the constraint.
    ///
    /// ```
    /// assert!(quarry::ForeignKey::new(["a"], "t", ["id"]).named("fk").name.is_some());
    /// ```
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets the referenced table's schema.
    ///
    /// ```
    /// let fk = quarry::ForeignKey::new(["a"], "t", ["id"]).ref_schema("other");
    /// assert_eq!(fk.ref_schema.as_deref(), Some("other"));
    /// ```
    pub fn ref_schema(mut self, schema: impl Into<String>) -> Self {
        self.ref_schema = Some(schema.into());
        self
    }

    /// Sets the ON DELETE action.
    ///
    /// ```
    /// let fk = quarry::ForeignKey::new(["a"], "t", ["id"]).on_delete(quarry::FkAction::SetNull);
    /// assert_eq!(fk.on_delete, Some(quarry::FkAction::SetNull));
    /// ```
    pub fn on_delete(mut self, action: FkAction) -> Self {
        self.on_delete = Some(action);
        self
    }

    /// Sets the ON UPDATE action.
    ///
    /// ```
    /// let fk = quarry::ForeignKey::new(["a"], "t", ["id"]).on_update(quarry::FkAction::Cascade);
    /// assert_eq!(fk.on_update, Some(quarry::FkAction::Cascade));
    /// ```
    pub fn on_update(mut self, action: FkAction) -> Self {
        self.on_update = Some(action);
        self
    }
}

/// A (possibly composite, possibly named) UNIQUE constraint.
///
/// ```
/// let u = quarry::Unique::new(["org", "email"]).named("uq_member");
/// assert_eq!(u.columns.len(), 2);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unique {
    /// The constraint's name, if any.
    pub name: Option<String>,
    /// The columns, in order.
    pub columns: Vec<String>,
}

impl Unique {
    /// A UNIQUE constraint over `columns`.
    ///
    /// ```
    /// assert_eq!(quarry::Unique::new(["email"]).columns, ["email"]);
    /// ```
    pub fn new<I, S>(columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Unique {
            name: None,
            columns: columns.into_iter().map(Into::into).collect(),
        }
    }

    /// Names the constraint.
    ///
    /// ```
    /// assert!(quarry::Unique::new(["e"]).named("uq").name.is_some());
    /// ```
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
}

/// A CHECK constraint; its expression is trusted SQL, rendered verbatim.
///
/// ```
/// let c = quarry::Check::new("price >= 0").named("ck_price");
/// assert_eq!(c.expr, "price >= 0");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// The constraint's name, if any.
    pub name: Option<String>,
    /// The SQL boolean expression.
    pub expr: String,
}

impl Check {
    /// A CHECK constraint on `expr`.
    ///
    /// ```
    /// assert!(quarry::Check::new("a > 0").name.is_none());
    /// ```
    pub fn new(expr: impl Into<String>) -> Self {
        Check {
            name: None,
            expr: expr.into(),
        }
    }

    /// Names the constraint.
    ///
    /// ```
    /// assert!(quarry::Check::new("a > 0").named("ck").name.is_some());
    /// ```
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
}
