//! Output formats: `%field` templates as sysdig's `-p` and Falco's
//! `output` use them, printed as text or JSON.

use crate::fields::{EventCtx, Field, FieldError, FieldType, Registry, Value};

/// Why a format does not compile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// A field in the format is unknown or has a bad argument.
    #[error("format column {column}: {problem}")]
    Field {
        /// 1-based column of the `%`.
        column: usize,
        /// The field problem.
        problem: FieldError,
    },
}

#[derive(Debug, Clone)]
enum Token {
    Text(String),
    Field(Field),
}

/// A compiled format.
#[derive(Debug, Clone)]
pub struct Formatter {
    tokens: Vec<Token>,
    /// Print even when a field has no value (a leading `*`).
    print_all: bool,
}

fn is_field_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')
}

impl Formatter {
    /// Compiles `format`.
    ///
    /// `%name` and `%name[arg]` insert fields; a leading `*` prints events
    /// whose fields are missing too (shown as `<NA>`), which sysdig
    /// otherwise skips.
    ///
    /// # Errors
    ///
    /// Fails for unknown fields, naming the column.
    pub fn new(registry: &Registry, format: &str) -> Result<Formatter, FormatError> {
        let (print_all, body) = match format.strip_prefix('*') {
            Some(rest) => (true, rest),
            None => (false, format),
        };
        let offset = format.len() - body.len();
        let mut tokens = Vec::new();
        let mut text = String::new();
        let mut chars = body.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c != '%' || !chars.peek().is_some_and(|(_, n)| n.is_ascii_alphabetic()) {
                text.push(c);
                continue;
            }
            let start = i + 1;
            let mut end = start;
            while let Some(&(j, n)) = chars.peek() {
                if !is_field_char(n) {
                    break;
                }
                end = j + n.len_utf8();
                chars.next();
            }
            // An argument in brackets belongs to the field.
            if chars.peek().is_some_and(|(_, n)| *n == '[') {
                for (j, n) in chars.by_ref() {
                    end = j + n.len_utf8();
                    if n == ']' {
                        break;
                    }
                }
            }
            let name = &body[start..end];
            let field = registry
                .resolve(name)
                .map_err(|problem| FormatError::Field {
                    column: offset + i + 1,
                    problem,
                })?;
            if !text.is_empty() {
                tokens.push(Token::Text(std::mem::take(&mut text)));
            }
            tokens.push(Token::Field(field));
        }
        if !text.is_empty() {
            tokens.push(Token::Text(text));
        }
        Ok(Formatter { tokens, print_all })
    }

    /// The fields the format uses.
    pub fn fields(&self) -> impl Iterator<Item = &Field> {
        self.tokens.iter().filter_map(|t| match t {
            Token::Field(f) => Some(f),
            Token::Text(_) => None,
        })
    }

    /// The event as text, or `None` when a field has no value and the
    /// format does not start with `*`.
    pub fn text(&self, ctx: &EventCtx<'_>) -> Option<String> {
        let mut out = String::with_capacity(128);
        for t in &self.tokens {
            match t {
                Token::Text(s) => out.push_str(s),
                Token::Field(f) => {
                    let v = f.extract(ctx);
                    if v.is_na() && !self.print_all {
                        return None;
                    }
                    out.push_str(&v.to_string());
                }
            }
        }
        Some(out)
    }

    /// The event as one JSON object of field name to value, keys sorted;
    /// missing values are `null`, numbers and booleans keep their types.
    pub fn json(&self, ctx: &EventCtx<'_>) -> Option<String> {
        // JSON shows buffers whole, as sysdig's -j does.
        let ctx = &EventCtx {
            buffer_limit: 0,
            ..*ctx
        };
        // Keys come out sorted and once each, as sysdig's JSON writer
        // orders them.
        let mut pairs: Vec<(&str, String)> = Vec::new();
        for f in self.fields() {
            let v = f.extract(ctx);
            if v.is_na() && !self.print_all {
                return None;
            }
            let mut s = String::new();
            push_json_value(&mut s, f.info.ty, &v);
            pairs.push((f.text.as_str(), s));
        }
        pairs.sort_by(|a, b| a.0.cmp(b.0));
        pairs.dedup_by(|a, b| a.0 == b.0);
        let mut out = String::from("{");
        for (i, (k, v)) in pairs.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_json_str(&mut out, k);
            out.push(':');
            out.push_str(v);
        }
        out.push('}');
        Some(out)
    }
}

fn push_json_value(out: &mut String, ty: FieldType, v: &Value<'_>) {
    use std::fmt::Write;
    match v {
        Value::Na => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) if ty != FieldType::CharBuf => {
            let _ = write!(out, "{i}");
        }
        Value::Uint(u) if ty != FieldType::CharBuf => {
            let _ = write!(out, "{u}");
        }
        other => push_json_str(out, &other.to_string()),
    }
}

/// Appends `s` as a JSON string.
pub fn push_json_str(out: &mut String, s: &str) {
    use std::fmt::Write;
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_and_text_split() {
        let r = Registry::builtin();
        let f = Formatter::new(&r, "*%evt.num %proc.aname[2] x%fd.name").unwrap();
        let names: Vec<_> = f.fields().map(|f| f.text.as_str()).collect();
        assert_eq!(names, ["evt.num", "proc.aname[2]", "fd.name"]);
        assert!(f.print_all);
    }

    #[test]
    fn arguments_may_hold_any_text() {
        let r = Registry::builtin();
        let f = Formatter::new(&r, "%evt.arg[Ȑ]").unwrap();
        assert_eq!(f.fields().next().unwrap().text, "evt.arg[Ȑ]");
        assert!(Formatter::new(&r, "%proc.aname[Ȑ").is_err());
    }

    #[test]
    fn unknown_fields_name_their_column() {
        let r = Registry::builtin();
        let err = Formatter::new(&r, "%evt.num %proc.nmae").unwrap_err();
        assert_eq!(
            err.to_string(),
            "format column 10: unknown field 'proc.nmae' (did you mean 'proc.name'?)"
        );
    }
}
