//! Peregrine: unified security monitoring as an embeddable library.
//!
//! This facade re-exports the layers so that a Rust program depends on one
//! crate; the `peregrine` command-line tool is built on it, and the C ABI
//! will sit here too.
//!
//! - [`scap`]: the event model and capture files.
//! - [`sinsp`]: the state engine, fields and formatting.
//!
//! ```no_run
//! use peregrine::scap::capture::CaptureReader;
//!
//! let mut reader = CaptureReader::open("trace.scap")?;
//! while let Some(ev) = reader.next_event()? {
//!     println!("{} {}", ev.event.ts(), ev.event.info().map_or("?", |i| i.name));
//! }
//! # Ok::<(), peregrine::scap::capture::CaptureError>(())
//! ```

pub use peregrine_libscap as scap;
pub use peregrine_libsinsp as sinsp;
