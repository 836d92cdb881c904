//! Parser tests: accepted forms, rejected forms with their columns and
//! messages, precedence, field tables and the nesting limit.

use super::{FieldRef, Filter, FilterError, MAX_NESTING_DEPTH};

/// Parses `text`, failing the test with the error when it is rejected.
fn ok(text: &str) -> Filter {
    match Filter::parse(text) {
        Ok(filter) => filter,
        Err(err) => panic!("{text:?} was rejected: {err}"),
    }
}

/// Parses `text`, failing the test when it is accepted.
fn err(text: &str) -> FilterError {
    match Filter::parse(text) {
        Ok(filter) => panic!("{text:?} was accepted: {}", filter.render()),
        Err(err) => err,
    }
}

/// Asserts that `text` is rejected at `column` with `message`.
fn rejects(text: &str, column: usize, message: &str) {
    let e = err(text);
    assert_eq!(
        (e.column, e.message.as_str()),
        (column, message),
        "for {text:?}"
    );
}

/// Asserts that `text` is rejected at `column` with a message containing
/// `part`.
fn rejects_with(text: &str, column: usize, part: &str) {
    let e = err(text);
    assert_eq!(e.column, column, "column for {text:?}: {e}");
    assert!(e.message.contains(part), "message for {text:?}: {e}");
}

#[test]
fn accepts_every_operator() {
    for text in [
        "proc.name = cat",
        "proc.name == cat",
        "proc.name != cat",
        "proc.pid < 10",
        "proc.pid <= 10",
        "proc.pid > 10",
        "proc.pid >= 10",
        "proc.name contains at",
        "proc.name icontains AT",
        "proc.name startswith ca",
        "proc.name endswith at",
        "proc.name glob 'c*t'",
        "proc.name regex 'c.t'",
        "proc.name in (cat, dog)",
        "fd.name pmatch (/etc, /var/run)",
        "proc.name exists",
    ] {
        ok(text);
    }
}

#[test]
fn symbol_and_list_operators_need_no_blanks() {
    for text in [
        "proc.name=cat",
        "proc.name!=cat",
        "proc.name==cat",
        "proc.pid<=10",
        "proc.pid>0x1F",
        "proc.name in(cat)",
        "proc.name in()",
        "fd.name pmatch(/etc)",
        "proc.name=\"cat\"",
    ] {
        ok(text);
    }
}

#[test]
fn accepts_bare_values() {
    for text in [
        "fd.name=/etc/passwd",
        "evt.res = -1",
        "fd.name=*.log",
        "a.b = not",
        "a.b = and",
        "test.str = 0a!@#456:/\\.;!$%^&*[]{}|",
        "test.str = 0xAAA.1",
        "evt.arg.flags contains O_TRUNC",
        "proc.name = héllo",
    ] {
        ok(text);
    }
}

#[test]
fn accepts_quoted_values() {
    for text in [
        "proc.name = 'cat'",
        "proc.name = \"cat dog\"",
        "proc.name = ''",
        "proc.name = \"\"",
        "proc.name = 'mixed \"'",
        "proc.name = \"mixed '\"",
        "proc.name = 'a\\'b'",
        "proc.name = \"a\\\"b\"",
        "proc.name = \"\\b\\f\\n\\r\\t\\\\\\/\"",
        "proc.name = \"\\x41\"",
    ] {
        ok(text);
    }
}

#[test]
fn accepts_lists() {
    for text in [
        "test.list in ()",
        "test.list in (a)",
        "test.list in ('single-quoted')",
        "test.list in (0a!@#456:/\\.;!$%^&*[]{}|, value)",
        "test.list in ( a ,b,  \"c d\" )",
        "test.list in (\n a,\n b\n)",
    ] {
        ok(text);
    }
}

#[test]
fn accepts_field_arguments() {
    for text in [
        "proc.aname[2] = bash",
        "evt.arg[0] = 3",
        "evt.rawarg.res < 0",
        "test.str[0a!@#456:/\\.;!$%^&*(){}|] exists",
        "test.str[aaaa1] exists",
        "test.str[+0.25e+10] exists",
        "test.str[\"\"] exists",
        "test.str['a aa'] exists",
        "test.str[\"test \\\"with\\\"escaping\"] exists",
        "container.mount.dest[/proc*] exists",
    ] {
        ok(text);
    }
}

#[test]
fn field_table_lists_distinct_fields_in_order() {
    let filter = ok("proc.name = a or proc.aname[2] = b or proc.name = c \
         or proc.aname[3] exists or proc.aname[2] exists or proc.aname[\"\"] exists");
    let expected = [
        ("proc.name", None),
        ("proc.aname", Some("2")),
        ("proc.aname", Some("3")),
        ("proc.aname", Some("")),
    ];
    let got: Vec<(&str, Option<&str>)> = filter
        .fields()
        .iter()
        .map(|f| (f.name.as_str(), f.arg.as_deref()))
        .collect();
    assert_eq!(got, expected);
    for (index, field) in filter.fields().iter().enumerate() {
        assert_eq!(field.id, index);
    }
}

