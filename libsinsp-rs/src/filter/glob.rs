//! Shell-style wildcard matching with `fnmatch(3)` semantics and no flags:
//! `*` matches any run of characters (including `/`), `?` one character,
//! `[...]` a set (`[!...]` or `[^...]` negated, `a-z` ranges), and `\`
//! quotes the next character. A `[` without a closing `]` is literal.

use std::str::Chars;

/// A glob pattern compiled once at parse time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Glob {
    /// The pattern, one token per matched character or run.
    tokens: Vec<Token>,
}

/// One element of a compiled pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// Exactly this character.
    Char(char),
    /// Any single character (`?`).
    AnyChar,
    /// Any run of characters, possibly empty (`*`).
    AnyRun,
    /// One character from (or, when negated, outside) a set.
    Set {
        /// Whether the set was written `[!...]` or `[^...]`.
        negated: bool,
        /// Inclusive character ranges; a single character is `(c, c)`.
        ranges: Vec<(char, char)>,
    },
}

impl Token {
    /// Whether this single-character token accepts `c`.
    fn accepts(&self, c: char) -> bool {
        match self {
            Token::Char(want) => *want == c,
            Token::AnyChar => true,
            Token::AnyRun => false,
            Token::Set { negated, ranges } => {
                let inside = ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi);
                inside != *negated
            }
        }
    }
}

impl Glob {
    /// Compiles `pattern`; every string is a valid pattern.
    pub(super) fn new(pattern: &str) -> Self {
        let mut tokens = Vec::new();
        let mut chars = pattern.chars();
        while let Some(c) = chars.next() {
            let token = match c {
                '*' if tokens.last() == Some(&Token::AnyRun) => continue,
                '*' => Token::AnyRun,
                '?' => Token::AnyChar,
                '\\' => Token::Char(chars.next().unwrap_or('\\')),
                '[' => read_set(&mut chars).unwrap_or(Token::Char('[')),
                other => Token::Char(other),
            };
            tokens.push(token);
        }
        Glob { tokens }
    }

    /// Whether the whole of `text` matches the pattern.
    ///
    /// Uses the classic single-backtrack-point algorithm: on a mismatch,
    /// the most recent `*` absorbs one more character. It runs in
    /// O(pattern × text) time and never allocates.
    pub(super) fn matches(&self, text: &str) -> bool {
        let (mut tok, mut pos) = (0, 0);
        // Where to retry after a mismatch: the token after the last `*`,
        // and the text position that `*` has absorbed up to.
        let mut retry: Option<(usize, usize)> = None;
        loop {
            match self.tokens.get(tok) {
                Some(Token::AnyRun) => {
                    tok += 1;
                    retry = Some((tok, pos));
                    continue;
                }
                Some(token) => {
                    if let Some(c) = char_at(text, pos).filter(|&c| token.accepts(c)) {
                        tok += 1;
                        pos += c.len_utf8();
                        continue;
                    }
                }
                None if pos >= text.len() => return true,
                None => {}
            }
            let Some(next) = retry.and_then(|(after_star, from)| widen(text, after_star, from))
            else {
                return false;
            };
            (tok, pos) = next;
            retry = Some(next);
        }
    }
}

/// Lets a `*` absorb the character at `from`; `None` at the end of text.
fn widen(text: &str, after_star: usize, from: usize) -> Option<(usize, usize)> {
    char_at(text, from).map(|c| (after_star, from + c.len_utf8()))
}

/// The character starting at byte offset `pos` of `text`, if any.
fn char_at(text: &str, pos: usize) -> Option<char> {
    text.get(pos..).and_then(|rest| rest.chars().next())
}

/// Reads a bracket set after its `[`; `None` when it is never closed.
///
/// On `None` the caller's iterator is left untouched so the `[` can be
/// taken literally.
fn read_set(chars: &mut Chars<'_>) -> Option<Token> {
    let mut probe = chars.clone();
    let negated = matches!(probe.clone().next(), Some('!' | '^'));
    if negated {
        probe.next();
    }

    let mut ranges = Vec::new();
    let mut first = true;
    loop {
        let c = probe.next()?;
        if c == ']' && !first {
            break;
        }
        first = false;
        let lo = if c == '\\' { probe.next()? } else { c };
        ranges.push(read_range_end(&mut probe, lo));
    }
    *chars = probe;
    Some(Token::Set { negated, ranges })
}

/// Completes `lo` into a range when `-hi` follows (`-]` stays literal).
fn read_range_end(chars: &mut Chars<'_>, lo: char) -> (char, char) {
    let mut look = chars.clone();
    if look.next() != Some('-') {
        return (lo, lo);
    }
    let hi = match look.next() {
        Some('\\') => look.next(),
        Some(']') | None => None,
        other => other,
    };
    match hi {
        Some(hi) => {
            *chars = look;
            (lo, hi)
        }
        None => (lo, lo),
    }
}
