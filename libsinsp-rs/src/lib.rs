//! The state layer of Peregrine.
//!
//! Events from a capture (or later a live probe) are parsed into a model
//! of the machine: threads and processes with their ancestry, each
//! process's file descriptors, users and groups. Fields (`proc.name`,
//! `fd.name`, ...) read that model for each event; formats print them the
//! way sysdig and Falco do.
//!
//! Main types: [`Inspector`] drives a capture through the [`State`];
//! [`fields::Registry`] resolves field names; [`Formatter`] prints them.
//!
//! ```no_run
//! use peregrine_libsinsp::{Formatter, Inspector};
//!
//! let mut inspector = Inspector::open("trace.scap")?;
//! let fmt = Formatter::new(inspector.registry(), "%proc.name %fd.name").unwrap();
//! while let Some(ctx) = inspector.next_event()? {
//!     println!("{}", fmt.text(&ctx).unwrap_or_default());
//! }
//! # Ok::<(), peregrine_libscap::capture::CaptureError>(())
//! ```

pub mod accounts;
pub mod container;
pub mod containers;
pub mod fd;
pub mod fields;
pub mod filter;
mod filtering;
mod format;
mod hash;
mod inspector;
pub mod resolve;
pub mod state;
pub mod thread;

pub use filtering::{EventFilter, EventFilterError};
pub use format::{FormatError, Formatter};
pub use inspector::Inspector;
pub use state::State;
