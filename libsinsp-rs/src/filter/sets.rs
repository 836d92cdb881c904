//! The value lists of `in` and `pmatch`, laid out for fast membership
//! tests: a plain scan for short lists, hash sets past [`SCAN_LIMIT`].

use std::collections::HashSet;

use super::literal::Literal;

/// Lists with more items than this are looked up through a hash set.
const SCAN_LIMIT: usize = 8;

/// The right-hand side of `in`: equality with any item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum ValueSet {
    /// Few items, compared one by one.
    Scan(Vec<Literal>),
    /// Many items, indexed by each typed reading.
    Hashed {
        /// Every item as text.
        texts: HashSet<String>,
        /// The items that read as integers.
        numbers: HashSet<i128>,
        /// Whether `false` / `true` are among the items.
        booleans: [bool; 2],
    },
}

impl ValueSet {
    /// Builds the set, choosing the layout by item count.
    pub(super) fn new(items: Vec<Literal>) -> Self {
        if items.len() <= SCAN_LIMIT {
            return ValueSet::Scan(items);
        }
        let numbers = items.iter().filter_map(|l| l.number).collect();
        let mut booleans = [false; 2];
        for b in items.iter().filter_map(|l| l.boolean) {
            booleans[usize::from(b)] = true;
        }
        let texts = items.into_iter().map(|l| l.text).collect();
        ValueSet::Hashed {
            texts,
            numbers,
            booleans,
        }
    }

    /// Whether some item's text equals `value`.
    pub(super) fn has_text(&self, value: &str) -> bool {
        match self {
            ValueSet::Scan(items) => items.iter().any(|l| l.text == value),
            ValueSet::Hashed { texts, .. } => texts.contains(value),
        }
    }

    /// Whether some item reads as the integer `value`.
    pub(super) fn has_number(&self, value: i128) -> bool {
        match self {
            ValueSet::Scan(items) => items.iter().any(|l| l.number == Some(value)),
            ValueSet::Hashed { numbers, .. } => numbers.contains(&value),
        }
    }

    /// Whether some item reads as the boolean `value`.
    pub(super) fn has_bool(&self, value: bool) -> bool {
        match self {
            ValueSet::Scan(items) => items.iter().any(|l| l.boolean == Some(value)),
            ValueSet::Hashed { booleans, .. } => booleans[usize::from(value)],
        }
    }
}

/// The right-hand side of `pmatch`: path prefixes matched on whole
/// `/`-separated components (`/etc` matches `/etc/passwd`, not `/etcx`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum PathSet {
    /// Few prefixes, tried one by one.
    Scan(Vec<String>),
    /// Many prefixes; each component boundary of the path is looked up.
    Hashed(HashSet<String>),
}

impl PathSet {
    /// Builds the set from the written items.
    ///
    /// Trailing slashes are dropped so `/etc/` and `/etc` mean the same;
    /// `/` becomes the empty prefix, which every absolute path has. Empty
    /// items match nothing and are left out.
    pub(super) fn new(items: Vec<Literal>) -> Self {
        let prefixes: Vec<String> = items
            .into_iter()
            .filter(|l| !l.text.is_empty())
            .map(|l| l.text.trim_end_matches('/').to_owned())
            .collect();
        if prefixes.len() <= SCAN_LIMIT {
            PathSet::Scan(prefixes)
        } else {
            PathSet::Hashed(prefixes.into_iter().collect())
        }
    }

    /// Whether `path` equals a prefix or lies below one.
    pub(super) fn matches(&self, path: &str) -> bool {
        if path.is_empty() {
            return false;
        }
        match self {
            PathSet::Scan(prefixes) => prefixes.iter().any(|p| is_under(path, p)),
            PathSet::Hashed(prefixes) => component_prefixes(path).any(|p| prefixes.contains(p)),
        }
    }
}

/// Whether `path` is `prefix` itself or continues it with a `/`.
fn is_under(path: &str, prefix: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// `path` cut before each of its slashes, then `path` itself:
/// `/a/b` yields `""`, `"/a"`, `"/a/b"`.
fn component_prefixes(path: &str) -> impl Iterator<Item = &str> {
    let cuts = path.match_indices('/').map(|(i, _)| i);
    cuts.chain(std::iter::once(path.len()))
        .filter_map(move |i| path.get(..i))
}
