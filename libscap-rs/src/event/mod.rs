//! The event model: the event table, zero-copy event views, typed
//! parameter values, an encoder and sysdig-style rendering.

mod encode;
mod names;
pub mod render;
pub mod schema;
pub mod tables;
mod value;
mod view;

pub use encode::EventBuilder;
pub use names::{errno_name, signal_name};
pub use schema::{
    all_events, category, event_info, flags, legacy_fd_flags, legacy_nparams, syscall_category,
    syscall_name, Direction, EventInfo, NameTable, ParamExtra, ParamInfo, ParamType, PrintFormat,
    EVENT_COUNT, FD_FLAGS_MASK,
};
pub use tables::code;
pub use value::{family, FdList, ParamValue, SockAddr, SockTuple};
pub use view::{Event, EventError, ParamIter, HEADER_LEN, MAX_PARAMS};
