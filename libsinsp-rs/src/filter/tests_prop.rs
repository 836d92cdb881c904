//! Property tests: no input panics the parser or the evaluator, errors
//! point inside the text, and the operators agree with simple reference
//! models.

use std::borrow::Cow;

use proptest::prelude::*;

use super::{FieldRef, FieldSource, FieldValue, Filter};

/// Tokens that make up "token soup" inputs: real syntax in random order.
const TOKENS: &[&str] = &[
    "proc.name",
    "fd.name",
    "evt.arg[0]",
    "proc.aname[2]",
    "proc.aname[",
    "=",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "contains",
    "icontains",
    "startswith",
    "endswith",
    "glob",
    "in",
    "pmatch",
    "regex",
    "exists",
    "and",
    "or",
    "not",
    "not(",
    "(",
    ")",
    ",",
    "'",
    "\"",
    "\\",
    "[",
    "]",
    "cat",
    "/etc",
    "-1",
    "0x1F",
    "1.5e+3",
    "'a b'",
    "\"x\\\"y\"",
    "'\\x41'",
    "'\\xZ'",
    "*",
    "?",
    "'[a-'",
    "'('",
    "tolower(",
    "val(",
    "oneof",
    "bcontains",
    "my_macro",
    "é",
    "\n",
    "\t",
];

/// Answers every field with a value whose kind depends on its id.
struct Mixed(usize);

impl FieldSource for Mixed {
    fn value(&self, field: &FieldRef) -> FieldValue<'_> {
        match (field.id + self.0) % 6 {
            0 => FieldValue::Missing,
            1 => FieldValue::Str(Cow::Borrowed("cat")),
            2 => FieldValue::Str(Cow::Borrowed("/etc/passwd")),
            3 => FieldValue::Int(-1),
            4 => FieldValue::Uint(31),
            _ => FieldValue::Bool(true),
        }
    }
}

/// Answers every field with one string.
struct Text<'a>(&'a str);

impl FieldSource for Text<'_> {
    fn value(&self, _field: &FieldRef) -> FieldValue<'_> {
        FieldValue::Str(Cow::Borrowed(self.0))
    }
}

/// Parses `text` and, when it is accepted, evaluates it with every value
/// kind; checks that an error's column lies inside the text.
fn exercise(text: &str) -> Result<(), TestCaseError> {
    match Filter::parse(text) {
        Ok(filter) => {
            for seed in 0..6 {
                let _outcome = filter.matches(&Mixed(seed));
            }
        }
        Err(err) => {
            let limit = text.chars().count() + 1;
            prop_assert!(
                (1..=limit).contains(&err.column),
                "column {} outside 1..={limit}: {err}",
                err.column
            );
            prop_assert!(!err.message.is_empty());
        }
    }
    Ok(())
}

/// Token soup: tokens joined with or without blanks.
fn soup() -> impl Strategy<Value = String> {
    let token = prop::sample::select(TOKENS);
    prop::collection::vec((token, prop::bool::ANY), 0..40).prop_map(|parts| {
        parts
            .into_iter()
            .map(|(t, spaced)| {
                if spaced {
                    format!("{t} ")
                } else {
                    t.to_owned()
                }
            })
            .collect()
    })
}

/// One valid comparison: a field, an operator and a fitting operand.
fn check_text() -> impl Strategy<Value = String> {
    let field = prop::sample::select(
        &[
            "proc.name",
            "fd.name",
            "evt.arg[0]",
            "proc.aname['a b']",
            "evt.res",
        ][..],
    );
    let string_value = prop::sample::select(
        &[
            "cat",
            "/etc",
            "'a b'",
            "\"x\\\"y\"",
            "-1",
            "0x1F",
            "''",
            "*.log",
            "true",
        ][..],
    );
    let item = prop::sample::select(&["cat", "/etc", "'a b'", "-1", "31", "true", "/"][..]);
    let string_op = prop::sample::select(
        &[
            "=",
            "==",
            "!=",
            "contains",
            "icontains",
            "startswith",
            "endswith",
            "glob",
        ][..],
    );
    let operand = prop_oneof![
        (string_op, string_value).prop_map(|(op, v)| format!("{op} {v}")),
        prop::sample::select(&["'c.t'", "'cat|dog'", "'.*'", "'[/a-z]+'"][..])
            .prop_map(|v| format!("regex {v}")),
        (
            prop::sample::select(&["<", "<=", ">", ">="][..]),
            prop::sample::select(&["-1", "0x1F", "31", "1.5", "+2"][..]),
        )
            .prop_map(|(op, v)| format!("{op} {v}")),
        (
            prop::sample::select(&["in", "pmatch"][..]),
            prop::collection::vec(item, 0..12),
        )
            .prop_map(|(op, items)| format!("{op} ({})", items.join(", "))),
        Just("exists".to_owned()),
    ];
    (field, operand).prop_map(|(f, rest)| format!("{f} {rest}"))
}

/// A valid condition built from [`check_text`] with `and`, `or`, `not`
/// and parentheses.
fn filter_text() -> impl Strategy<Value = String> {
    check_text().prop_recursive(5, 48, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} and {b}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} or {b}")),
            inner.clone().prop_map(|a| format!("not {a}")),
            inner.prop_map(|a| format!("({a})")),
        ]
    })
}

/// A glob over a tiny alphabet and its translation to a regex.
fn glob_and_regex() -> impl Strategy<Value = (String, String)> {
    let piece = prop::sample::select(&["a", "b", "*", "?", "[ab]", "[!a]"][..]);
    prop::collection::vec(piece, 0..8).prop_map(|pieces| {
        let glob: String = pieces.concat();
        let regex: String = pieces
            .iter()
            .map(|p| match *p {
                "*" => ".*",
                "?" => ".",
                "[!a]" => "[^a]",
                other => other,
            })
            .collect();
        (glob, regex)
    })
}

