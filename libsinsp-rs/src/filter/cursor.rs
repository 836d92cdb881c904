//! A position-tracking reader over the filter text.
//!
//! The cursor works on byte offsets into the original `&str` and only ever
//! stops on character boundaries, so slicing with its positions never panics.

use super::FilterError;

/// Reads the filter text left to right and builds positioned errors.
#[derive(Debug, Clone)]
pub(super) struct Cursor<'a> {
    /// The whole filter text.
    text: &'a str,
    /// Byte offset of the next unread character.
    pos: usize,
}

impl<'a> Cursor<'a> {
    /// Starts reading `text` at its first byte.
    pub(super) fn new(text: &'a str) -> Self {
        Cursor { text, pos: 0 }
    }

    /// The byte offset of the next unread character.
    pub(super) fn pos(&self) -> usize {
        self.pos
    }

    /// The unread part of the text.
    pub(super) fn rest(&self) -> &'a str {
        self.text.get(self.pos..).unwrap_or("")
    }

    /// The text between byte offset `start` and the current position.
    pub(super) fn since(&self, start: usize) -> &'a str {
        self.text.get(start..self.pos).unwrap_or("")
    }

    /// Whether everything has been read.
    pub(super) fn is_at_end(&self) -> bool {
        self.pos >= self.text.len()
    }

    /// The next unread character, if any.
    pub(super) fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    /// The character after the next one, if any.
    pub(super) fn peek_second(&self) -> Option<char> {
        self.rest().chars().nth(1)
    }

    /// Consumes and returns the next character.
    pub(super) fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    /// Consumes `prefix` when the unread text starts with it.
    pub(super) fn eat(&mut self, prefix: &str) -> bool {
        if self.rest().starts_with(prefix) {
            self.pos += prefix.len();
            true
        } else {
            false
        }
    }

    /// Consumes characters while `keep` holds and returns them.
    pub(super) fn take_while(&mut self, keep: impl Fn(char) -> bool) -> &'a str {
        let start = self.pos;
        while self.peek().is_some_and(&keep) {
            self.bump();
        }
        self.since(start)
    }

    /// Skips blanks; returns whether at least one was skipped.
    pub(super) fn skip_blanks(&mut self) -> bool {
        !self.take_while(is_blank).is_empty()
    }

    /// Moves back to a position returned earlier by [`Cursor::pos`].
    pub(super) fn rewind(&mut self, pos: usize) {
        self.pos = pos;
    }

    /// The 1-based column (in characters) of byte offset `pos`.
    pub(super) fn column_of(&self, pos: usize) -> usize {
        let end = pos.min(self.text.len());
        self.text.get(..end).map_or(1, |s| s.chars().count() + 1)
    }

    /// An error located at byte offset `pos`.
    pub(super) fn error_at(&self, pos: usize, message: impl Into<String>) -> FilterError {
        FilterError {
            column: self.column_of(pos),
            message: message.into(),
        }
    }

    /// An error located at the current position.
    pub(super) fn error_here(&self, message: impl Into<String>) -> FilterError {
        self.error_at(self.pos, message)
    }
}

/// Whether `c` separates tokens (POSIX space class plus backspace).
pub(super) fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c' | '\x08')
}

/// Whether `c` may start an identifier or a field-name segment.
pub(super) fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic()
}

/// Whether `c` may continue an identifier or a field-name segment.
pub(super) fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}
