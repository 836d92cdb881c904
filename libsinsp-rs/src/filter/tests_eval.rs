//! Evaluation tests against a `HashMap`-backed event.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;

use super::{FieldRef, FieldSource, FieldValue, Filter};

/// An event whose fields are keyed `name` or `name[arg]`.
#[derive(Default)]
pub(super) struct Event {
    values: HashMap<String, FieldValue<'static>>,
    asked: RefCell<Vec<String>>,
}

impl Event {
    /// Adds a field value.
    pub(super) fn with(mut self, key: &str, value: impl Into<FieldValue<'static>>) -> Self {
        self.values.insert(key.to_owned(), value.into());
        self
    }

    /// Adds a string field value.
    pub(super) fn str(self, key: &str, value: &str) -> Self {
        self.with(key, value.to_owned())
    }
}

impl FieldSource for Event {
    fn value(&self, field: &FieldRef) -> FieldValue<'_> {
        let key = match &field.arg {
            Some(arg) => format!("{}[{arg}]", field.name),
            None => field.name.clone(),
        };
        self.asked.borrow_mut().push(key.clone());
        match self.values.get(&key) {
            Some(FieldValue::Str(s)) => FieldValue::Str(Cow::Borrowed(s)),
            Some(other) => other.clone(),
            None => FieldValue::Missing,
        }
    }
}

/// Parses `text` and evaluates it against `event`.
fn eval(text: &str, event: &Event) -> bool {
    match Filter::parse(text) {
        Ok(filter) => filter.matches(event),
        Err(err) => panic!("{text:?} was rejected: {err}"),
    }
}

/// Asserts the outcome of each `(filter, expected)` pair on `event`.
fn check(event: &Event, cases: &[(&str, bool)]) {
    for &(text, expected) in cases {
        assert_eq!(eval(text, event), expected, "for {text:?}");
    }
}

#[test]
fn string_equality_and_order() {
    let event = Event::default()
        .str("proc.name", "cat")
        .str("proc.num", "10")
        .str("fd.name", "");
    check(
        &event,
        &[
            ("proc.name = cat", true),
            ("proc.name == 'cat'", true),
            ("proc.name = \"cat\"", true),
            ("proc.name = Cat", false),
            ("proc.name != cat", false),
            ("proc.name != dog", true),
            ("proc.num = 10", true),
            ("proc.num = 0xA", false),
            ("fd.name = ''", true),
            ("fd.name != \"\"", false),
            ("proc.name < 5", false),
            ("proc.num < 9", true),
            ("proc.num > 1", true),
            ("proc.num >= 10", true),
            ("proc.num <= 10", true),
            ("proc.num < 10", false),
        ],
    );
}

#[test]
fn substring_operators() {
    let event = Event::default().str("proc.cmdline", "Bash -c Ls /ETC");
    check(
        &event,
        &[
            ("proc.cmdline contains 'c Ls'", true),
            ("proc.cmdline contains 'c ls'", false),
            ("proc.cmdline contains ''", true),
            ("proc.cmdline icontains 'C LS /etc'", true),
            ("proc.cmdline icontains BASH", true),
            ("proc.cmdline icontains zsh", false),
            ("proc.cmdline icontains ''", true),
            ("proc.cmdline startswith Bash", true),
            ("proc.cmdline startswith bash", false),
            ("proc.cmdline endswith /ETC", true),
            ("proc.cmdline endswith /etc", false),
        ],
    );
}

#[test]
fn icontains_folds_ascii_only() {
    let event = Event::default().str("proc.name", "Émile");
    check(
        &event,
        &[
            ("proc.name icontains MILE", true),
            ("proc.name icontains émile", false),
            ("proc.name icontains Émile", true),
        ],
    );
}

#[test]
fn glob_operator() {
    let event = Event::default()
        .str("fd.name", "/var/log/app.log")
        .str("proc.name", "a*b");
    check(
        &event,
        &[
            ("fd.name glob '*.log'", true),
            ("fd.name glob /var/*", true),
            ("fd.name glob '/var/log/???.log'", true),
            ("fd.name glob '/var/log/??.log'", false),
            ("fd.name glob '/var/log/[a-c]pp.log'", true),
            ("fd.name glob '/var/log/[!a]pp.log'", false),
            ("fd.name glob '/var/log/[^b]pp.log'", true),
            ("fd.name glob '*.txt'", false),
            ("fd.name glob '/var/log'", false),
            ("fd.name glob '*'", true),
            ("fd.name glob '**log**'", true),
            ("proc.name glob 'a\\\\*b'", true),
            ("proc.name glob 'a[*]b'", true),
            ("proc.name glob 'a[b'", false),
        ],
    );
    let bracket = Event::default().str("fd.name", "a[b");
    assert!(eval("fd.name glob 'a[b'", &bracket));
    assert!(eval("fd.name glob 'a[[]b'", &bracket));
}