/// The reference result of a flat `and`/`or` chain of possibly negated
/// atoms: `or` splits the chain into `and` groups.
fn reference(atoms: &[(bool, bool)], ors: &[bool]) -> bool {
    let mut any = false;
    let mut all = true;
    for (i, &(negated, value)) in atoms.iter().enumerate() {
        all &= value != negated;
        let group_ends = ors.get(i).copied().unwrap_or(true);
        if group_ends {
            any |= all;
            all = true;
        }
    }
    any
}

proptest! {
    #[test]
    fn random_strings_never_panic(text in any::<String>()) {
        exercise(&text)?;
    }

    #[test]
    fn filter_like_strings_never_panic(text in "[a-z.()\\[\\]'\" =!<>,\\\\*?/0-9x-]{0,60}") {
        exercise(&text)?;
    }

    #[test]
    fn token_soup_never_panics(text in soup()) {
        exercise(&text)?;
    }

    #[test]
    fn generated_filters_parse_and_not_inverts_them(text in filter_text(), seed in 0usize..6) {
        let filter = Filter::parse(&text);
        prop_assert!(filter.is_ok(), "{:?} was rejected: {:?}", text, filter);
        let filter = filter.unwrap();
        let negated = Filter::parse(&format!("not ({text})")).unwrap();
        prop_assert_eq!(negated.matches(&Mixed(seed)), !filter.matches(&Mixed(seed)));
    }

    #[test]
    fn mutated_filters_never_panic(
        text in filter_text(),
        edits in prop::collection::vec((any::<usize>(), any::<char>(), any::<bool>()), 1..4),
    ) {
        let mut chars: Vec<char> = text.chars().collect();
        for (at, c, insert) in edits {
            let at = at % (chars.len() + 1);
            if insert || at == chars.len() {
                chars.insert(at, c);
            } else {
                chars.remove(at);
            }
        }
        exercise(&chars.into_iter().collect::<String>())?;
    }

    #[test]
    fn precedence_matches_the_reference(
        atoms in prop::collection::vec((any::<bool>(), any::<bool>()), 1..12),
        ors in prop::collection::vec(any::<bool>(), 11),
    ) {
        // Atom i reads field `t.iN`, present exactly when its value is true.
        let mut text = String::new();
        for (i, &(negated, _)) in atoms.iter().enumerate() {
            if i > 0 {
                text.push_str(if ors[i - 1] { " or " } else { " and " });
            }
            if negated {
                text.push_str("not ");
            }
            text.push_str(&format!("t.i{i} exists"));
        }
        let filter = Filter::parse(&text).unwrap();

        /// Field `t.iN` exists when atom N's value is true.
        struct Atoms<'a>(&'a [(bool, bool)]);
        impl FieldSource for Atoms<'_> {
            fn value(&self, field: &FieldRef) -> FieldValue<'_> {
                let index: usize = field.name[3..].parse().unwrap_or(usize::MAX);
                match self.0.get(index) {
                    Some(&(_, true)) => FieldValue::Bool(true),
                    _ => FieldValue::Missing,
                }
            }
        }
        let used_ors = &ors[..atoms.len() - 1];
        prop_assert_eq!(filter.matches(&Atoms(&atoms)), reference(&atoms, used_ors));
    }

    #[test]
    fn glob_agrees_with_regex((glob, regex) in glob_and_regex(), value in "[abc]{0,8}") {
        let by_glob = Filter::parse(&format!("x.x glob '{glob}'")).unwrap();
        let by_regex = Filter::parse(&format!("x.x regex '{regex}'")).unwrap();
        prop_assert_eq!(by_glob.matches(&Text(&value)), by_regex.matches(&Text(&value)));
    }

    #[test]
    fn long_in_lists_agree_with_short_ones(
        items in prop::collection::vec("[ab]{0,3}", 0..8),
        value in "[ab]{0,3}",
    ) {
        let quoted: Vec<String> = items.iter().map(|i| format!("'{i}'")).collect();
        let padding: Vec<String> = (0..10).map(|i| format!("zz{i}")).collect();
        let short = format!("x.x in ({})", quoted.join(", "));
        let long = format!("x.x in ({})", [quoted, padding].concat().join(", "));
        let expected = items.contains(&value);
        prop_assert_eq!(Filter::parse(&short).unwrap().matches(&Text(&value)), expected);
        prop_assert_eq!(Filter::parse(&long).unwrap().matches(&Text(&value)), expected);
    }

    #[test]
    fn long_pmatch_lists_agree_with_short_ones(
        items in prop::collection::vec("/?[ab]{1,2}(/[ab]{1,2}){0,2}/?", 0..8),
        value in "/?[ab]{1,2}(/[ab]{1,2}){0,3}/?",
    ) {
        let padding: Vec<String> = (0..10).map(|i| format!("/zz{i}")).collect();
        let short = format!("x.x pmatch ({})", items.join(", "));
        let long = format!("x.x pmatch ({})", [items.clone(), padding].concat().join(", "));
        let by_short = Filter::parse(&short).unwrap().matches(&Text(&value));
        let by_long = Filter::parse(&long).unwrap().matches(&Text(&value));
        prop_assert_eq!(by_short, by_long);

        // Reference: compare the non-empty `/` components.
        let parts = |p: &str| -> Vec<String> {
            p.split('/').filter(|s| !s.is_empty()).map(str::to_owned).collect()
        };
        let value_parts = parts(&value);
        let expected = items.iter().any(|item| {
            let item_parts = parts(item);
            item.starts_with('/') == value.starts_with('/')
                && value_parts.starts_with(&item_parts)
        });
        prop_assert_eq!(by_short, expected);
    }
}
