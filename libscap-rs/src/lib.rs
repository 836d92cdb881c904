//! The capture layer of Peregrine.
//!
//! This crate owns how system-call events are represented and stored:
//!
//! - [`event`]: the table of all 454 event codes, zero-copy [`event::Event`]
//!   views over encoded events, typed [`event::ParamValue`]s, an
//!   [`event::EventBuilder`] and sysdig-style rendering of arguments;
//! - [`capture`]: reading scap capture files of every block version since
//!   2016, gzip or plain, and writing (and rotating) captures that Falco
//!   and sysdig read.
//!
//! It knows nothing of processes, rules or plugins; the layers above do.
//!
//! ```
//! use peregrine_libscap::event::{code, Event, EventBuilder};
//!
//! let bytes = EventBuilder::new(code::SYSCALL_CLOSE_X)
//!     .ts(1)
//!     .tid(42)
//!     .i64(0)
//!     .i64(3)
//!     .finish();
//! let event = Event::parse(&bytes).unwrap();
//! assert_eq!(event.info().unwrap().name, "close");
//! assert_eq!(event.value_by_name("fd").and_then(|v| v.as_i64()), Some(3));
//! ```

pub mod capture;
pub mod event;
