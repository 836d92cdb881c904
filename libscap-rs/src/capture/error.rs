//! The capture layer's error type.

use std::fmt;
use std::io;

use crate::event::EventError;

/// What went wrong while reading or writing a capture.
#[derive(Debug)]
pub enum CaptureErrorKind {
    /// The operating system refused a read or write.
    Io(io::Error),
    /// The file ends inside a block.
    Truncated {
        /// What was being read.
        what: &'static str,
        /// Bytes needed.
        expected: u64,
        /// Bytes left in the file.
        available: u64,
    },
    /// The bytes are not what the format allows.
    Corrupt(String),
    /// A valid capture this reader does not handle.
    Unsupported(String),
    /// An event inside a well-framed block is invalid.
    Event(EventError),
}

impl fmt::Display for CaptureErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaptureErrorKind::Io(e) => write!(f, "{e}"),
            CaptureErrorKind::Truncated {
                what,
                expected,
                available,
            } => write!(
                f,
                "file ends inside {what}: expected {expected} bytes, found {available}"
            ),
            CaptureErrorKind::Corrupt(m) | CaptureErrorKind::Unsupported(m) => f.write_str(m),
            CaptureErrorKind::Event(e) => write!(f, "invalid event: {e}"),
        }
    }
}

/// An error with the file and byte offset it happened at.
#[derive(Debug)]
pub struct CaptureError {
    /// The capture's path (or the name given to a stream).
    pub path: String,
    /// Byte offset of the block in the uncompressed stream.
    pub offset: u64,
    /// What happened.
    pub kind: CaptureErrorKind,
    /// Whether reading can go on past the bad block (the framing around it
    /// is intact) or the rest of the file is lost.
    pub skippable: bool,
}

impl fmt::Display for CaptureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: byte {}: {}", self.path, self.offset, self.kind)?;
        if self.skippable {
            f.write_str(" (the block can be skipped)")
        } else {
            f.write_str(" (the rest of the file cannot be read)")
        }
    }
}

impl std::error::Error for CaptureError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            CaptureErrorKind::Io(e) => Some(e),
            CaptureErrorKind::Event(e) => Some(e),
            _ => None,
        }
    }
}

impl CaptureError {
    /// An error that ends reading.
    pub fn fatal(path: &str, offset: u64, kind: CaptureErrorKind) -> CaptureError {
        CaptureError {
            path: path.to_string(),
            offset,
            kind,
            skippable: false,
        }
    }

    /// An error confined to one block.
    pub fn skippable(path: &str, offset: u64, kind: CaptureErrorKind) -> CaptureError {
        CaptureError {
            path: path.to_string(),
            offset,
            kind,
            skippable: true,
        }
    }
}
