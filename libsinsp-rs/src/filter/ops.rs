//! Comparison operators and the compiled tests that apply them to a
//! field value.

use std::cmp::Ordering;

use regex::{Regex, RegexBuilder};

use super::glob::Glob;
use super::literal::Literal;
use super::sets::{PathSet, ValueSet};
use super::FieldValue;

/// What an operator expects on its right-hand side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Operand {
    /// Nothing (`exists`).
    Nothing,
    /// A number (`<`, `<=`, `>`, `>=`).
    Number,
    /// A single string value.
    Value,
    /// A parenthesised list of values (`in`, `pmatch`).
    List,
}

/// An operator as written in the filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Operator {
    /// `=` or `==`.
    Eq,
    /// `!=`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `contains`.
    Contains,
    /// `icontains`.
    IContains,
    /// `startswith`.
    StartsWith,
    /// `endswith`.
    EndsWith,
    /// `glob`.
    Glob,
    /// `regex`.
    Regex,
    /// `in`.
    In,
    /// `pmatch`.
    Pmatch,
    /// `exists`.
    Exists,
}

/// Symbol operators, longest first so `<=` wins over `<`.
pub(super) const SYMBOL_OPERATORS: [(&str, Operator); 7] = [
    ("<=", Operator::Le),
    ("<", Operator::Lt),
    (">=", Operator::Ge),
    (">", Operator::Gt),
    ("==", Operator::Eq),
    ("=", Operator::Eq),
    ("!=", Operator::Ne),
];

impl Operator {
    /// The operator spelled by a word, if it is one this module supports.
    pub(super) fn from_word(word: &str) -> Option<Operator> {
        let op = match word {
            "contains" => Operator::Contains,
            "icontains" => Operator::IContains,
            "startswith" => Operator::StartsWith,
            "endswith" => Operator::EndsWith,
            "glob" => Operator::Glob,
            "regex" => Operator::Regex,
            "in" => Operator::In,
            "pmatch" => Operator::Pmatch,
            "exists" => Operator::Exists,
            _ => return None,
        };
        Some(op)
    }

    /// What the operator takes on its right-hand side.
    pub(super) fn operand(self) -> Operand {
        match self {
            Operator::Exists => Operand::Nothing,
            Operator::Lt | Operator::Le | Operator::Gt | Operator::Ge => Operand::Number,
            Operator::In | Operator::Pmatch => Operand::List,
            _ => Operand::Value,
        }
    }

    /// Whether a word operator must be followed by a blank.
    pub(super) fn needs_blank(self) -> bool {
        self.operand() == Operand::Value
    }
}

/// Falco operators this module recognises but does not implement.
pub(super) const UNSUPPORTED_OPERATORS: [&str; 4] =
    ["bcontains", "bstartswith", "iglob", "intersects"];

/// An operator bound to its right-hand side, ready to evaluate.
#[derive(Debug, Clone)]
pub(super) enum Test {
    /// True when the field has a value.
    Exists,
    /// `=`, `!=`, `<`, `<=`, `>`, `>=` against one literal.
    Compare(Operator, Literal),
    /// Substring test.
    Contains(String),
    /// ASCII case-insensitive substring test; the needle is lowercase.
    IContains(String),
    /// Prefix test.
    StartsWith(String),
    /// Suffix test.
    EndsWith(String),
    /// Wildcard match of the whole value.
    Glob(Glob),
    /// Regular-expression match of the whole value.
    Regex(Regex),
    /// Equality with any list item.
    In(ValueSet),
    /// Path-prefix match with any list item.
    Pmatch(PathSet),
}

impl Test {
    /// Binds a single-value operator to its literal.
    ///
    /// # Errors
    ///
    /// Returns a message when a `regex` pattern does not compile.
    pub(super) fn with_value(op: Operator, literal: Literal) -> Result<Test, String> {
        let test = match op {
            Operator::Contains => Test::Contains(literal.text),
            Operator::IContains => Test::IContains(literal.text.to_ascii_lowercase()),
            Operator::StartsWith => Test::StartsWith(literal.text),
            Operator::EndsWith => Test::EndsWith(literal.text),
            Operator::Glob => Test::Glob(Glob::new(&literal.text)),
            Operator::Regex => Test::Regex(compile_regex(&literal.text)?),
            _ => Test::Compare(op, literal),
        };
        Ok(test)
    }