#[test]
fn quoted_field_argument_is_unescaped() {
    let filter = ok("json.value[\"/a \\\"b\\\"\"] exists");
    let expected = FieldRef {
        name: "json.value".to_owned(),
        arg: Some("/a \"b\"".to_owned()),
        id: 0,
    };
    assert_eq!(filter.fields(), [expected]);
}

#[test]
fn precedence_is_not_then_and_then_or() {
    let cases = [
        (
            "a.a exists or b.b exists and c.c exists",
            "(or a.a (and b.b c.c))",
        ),
        (
            "a.a exists and b.b exists or c.c exists",
            "(or (and a.a b.b) c.c)",
        ),
        ("not a.a exists and b.b exists", "(and (not a.a) b.b)"),
        (
            "not a.a exists or not b.b exists",
            "(or (not a.a) (not b.b))",
        ),
        ("a.a exists or b.b exists or c.c exists", "(or a.a b.b c.c)"),
        (
            "a.a exists and b.b exists and c.c exists",
            "(and a.a b.b c.c)",
        ),
    ];
    for (text, shape) in cases {
        assert_eq!(ok(text).render(), shape, "for {text:?}");
    }
}

#[test]
fn parentheses_and_not_forms() {
    let cases = [
        (
            "(a.a exists or b.b exists) and c.c exists",
            "(and (or a.a b.b) c.c)",
        ),
        ("not (a.a exists and b.b exists)", "(not (and a.a b.b))"),
        ("not(a.a exists)", "(not a.a)"),
        ("not not a.a exists", "a.a"),
        ("not not not a.a exists", "(not a.a)"),
        ("not\tnot(not (a.a exists))", "(not a.a)"),
        ("a.a exists and(b.b exists)", "(and a.a b.b)"),
        ("(a.a exists)or(b.b exists)", "(or a.a b.b)"),
        ("((((a.a exists))))", "a.a"),
        ("not.x exists", "not.x"),
        (" \n a.a exists \r\n and\tb.b exists \n", "(and a.a b.b)"),
    ];
    for (text, shape) in cases {
        assert_eq!(ok(text).render(), shape, "for {text:?}");
    }
}

#[test]
fn rejects_empty_input() {
    rejects("", 1, "filter input string is empty");
    rejects("  \n\t", 1, "filter input string is empty");
}

#[test]
fn rejects_missing_or_unknown_operator() {
    rejects(
        "proc.name",
        10,
        "unexpected end of input after 'proc.name': expected an operator",
    );
    rejects(
        "proc.name foo",
        11,
        "unexpected token after 'proc.name': expected an operator",
    );
    rejects(
        "proc.name containsvalue",
        11,
        "unexpected token after 'proc.name': expected an operator",
    );
    rejects(
        "proc.name ExIsTs",
        11,
        "unexpected token after 'proc.name': expected an operator",
    );
    rejects(
        "proc.aname[2] ~ x",
        15,
        "unexpected token after 'proc.aname[2]': expected an operator",
    );
    rejects(
        "proc.name contains\"x\"",
        19,
        "expected a blank after 'contains'",
    );
    rejects(
        "proc.name contains",
        19,
        "unexpected end of input after 'contains': expected a value",
    );
}

#[test]
fn rejects_bad_values() {
    rejects(
        "proc.name === x",
        13,
        "unexpected token after '==': expected a value",
    );
    rejects(
        "proc.name !== x",
        13,
        "unexpected token after '!=': expected a value",
    );
    rejects(
        "proc.name =",
        12,
        "unexpected end of input after '=': expected a value",
    );
    rejects(
        "proc.name = a,",
        14,
        "unexpected token after 'a', expecting 'or', 'and'",
    );
    rejects(
        "proc.name = a=",
        14,
        "unexpected token after 'a', expecting 'or', 'and'",
    );
    rejects(
        "a.b = b = 1",
        9,
        "unexpected token after 'b', expecting 'or', 'and'",
    );
    rejects(
        "fd.name=/var/lo);g/httpd.log",
        16,
        "unexpected ')' after '/var/lo': no '(' is open",
    );
    rejects(
        "proc.name = (a)",
        13,
        "'=' takes a single value; only 'in' and 'pmatch' take a list in parentheses",
    );
    rejects_with("proc.name startswith (a)", 22, "takes a single value");
    rejects_with("proc.name contains (a)", 20, "takes a single value");
}