#[test]
fn regex_operator_matches_the_whole_value() {
    let event = Event::default().str("proc.name", "cats");
    check(
        &event,
        &[
            ("proc.name regex 'cat'", false),
            ("proc.name regex 'cats?'", true),
            ("proc.name regex 'c.*'", true),
            ("proc.name regex 'a|cats'", true),
            ("proc.name regex 'cat|cats'", true),
            ("proc.name regex '[a-z]+'", true),
            ("proc.name regex '^cats$'", true),
            ("proc.name regex 'at'", false),
        ],
    );
}

#[test]
fn in_operator_with_strings() {
    let event = Event::default().str("proc.name", "c d");
    check(
        &event,
        &[
            ("proc.name in (a, b, \"c d\")", true),
            ("proc.name in (a, b)", false),
            ("proc.name in ()", false),
            ("proc.name in ('c d')", true),
        ],
    );
}

#[test]
fn in_operator_with_long_lists_uses_the_same_semantics() {
    let items: Vec<String> = (0..20).map(|i| format!("p{i}")).collect();
    let list = format!("({})", items.join(", "));
    for (value, expected) in [("p0", true), ("p19", true), ("p20", false), ("p", false)] {
        let event = Event::default().str("proc.name", value);
        assert_eq!(eval(&format!("proc.name in {list}"), &event), expected);
    }

    let numbers = "(1, 2, 3, 4, 5, 6, 7, 8, 9, 0x10, -3, true)";
    for (value, expected) in [(16, true), (-3, true), (9, true), (10, false)] {
        let event = Event::default().with("proc.pid", i64::from(value));
        assert_eq!(eval(&format!("proc.pid in {numbers}"), &event), expected);
    }
    let flag = Event::default().with("evt.failed", true);
    assert!(eval(&format!("evt.failed in {numbers}"), &flag));
    let flag = Event::default().with("evt.failed", false);
    assert!(!eval(&format!("evt.failed in {numbers}"), &flag));
}

#[test]
fn pmatch_is_a_path_prefix_match() {
    let cases = [
        ("/etc", true),
        ("/etc/", true),
        ("/etc/passwd", true),
        ("/etc/ssh/sshd_config", true),
        ("/etcx", false),
        ("/et", false),
        ("/var/run/docker.sock", true),
        ("/var/running", false),
        ("", false),
        ("etc", false),
    ];
    for (path, expected) in cases {
        let event = Event::default().str("fd.name", path);
        let short = "fd.name pmatch (/etc, /var/run/)";
        assert_eq!(eval(short, &event), expected, "{short} on {path:?}");

        let padding: Vec<String> = (0..10).map(|i| format!("/opt/x{i}")).collect();
        let long = format!("fd.name pmatch (/etc, /var/run/, {})", padding.join(", "));
        assert_eq!(eval(&long, &event), expected, "long list on {path:?}");
    }
}

#[test]
fn pmatch_root_and_empty_items() {
    let absolute = Event::default().str("fd.name", "/anything/at/all");
    let relative = Event::default().str("fd.name", "relative/path");
    assert!(eval("fd.name pmatch (/)", &absolute));
    assert!(!eval("fd.name pmatch (/)", &relative));
    assert!(!eval("fd.name pmatch ('')", &absolute));
    assert!(eval("fd.name pmatch (relative)", &relative));
}

#[test]
fn integer_fields_compare_numerically() {
    let event = Event::default()
        .with("evt.res", -1i64)
        .with("fd.num", 16u64)
        .with("big.num", u64::MAX);
    check(
        &event,
        &[
            ("evt.res = -1", true),
            ("evt.res != -1", false),
            ("evt.res < 0", true),
            ("evt.res >= -1", true),
            ("evt.res > -2", true),
            ("fd.num = 0x10", true),
            ("fd.num = 16", true),
            ("fd.num = +16", true),
            ("fd.num = 016", true),
            ("fd.num > 0XF", true),
            ("fd.num < 16", false),
            ("fd.num in (1, 16)", true),
            ("fd.num in (1, 2)", false),
            ("big.num = 18446744073709551615", true),
            ("big.num > 9223372036854775807", true),
            ("evt.res < 18446744073709551615", true),
        ],
    );
}

#[test]
fn non_numbers_against_integer_fields_are_false() {
    let event = Event::default().with("fd.num", 16i64);
    check(
        &event,
        &[
            ("fd.num = abc", false),
            ("fd.num != abc", false),
            ("fd.num = 16.0", false),
            ("fd.num > 1.5", false),
            ("fd.num < 1e+3", false),
            ("fd.num contains 1", false),
            ("fd.num startswith 1", false),
            ("fd.num glob '*'", false),
            ("fd.num regex '.*'", false),
            ("fd.num pmatch (16)", false),
            ("fd.num exists", true),
        ],
    );
}