    /// Binds a list operator to its items.
    pub(super) fn with_list(op: Operator, items: Vec<Literal>) -> Test {
        if op == Operator::Pmatch {
            Test::Pmatch(PathSet::new(items))
        } else {
            Test::In(ValueSet::new(items))
        }
    }

    /// Applies the test to one extracted value.
    ///
    /// A missing value fails every test but `exists` is false too, so
    /// `not` is the only way to turn a missing value into a match.
    pub(super) fn eval(&self, value: &FieldValue<'_>) -> bool {
        match value {
            FieldValue::Missing => false,
            _ if matches!(self, Test::Exists) => true,
            FieldValue::Str(s) => self.eval_str(s),
            FieldValue::Int(n) => self.eval_number(i128::from(*n)),
            FieldValue::Uint(n) => self.eval_number(i128::from(*n)),
            FieldValue::Bool(b) => self.eval_bool(*b),
        }
    }

    /// Applies the test to a string value, comparing bytes.
    fn eval_str(&self, value: &str) -> bool {
        match self {
            Test::Exists => true,
            Test::Compare(op, lit) => holds(*op, value.cmp(lit.text.as_str())),
            Test::Contains(needle) => value.contains(needle.as_str()),
            Test::IContains(needle) => contains_ignore_ascii_case(value, needle),
            Test::StartsWith(prefix) => value.starts_with(prefix.as_str()),
            Test::EndsWith(suffix) => value.ends_with(suffix.as_str()),
            Test::Glob(glob) => glob.matches(value),
            Test::Regex(re) => re.is_match(value),
            Test::In(set) => set.has_text(value),
            Test::Pmatch(paths) => paths.matches(value),
        }
    }

    /// Applies the test to an integer value; string-only tests fail.
    fn eval_number(&self, value: i128) -> bool {
        match self {
            Test::Exists => true,
            Test::Compare(op, lit) => lit.number.is_some_and(|n| holds(*op, value.cmp(&n))),
            Test::In(set) => set.has_number(value),
            _ => false,
        }
    }

    /// Applies the test to a boolean value; only equality tests apply.
    fn eval_bool(&self, value: bool) -> bool {
        match self {
            Test::Exists => true,
            Test::Compare(Operator::Eq, lit) => lit.boolean == Some(value),
            Test::Compare(Operator::Ne, lit) => lit.boolean.is_some_and(|b| b != value),
            Test::In(set) => set.has_bool(value),
            _ => false,
        }
    }
}

/// Whether `ordering` (value compared to literal) satisfies `op`.
fn holds(op: Operator, ordering: Ordering) -> bool {
    match op {
        Operator::Eq => ordering.is_eq(),
        Operator::Ne => ordering.is_ne(),
        Operator::Lt => ordering.is_lt(),
        Operator::Le => ordering.is_le(),
        Operator::Gt => ordering.is_gt(),
        Operator::Ge => ordering.is_ge(),
        _ => false,
    }
}

/// Substring search ignoring ASCII case; `needle` is already lowercase.
fn contains_ignore_ascii_case(haystack: &str, needle: &str) -> bool {
    let needle = needle.as_bytes();
    if needle.is_empty() {
        return true;
    }
    haystack.as_bytes().windows(needle.len()).any(|window| {
        window
            .iter()
            .zip(needle)
            .all(|(h, n)| h.to_ascii_lowercase() == *n)
    })
}

/// Compiles a pattern that must match the whole value, as RE2's full
/// match does in Falco.
///
/// The pattern is first compiled on its own so that text such as `a)|(b`
/// is rejected instead of changing meaning inside the anchoring group.
fn compile_regex(pattern: &str) -> Result<Regex, String> {
    let invalid = |err: regex::Error| {
        format!(
            "invalid regular expression '{pattern}': {}",
            regex_reason(&err)
        )
    };
    Regex::new(pattern).map_err(invalid)?;
    RegexBuilder::new(&format!("^(?:{pattern})$"))
        .build()
        .map_err(invalid)
}

/// The one-line reason inside the regex crate's multi-line message.
fn regex_reason(err: &regex::Error) -> String {
    let text = err.to_string();
    let reason = text
        .lines()
        .find_map(|line| line.trim().strip_prefix("error: "))
        .unwrap_or_else(|| text.lines().last().unwrap_or("").trim());
    reason.to_owned()
}