#[test]
fn rejects_bad_numbers() {
    rejects(
        "proc.pid > a",
        12,
        "unexpected token after '>': expected a number",
    );
    rejects(
        "proc.pid > 0aaaaa",
        13,
        "unexpected token after '0', expecting 'or', 'and'",
    );
    rejects(
        "proc.pid > 0xAAA.1",
        17,
        "unexpected token after '0xAAA', expecting 'or', 'and'",
    );
    rejects(
        "proc.pid < \"10\"",
        12,
        "unexpected token after '<': expected a number",
    );
    rejects(
        "proc.pid >= -",
        13,
        "unexpected token after '>=': expected a number",
    );
    ok("proc.pid > -5");
    ok("proc.pid > +1.5e+3");
    ok("proc.pid > 0XfF");
}

#[test]
fn rejects_bad_lists() {
    rejects(
        "test.list in (",
        15,
        "unexpected end of input after '(': expected a value",
    );
    rejects_with(
        "test.list in )",
        14,
        "expected a list of values in parentheses",
    );
    rejects_with("test.list in my_list", 14, "named lists are not supported");
    rejects(
        "test.list in (value,)",
        21,
        "unexpected token after ',': expected a value",
    );
    rejects(
        "test.list in (value,,)",
        21,
        "unexpected token after ',': expected a value",
    );
    rejects(
        "test.list in (,)",
        15,
        "unexpected token after '(': expected a value",
    );
    rejects(
        "test.list in (,   ,)",
        15,
        "unexpected token after '(': expected a value",
    );
    rejects(
        "test.list in (a b)",
        17,
        "unexpected token after 'a': expected ',' or ')'",
    );
    rejects(
        "test.list in (a=b)",
        16,
        "unexpected token after 'a': expected ',' or ')'",
    );
}

#[test]
fn rejects_bad_strings() {
    rejects(
        "proc.name = \"abc",
        13,
        "unterminated string starting at column 13",
    );
    rejects(
        "proc.name = 'abc\\'",
        13,
        "unterminated string starting at column 13",
    );
    rejects(
        "proc.name = \"é",
        13,
        "unterminated string starting at column 13",
    );
    rejects(
        "proc.name = 'a\\qb'",
        15,
        "unsupported string escape sequence: \\q",
    );
    rejects_with(
        "proc.name = \"a\\'b\"",
        15,
        "invalid \\' escape in \"-quoted string",
    );
    rejects_with(
        "proc.name = 'a\\\"b'",
        15,
        "invalid \\\" escape in '-quoted string",
    );
    rejects_with(
        "proc.name = \"\\x4\"",
        14,
        "invalid hex char escape sequence",
    );
    rejects_with("proc.name = \"\\x00\"", 14, "only \\x01 to \\x7f");
    rejects_with("proc.name = \"\\xff\"", 14, "only \\x01 to \\x7f");
    rejects(
        "proc.name = 'ab'cd",
        17,
        "unexpected token after ''ab'', expecting 'or', 'and'",
    );
}

#[test]
fn rejects_bad_field_arguments() {
    let bad_arg = "expected a valid field argument: a quoted string or a bare string";
    rejects("test.str[] exists", 10, bad_arg);
    rejects("test.str[[] exists", 10, bad_arg);
    rejects("test.str[   test   ] exists", 10, bad_arg);
    rejects_with("test.str[]] exists", 10, "expected a valid field argument");
    rejects(
        "test.str['''] exists",
        12,
        "expected a ']' token to close the '[' at column 9",
    );
    rejects(
        "test.str[aaa\"] exists",
        13,
        "expected a ']' token to close the '[' at column 9",
    );
    rejects(
        "test.str[abc",
        13,
        "expected a ']' token to close the '[' at column 9",
    );
    rejects(
        "test.str['abc exists",
        10,
        "unterminated string starting at column 10",
    );
}

#[test]
fn rejects_bad_boolean_structure() {
    rejects(
        "a.b exists andb c.d exists",
        15,
        "expected blank or '(' after 'and'",
    );
    rejects(
        "a.b exists orc.d exists",
        14,
        "expected blank or '(' after 'or'",
    );
    rejects(
        "a.b exists aand c.d exists",
        12,
        "unexpected token after 'exists', expecting 'or', 'and'",
    );
    rejects(
        "a.b exists something",
        12,
        "unexpected token after 'exists', expecting 'or', 'and'",
    );
    rejects(
        "a.b exists and",
        15,
        "unexpected end of input after 'and': expected a field, 'not' or '('",
    );
    rejects(
        "not",
        4,
        "unexpected end of input after 'not': expected a field, 'not' or '('",
    );
    rejects(
        "and a.b exists",
        1,
        "unexpected 'and': expected a field, 'not' or '('",
    );
    rejects(
        "a.b exists or or c.d exists",
        15,
        "unexpected 'or': expected a field, 'not' or '('",
    );
    rejects(
        "()",
        2,
        "unexpected token after '(': expected a field, 'not' or '('",
    );
    rejects(
        "= cat",
        1,
        "unexpected token: expected a field, 'not' or '('",
    );
    rejects(
        "(a.b exists",
        12,
        "unexpected end of input after 'exists': expected ')' to close the '(' at column 1",
    );
    rejects(
        "a.b exists)",
        11,
        "unexpected ')' after 'exists': no '(' is open",
    );
}