#[test]
fn boolean_fields_compare_with_true_and_false() {
    let event = Event::default().with("evt.failed", true);
    check(
        &event,
        &[
            ("evt.failed = true", true),
            ("evt.failed = false", false),
            ("evt.failed != false", true),
            ("evt.failed != true", false),
            ("evt.failed = TRUE", false),
            ("evt.failed != yes", false),
            ("evt.failed = 1", false),
            ("evt.failed in (false, true)", true),
            ("evt.failed in (false)", false),
            ("evt.failed > 0", false),
            ("evt.failed contains t", false),
        ],
    );
}

#[test]
fn missing_values_fail_every_comparison() {
    let event = Event::default();
    for text in [
        "proc.name = cat",
        "proc.name != cat",
        "proc.name < 1",
        "proc.name <= 1",
        "proc.name > 1",
        "proc.name >= 1",
        "proc.name contains a",
        "proc.name contains ''",
        "proc.name icontains a",
        "proc.name startswith a",
        "proc.name endswith a",
        "proc.name glob '*'",
        "proc.name regex '.*'",
        "proc.name in (a, b)",
        "proc.name pmatch (/)",
        "proc.name exists",
    ] {
        assert!(!eval(text, &event), "{text:?} on a missing value");
        let negated = format!("not {text}");
        assert!(eval(&negated, &event), "{negated:?} on a missing value");
    }
}

#[test]
fn exists_distinguishes_missing_from_empty() {
    let event = Event::default().str("fd.name", "").with("fd.num", 0i64);
    check(
        &event,
        &[
            ("fd.name exists", true),
            ("fd.num exists", true),
            ("proc.name exists", false),
            ("not proc.name exists", true),
        ],
    );
}

#[test]
fn field_arguments_reach_the_source() {
    let event = Event::default()
        .str("proc.aname[2]", "sshd")
        .str("evt.arg[0]", "3")
        .str("json.value[/a b]", "x");
    check(
        &event,
        &[
            ("proc.aname[2] = sshd", true),
            ("proc.aname[3] = sshd", false),
            ("proc.aname = sshd", false),
            ("evt.arg[0] = 3", true),
            ("json.value['/a b'] = x", true),
        ],
    );
}

#[test]
fn boolean_connectives() {
    let event = Event::default().str("a.a", "1").str("b.b", "1");
    check(
        &event,
        &[
            ("a.a exists and b.b exists", true),
            ("a.a exists and c.c exists", false),
            ("c.c exists or b.b exists", true),
            ("c.c exists or d.d exists", false),
            ("c.c exists or a.a exists and b.b exists", true),
            ("(c.c exists or a.a exists) and d.d exists", false),
            ("c.c exists or a.a exists and d.d exists", false),
            ("not c.c exists and a.a exists", true),
            ("not (c.c exists and a.a exists)", true),
            ("not not a.a exists", true),
            ("not not not a.a exists", false),
        ],
    );
}

#[test]
fn and_or_short_circuit_left_to_right() {
    let event = Event::default().str("a.a", "1");
    let filter = Filter::parse("a.a exists or b.b exists").unwrap();
    assert!(filter.matches(&event));
    assert_eq!(*event.asked.borrow(), ["a.a"]);

    let event = Event::default();
    let filter = Filter::parse("a.a exists and b.b exists").unwrap();
    assert!(!filter.matches(&event));
    assert_eq!(*event.asked.borrow(), ["a.a"]);
}

#[test]
fn source_sees_the_ids_of_fields() {
    /// Answers each field with its id, to check ids match `fields()`.
    struct ById;
    impl FieldSource for ById {
        fn value(&self, field: &FieldRef) -> FieldValue<'_> {
            FieldValue::Uint(field.id as u64)
        }
    }
    let filter = Filter::parse("a.a = 0 and b.b = 1 and a.a = 0 and c.c[x] = 2").unwrap();
    assert_eq!(filter.fields().len(), 3);
    assert!(filter.matches(&ById));
}

#[test]
fn escapes_are_decoded_before_comparing() {
    let event = Event::default()
        .str("proc.cmdline", "a\tb \"q\" 'r' c\\d /e A")
        .str("proc.name", "x\\y");
    check(
        &event,
        &[
            (
                "proc.cmdline = \"a\\tb \\\"q\\\" 'r' c\\\\d \\/e \\x41\"",
                true,
            ),
            ("proc.cmdline contains '\\'r\\''", true),
            ("proc.name = 'x\\ y'", true),
            ("proc.name = 'x\\\\y'", true),
        ],
    );
}
