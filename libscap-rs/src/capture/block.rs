//! Block type ids of the scap format and what each one is.

pub use super::meta::block_type::{
    EV, EVF, EVF_V2, EVF_V2_LARGE, EV_INT, EV_V2, EV_V2_LARGE, SHB as SECTION_HEADER,
};

/// The section header's byte-order magic.
pub const SHB_MAGIC: u32 = 0x1A2B_3C4D;
/// The magic as a big-endian writer leaves it.
pub const SHB_MAGIC_SWAPPED: u32 = 0x4D3C_2B1A;
/// The section header version this writer produces.
pub const SHB_VERSION: (u16, u16) = (1, 2);

/// Dump flag: the event only carries state.
pub const DF_STATE_ONLY: u32 = 1;
/// Dump flag: the event needs a large block.
pub const DF_LARGE: u32 = 4;

pub use super::meta::is_event_block as is_event;

/// Whether `kind` is an event block in the V1 layout.
pub fn is_v1_event(kind: u32) -> bool {
    matches!(kind, EV | EV_INT | EVF)
}

/// Whether `kind` carries 32-bit dump flags before the event.
pub fn has_flags(kind: u32) -> bool {
    matches!(kind, EVF | EVF_V2 | EVF_V2_LARGE)
}

/// Whether `kind` may exceed the 64 KiB limit of ordinary event blocks.
pub fn is_large_event(kind: u32) -> bool {
    matches!(kind, EV_V2_LARGE | EVF_V2_LARGE)
}

/// A short name for a block type, for messages.
pub fn name(kind: u32) -> &'static str {
    match kind {
        SECTION_HEADER => "section header block",
        k if is_event(k) => "event block",
        k if super::meta::is_machine_info(k) => "machine info block",
        k if super::meta::is_proclist(k) => "process list block",
        k if super::meta::is_fdlist(k) => "fd list block",
        k if super::meta::is_userlist(k) => "user list block",
        k if super::meta::is_iflist(k) => "interface list block",
        _ => "block",
    }
}
