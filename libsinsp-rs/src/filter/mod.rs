//! Falco/sysdig filter conditions: parsing and evaluation.
//!
//! This module reads conditions such as
//! `evt.type = open and not proc.name in (sshd, "cron d")` into a
//! [`Filter`] and evaluates them against events. It knows no fields: the
//! caller supplies values through [`FieldSource`], and can check the
//! names a filter uses with [`Filter::fields`] before running it.
//!
//! Supported: `and`, `or`, `not` (binding `not` > `and` > `or`),
//! parentheses (at most 200 deep), the operators `=`, `==`, `!=`, `<`,
//! `<=`, `>`, `>=`, `contains`, `icontains`, `startswith`, `endswith`,
//! `glob`, `regex`, `in`, `pmatch` and `exists`, and field arguments such
//! as `proc.aname[2]`. Macros, lists by name, transformers (`tolower(...)`)
//! and field-to-field comparison (`val(...)`) are refused with an error.
//!
//! ```text
//! let filter = Filter::parse("proc.name = cat and fd.name pmatch (/etc)")?;
//! for field in filter.fields() { /* check field.name is known */ }
//! if filter.matches(&event) { /* print it */ }
//! ```

mod cursor;
mod expr;
mod glob;
mod literal;
mod ops;
mod parser;
mod sets;

#[cfg(test)]
mod tests_eval;
#[cfg(test)]
mod tests_parse;
#[cfg(test)]
mod tests_prop;

use std::borrow::Cow;

use expr::Node;

/// The deepest parenthesis nesting that [`Filter::parse`] accepts.
pub const MAX_NESTING_DEPTH: usize = parser::MAX_DEPTH;

/// One field's value for the event being tested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue<'a> {
    /// Text, compared byte-wise; borrow it when possible.
    Str(Cow<'a, str>),
    /// A signed integer.
    Int(i64),
    /// An unsigned integer.
    Uint(u64),
    /// A boolean, compared with the literals `true` and `false`.
    Bool(bool),
    /// No value for this event (`<NA>`): every comparison is false.
    Missing,
}

impl<'a> From<&'a str> for FieldValue<'a> {
    fn from(value: &'a str) -> Self {
        FieldValue::Str(Cow::Borrowed(value))
    }
}

impl From<String> for FieldValue<'_> {
    fn from(value: String) -> Self {
        FieldValue::Str(Cow::Owned(value))
    }
}

impl From<i64> for FieldValue<'_> {
    fn from(value: i64) -> Self {
        FieldValue::Int(value)
    }
}

impl From<u64> for FieldValue<'_> {
    fn from(value: u64) -> Self {
        FieldValue::Uint(value)
    }
}

impl From<bool> for FieldValue<'_> {
    fn from(value: bool) -> Self {
        FieldValue::Bool(value)
    }
}

/// Supplies field values for one event.
pub trait FieldSource {
    /// The value of `field` for the current event, or
    /// [`FieldValue::Missing`] when it has none.
    fn value(&self, field: &FieldRef) -> FieldValue<'_>;
}

/// A field referenced by a filter, such as `proc.aname[2]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FieldRef {
    /// The dotted name, e.g. `proc.aname` or `evt.arg.flags`.
    pub name: String,
    /// The bracketed argument, e.g. `2` in `proc.aname[2]`. `Some("")`
    /// (written `[""]`) is distinct from no argument.
    pub arg: Option<String>,
    /// This field's index in [`Filter::fields`], assigned by the parser.
    pub id: usize,
}

/// A syntax error in a filter condition.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("column {column}: {message}")]
pub struct FilterError {
    /// 1-based position of the error, counted in characters from the
    /// start of the text (a newline counts as one character).
    pub column: usize,
    /// What is wrong, in Falco's wording where Falco has one.
    pub message: String,
}

/// A parsed filter condition, ready to evaluate against events.
#[derive(Debug, Clone)]
pub struct Filter {
    /// The condition tree.
    root: Node,
    /// Distinct fields referenced by the tree, indexed by id.
    fields: Vec<FieldRef>,
}

impl Filter {
    /// Parses a filter condition.
    ///
    /// Regular expressions are compiled here, once.
    ///
    /// # Errors
    ///
    /// Returns the first syntax error with its column, an error for
    /// nesting deeper than [`MAX_NESTING_DEPTH`], or a "not supported in
    /// read filters yet" error for macros, transformers, `val()`, list
    /// names, operator modifiers and the operators `bcontains`,
    /// `bstartswith`, `iglob` and `intersects`.
    pub fn parse(text: &str) -> Result<Filter, FilterError> {
        let parsed = parser::parse(text)?;
        Ok(Filter {
            root: parsed.root,
            fields: parsed.fields,
        })
    }

    /// The distinct fields the filter references, in order of first use;
    /// each one's [`FieldRef::id`] is its index here.
    #[must_use]
    pub fn fields(&self) -> &[FieldRef] {
        &self.fields
    }

    /// Whether the event described by `src` satisfies the condition.
    ///
    /// Evaluation short-circuits `and`/`or` left to right and does not
    /// allocate unless `src` does.
    #[must_use]
    pub fn matches(&self, src: &dyn FieldSource) -> bool {
        self.root.eval(&self.fields, src)
    }
}

impl std::str::FromStr for Filter {
    type Err = FilterError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Filter::parse(text)
    }
}

#[cfg(test)]
impl Filter {
    /// The tree shape, for precedence tests.
    fn render(&self) -> String {
        self.root.render(&self.fields)
    }
}
