//! Right-hand-side literals: quoted and bare strings, numbers, and the
//! typed forms of a literal that evaluation compares against.

use super::cursor::{is_blank, Cursor};
use super::FilterError;

/// A value written in the filter, with its numeric and boolean readings
/// computed once at parse time so evaluation never re-parses text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Literal {
    /// The value as text (after unescaping).
    pub(super) text: String,
    /// The value as an integer, when it is one (decimal or `0x` hex).
    pub(super) number: Option<i128>,
    /// The value as a boolean, when it is `true` or `false`.
    pub(super) boolean: Option<bool>,
}

impl Literal {
    /// Builds a literal and its typed readings from its text.
    pub(super) fn new(text: String) -> Self {
        let number = parse_integer(&text);
        let boolean = match text.as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        };
        Literal {
            text,
            number,
            boolean,
        }
    }
}

/// Reads an integer literal: optional sign and decimal digits, or `0x` hex.
///
/// Anything else (fractions, exponents, overflow) is not an integer.
pub(super) fn parse_integer(text: &str) -> Option<i128> {
    let hex = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X"));
    if let Some(digits) = hex {
        let all_hex = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_hexdigit());
        return all_hex
            .then(|| i128::from_str_radix(digits, 16).ok())
            .flatten();
    }
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    let all_dec = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    all_dec.then(|| text.parse::<i128>().ok()).flatten()
}

/// Whether `c` may appear in a bare (unquoted) value.
pub(super) fn is_bare_char(c: char) -> bool {
    !is_blank(c) && !matches!(c, '(' | ')' | '"' | '\'' | '=' | ',')
}

/// Whether `c` may appear in a bare field argument (`proc.aname[2]`).
pub(super) fn is_bare_arg_char(c: char) -> bool {
    !is_blank(c) && !matches!(c, '[' | ']' | '"' | '\'')
}

/// Reads a number token: `0x` hex, or `[+-]digits[.digits][e[+-]digits]`.
///
/// Returns `None` and consumes nothing when no number starts here.
pub(super) fn read_number<'a>(cur: &mut Cursor<'a>) -> Option<&'a str> {
    let start = cur.pos();
    if cur.eat("0x") || cur.eat("0X") {
        if !cur.take_while(|c| c.is_ascii_hexdigit()).is_empty() {
            return Some(cur.since(start));
        }
        cur.rewind(start);
    }

    if matches!(cur.peek(), Some('+' | '-')) {
        cur.bump();
    }
    if cur.take_while(|c| c.is_ascii_digit()).is_empty() {
        cur.rewind(start);
        return None;
    }
    if cur.eat(".") {
        cur.take_while(|c| c.is_ascii_digit());
    }
    read_exponent(cur);
    Some(cur.since(start))
}

/// Consumes an exponent `e+12`/`E-3` when a complete one follows.
fn read_exponent(cur: &mut Cursor<'_>) {
    let start = cur.pos();
    let has_mark = cur.eat("e") || cur.eat("E");
    let has_sign = has_mark && (cur.eat("+") || cur.eat("-"));
    if !has_sign || cur.take_while(|c| c.is_ascii_digit()).is_empty() {
        cur.rewind(start);
    }
}

/// Reads a quoted string whose opening quote is the next character and
/// returns its unescaped content.
///
/// # Errors
///
/// Fails on a missing closing quote or an unsupported escape sequence.
pub(super) fn read_quoted(cur: &mut Cursor<'_>) -> Result<String, FilterError> {
    let start = cur.pos();
    let quote = cur.bump().unwrap_or('"');
    let mut out = String::new();
    loop {
        let at = cur.pos();
        match cur.bump() {
            None => return Err(unterminated(cur, start)),
            Some(c) if c == quote => return Ok(out),
            Some('\\') => out.push(read_escape(cur, quote, at, start)?),
            Some(c) => out.push(c),
        }
    }
}

/// The error for a string whose closing quote never comes.
fn unterminated(cur: &Cursor<'_>, start: usize) -> FilterError {
    let column = cur.column_of(start);
    cur.error_at(
        start,
        format!("unterminated string starting at column {column}"),
    )
}

/// Decodes the escape sequence after a backslash found at byte `at`.
fn read_escape(
    cur: &mut Cursor<'_>,
    quote: char,
    at: usize,
    start: usize,
) -> Result<char, FilterError> {
    let Some(c) = cur.bump() else {
        return Err(unterminated(cur, start));
    };
    match c {
        'b' => Ok('\x08'),
        'f' => Ok('\x0c'),
        'n' => Ok('\n'),
        'r' => Ok('\r'),
        't' => Ok('\t'),
        // Falco keeps `\ ` as a lone backslash for old, wrongly escaped rules.
        '\\' | ' ' => Ok('\\'),
        '/' => Ok('/'),
        '"' | '\'' if c == quote => Ok(c),
        '"' | '\'' => Err(cur.error_at(at, wrong_quote_escape(c))),
        'x' => read_hex_escape(cur, at),
        other => Err(cur.error_at(at, format!("unsupported string escape sequence: \\{other}"))),
    }
}

/// The message for `\"` inside `'...'` or `\'` inside `"..."`.
fn wrong_quote_escape(c: char) -> String {
    let other = if c == '"' { '\'' } else { '"' };
    format!("invalid \\{c} escape in {other}-quoted string (write {c} without a backslash)")
}

/// Decodes the two hex digits of a `\xHH` escape (ASCII only, no NUL).
fn read_hex_escape(cur: &mut Cursor<'_>, at: usize) -> Result<char, FilterError> {
    let digits_at = cur.pos();
    let digits: String = cur.rest().chars().take(2).collect();
    let value = (digits.len() == 2 && digits.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| u8::from_str_radix(&digits, 16).ok())
        .flatten();
    let Some(byte) = value else {
        return Err(cur.error_at(at, format!("invalid hex char escape sequence: \\x{digits}")));
    };
    if byte == 0 || !byte.is_ascii() {
        return Err(cur.error_at(
            at,
            format!("unsupported hex escape \\x{digits}: only \\x01 to \\x7f are allowed"),
        ));
    }
    cur.rewind(digits_at + 2);
    Ok(char::from(byte))
}