#[test]
fn refuses_unsupported_features() {
    rejects_with(
        "my_macro",
        1,
        "macros are not supported in read filters yet",
    );
    rejects_with("a.b exists and notb", 16, "'notb' is not a field name");
    rejects_with(
        "tolower(proc.name) = cat",
        1,
        "transformer 'tolower()' is not supported in read filters yet",
    );
    rejects_with("b64(x.y) exists", 1, "transformer 'b64()'");
    rejects_with(
        "proc.name = val(proc.pname)",
        13,
        "field-to-field comparison with 'val()' is not supported in read filters yet",
    );
    rejects_with("proc.name in val(proc.pname)", 14, "'val()'");
    rejects_with(
        "proc.name = toupper(proc.pname)",
        13,
        "transformer 'toupper()'",
    );
    rejects_with(
        "proc.name bcontains 41",
        11,
        "operator 'bcontains' is not supported in read filters yet",
    );
    rejects_with("proc.name iglob '*'", 11, "operator 'iglob'");
    rejects_with("proc.name intersects (a)", 11, "operator 'intersects'");
    rejects_with(
        "proc.name == oneof (cat, nginx)",
        14,
        "operator modifier 'oneof' is not supported in read filters yet",
    );
    ok("proc.name == anyof and fd.name exists");
    ok("proc.name = val");
}

#[test]
fn rejects_invalid_regex_at_the_pattern() {
    rejects_with("proc.name regex '('", 17, "invalid regular expression '('");
    rejects_with("proc.name regex 'a)|(b'", 17, "invalid regular expression");
    let e = err("proc.name regex '('");
    assert!(!e.message.contains('\n'), "one-line message: {e}");
}

#[test]
fn display_puts_the_column_first() {
    let e = err("proc.name foo");
    assert_eq!(
        e.to_string(),
        "column 11: unexpected token after 'proc.name': expected an operator"
    );
}

#[test]
fn nesting_up_to_the_limit_is_accepted() {
    let depth = MAX_NESTING_DEPTH;
    let text = format!("{}a.b exists{}", "(".repeat(depth), ")".repeat(depth));
    assert_eq!(ok(&text).render(), "a.b");
    let text = format!("{}a.b exists{}", "not (".repeat(depth), ")".repeat(depth));
    ok(&text);
}

#[test]
fn deepest_trees_evaluate() {
    /// Answers `b.b` and `c.c`, not `a.a`.
    struct BAndC;
    impl super::FieldSource for BAndC {
        fn value(&self, field: &FieldRef) -> super::FieldValue<'_> {
            match field.name.as_str() {
                "b.b" | "c.c" => super::FieldValue::Bool(true),
                _ => super::FieldValue::Missing,
            }
        }
    }
    // Each level adds an `or`, an `and` and a `not` node.
    let depth = MAX_NESTING_DEPTH;
    let level = "a.a exists or b.b exists and not (";
    let text = format!("{}c.c exists{}", level.repeat(depth), ")".repeat(depth));
    let filter = ok(&text);
    assert!(filter.render().starts_with("(or a.a (and b.b (not (or a.a"));
    // Each level reduces to `not (inner)`; 200 of them cancel out.
    assert!(filter.matches(&BAndC));
}

#[test]
fn nesting_past_the_limit_is_refused() {
    let depth = MAX_NESTING_DEPTH + 1;
    let text = format!("{}a.b exists{}", "(".repeat(depth), ")".repeat(depth));
    rejects(
        &text,
        depth,
        "exceeded max depth limit of 200 nested parentheses",
    );
    let text = "not(".repeat(100_000);
    rejects_with(&text, 804, "exceeded max depth limit");
}

#[test]
fn many_nots_and_long_chains_do_not_recurse() {
    let text = format!("{}a.b exists", "not ".repeat(100_001));
    assert_eq!(ok(&text).render(), "(not a.b)");
    let text = vec!["a.b exists"; 50_000].join(" or ");
    ok(&text);
}

#[test]
fn columns_count_characters_not_bytes() {
    rejects(
        "proc.name = 'ééé' foo",
        19,
        "unexpected token after ''ééé'', expecting 'or', 'and'",
    );
}

#[test]
fn from_str_parses() {
    let filter: Filter = "proc.name = cat".parse().unwrap();
    assert_eq!(filter.fields().len(), 1);
}
