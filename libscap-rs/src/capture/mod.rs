//! Capture files: reading, writing and rotating scap captures.

pub mod block;
mod error;
mod input;
pub mod meta;
mod reader;
mod rotate;
mod writer;

pub use error::{CaptureError, CaptureErrorKind};
pub use reader::{CaptureReader, CapturedEvent, Metadata, ReadStats};
pub use rotate::{RotatingWriter, RotationPolicy};
pub use writer::{CaptureWriter, Compression};
