//! The event table: what every event code means.
//!
//! Each of the 454 event codes has a name, a direction, a category, flags
//! and a list of typed parameters. The table itself is generated from the
//! upstream driver sources (see `tools/event-table`); this module holds the
//! types that describe it and the lookups over it.

use super::tables::{EVENTS, LEGACY_FD_FLAGS, LEGACY_NPARAMS, SYSCALL_CATEGORIES, SYSCALL_NAMES};

pub use super::tables::EVENT_COUNT;

/// How a parameter is encoded on the wire.
///
/// The discriminants are the upstream `PT_*` numbers, so that a value read
/// from a plugin or a capture maps directly.
#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum ParamType {
    None = 0,
    Int8,
    Int16,
    Int32,
    Int64,
    Uint8,
    Uint16,
    Uint32,
    Uint64,
    CharBuf,
    ByteBuf,
    Errno,
    SockAddr,
    SockTuple,
    Fd,
    Pid,
    FdList,
    FsPath,
    SyscallId,
    SigType,
    RelTime,
    AbsTime,
    Port,
    L4Proto,
    SockFamily,
    Bool,
    Ipv4Addr,
    Dyn,
    Flags8,
    Flags16,
    Flags32,
    Uid,
    Gid,
    Double,
    SigSet,
    CharBufArray,
    CharBufPairArray,
    Ipv4Net,
    Ipv6Addr,
    Ipv6Net,
    IpAddr,
    IpNet,
    Mode,
    FsRelPath,
    EnumFlags8,
    EnumFlags16,
    EnumFlags32,
    Fd32,
    Pid32,
}

impl ParamType {
    /// The encoded size of a fixed-width type, `None` for variable ones.
    pub fn fixed_size(self) -> Option<usize> {
        use ParamType::*;
        Some(match self {
            Int8 | Uint8 | SigType | L4Proto | SockFamily | Flags8 | EnumFlags8 => 1,
            Int16 | Uint16 | SyscallId | Port | Flags16 | EnumFlags16 => 2,
            Int32 | Uint32 | Bool | Ipv4Addr | Flags32 | Uid | Gid | SigSet | Mode
            | EnumFlags32 | Fd32 | Pid32 => 4,
            Int64 | Uint64 | Errno | Fd | Pid | RelTime | AbsTime | Double => 8,
            Ipv6Addr => 16,
            _ => return Option::None,
        })
    }

    /// The type's name as Falco's field listings spell it.
    pub fn name(self) -> &'static str {
        use ParamType::*;
        match self {
            None => "NONE",
            Int8 => "INT8",
            Int16 => "INT16",
            Int32 => "INT32",
            Int64 => "INT64",
            Uint8 => "UINT8",
            Uint16 => "UINT16",
            Uint32 => "UINT32",
            Uint64 => "UINT64",
            CharBuf => "CHARBUF",
            ByteBuf => "BYTEBUF",
            Errno => "ERRNO",
            SockAddr => "SOCKADDR",
            SockTuple => "SOCKTUPLE",
            Fd => "FD",
            Pid => "PID",
            FdList => "FDLIST",
            FsPath => "FSPATH",
            SyscallId => "SYSCALLID",
            SigType => "SIGTYPE",
            RelTime => "RELTIME",
            AbsTime => "ABSTIME",
            Port => "PORT",
            L4Proto => "L4PROTO",
            SockFamily => "SOCKFAMILY",
            Bool => "BOOL",
            Ipv4Addr => "IPV4ADDR",
            Dyn => "DYN",
            Flags8 => "FLAGS8",
            Flags16 => "FLAGS16",
            Flags32 => "FLAGS32",
            Uid => "UID",
            Gid => "GID",
            Double => "DOUBLE",
            SigSet => "SIGSET",
            CharBufArray => "CHARBUFARRAY",
            CharBufPairArray => "CHARBUF_PAIR_ARRAY",
            Ipv4Net => "IPV4NET",
            Ipv6Addr => "IPV6ADDR",
            Ipv6Net => "IPV6NET",
            IpAddr => "IPADDR",
            IpNet => "IPNET",
            Mode => "MODE",
            FsRelPath => "FSRELPATH",
            EnumFlags8 => "ENUMFLAGS8",
            EnumFlags16 => "ENUMFLAGS16",
            EnumFlags32 => "ENUMFLAGS32",
            Fd32 => "FD32",
            Pid32 => "PID32",
        }
    }
}

/// How a numeric parameter is printed.
#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum PrintFormat {
    Na = 0,
    Dec,
    Hex,
    PaddedDec,
    Id,
    Dir,
    Oct,
}

/// A table of named values for a flags, enum or mode parameter.
#[derive(Debug)]
pub struct NameTable {
    /// The table's upstream name, such as `file_flags`.
    pub name: &'static str,
    /// Name and value pairs, in the order rendering tries them.
    pub entries: &'static [(&'static str, u32)],
}

/// Extra information attached to a parameter.
#[derive(Debug, Clone, Copy)]
pub enum ParamExtra {
    /// Nothing more.
    None,
    /// Names of flag or enum values.
    Names(&'static NameTable),
    /// For a relative path: the index of the parameter holding its dirfd.
    DirFd(u8),
    /// For a dynamic parameter: the variants, chosen by a leading index byte.
    Dynamic(&'static [ParamInfo]),
}

/// The description of one event parameter.
#[derive(Debug, Clone, Copy)]
pub struct ParamInfo {
    /// Parameter name, as in `evt.arg.NAME`.
    pub name: &'static str,
    /// Wire type.
    pub kind: ParamType,
    /// Print format for numbers.
    pub format: PrintFormat,
    /// Flag names, dirfd reference or dynamic variants.
    pub extra: ParamExtra,
}

impl ParamInfo {
    /// The names of this parameter's values, if it has any.
    pub fn names(&self) -> Option<&'static NameTable> {
        match self.extra {
            ParamExtra::Names(t) => Some(t),
            _ => None,
        }
    }
}

/// Event flags (`EF_*`).
pub mod flags {
    /// The event creates a file descriptor.
    pub const CREATES_FD: u32 = 1 << 0;
    /// The event destroys a file descriptor.
    pub const DESTROYS_FD: u32 = 1 << 1;
    /// The event operates on a file descriptor.
    pub const USES_FD: u32 = 1 << 2;
    /// The event reads from a file descriptor.
    pub const READS_FROM_FD: u32 = 1 << 3;
    /// The event writes to a file descriptor.
    pub const WRITES_TO_FD: u32 = 1 << 4;
    /// The event changes machine state and must reach the state engine.
    pub const MODIFIES_STATE: u32 = 1 << 5;
    /// The code is not used.
    pub const UNUSED: u32 = 1 << 6;
    /// The event waits.
    pub const WAITS: u32 = 1 << 7;
    /// The event does not reset the parser's last-event tracker.
    pub const SKIP_PARSE_RESET: u32 = 1 << 8;
    /// The code is kept only to read old captures.
    pub const OLD_VERSION: u32 = 1 << 9;
    /// Parameter lengths are 32-bit instead of 16-bit.
    pub const LARGE_PAYLOAD: u32 = 1 << 11;
    /// Old captures' versions of the event are converted.
    pub const CONVERTER_MANAGED: u32 = 1 << 12;
}

/// Event categories (`EC_*`): a low syscall category OR-ed with a source bit.
pub mod category {
    /// Mask of the syscall category part.
    pub const SYSCALL_CATEGORY_MASK: u32 = 0x3f;
    /// General I/O base; the three I/O categories share it.
    pub const IO_BASE: u32 = 32;
    /// Waiting.
    pub const WAIT: u32 = 1 << 6;
    /// Scheduler events.
    pub const SCHEDULER: u32 = 1 << 7;
    /// Internal events of the libraries.
    pub const INTERNAL: u32 = 1 << 8;
    /// System-call events.
    pub const SYSCALL: u32 = 1 << 9;
    /// Tracepoint events.
    pub const TRACEPOINT: u32 = 1 << 10;
    /// Plugin events.
    pub const PLUGIN: u32 = 1 << 11;
    /// Meta-events.
    pub const METAEVENT: u32 = 1 << 12;
    /// Kernel iterator events.
    pub const ITER: u32 = 1 << 13;

    /// The name `evt.category` shows for a category value.
    pub fn name(category: u32) -> &'static str {
        match category & SYSCALL_CATEGORY_MASK {
            1 => "other",
            2 => "file",
            3 => "net",
            4 => "IPC",
            5 => "memory",
            6 => "process",
            7 => "sleep",
            8 => "system",
            9 => "signal",
            10 => "user",
            11 => "time",
            12 => "processing",
            32 => "IO_read",
            33 => "IO_write",
            34 => "IO_other",
            _ if category & WAIT != 0 => "wait",
            _ if category & SCHEDULER != 0 => "scheduler",
            _ if category & INTERNAL != 0 => "internal",
            _ => "unknown",
        }
    }
}

/// Whether an event is entered or exited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Enter event (even code), shown as `>`.
    Enter,
    /// Exit event (odd code), shown as `<`.
    Exit,
}

impl Direction {
    /// The direction of an event code.
    pub fn of(code: u16) -> Direction {
        if code & 1 == 0 {
            Direction::Enter
        } else {
            Direction::Exit
        }
    }

    /// The character sysdig prints for it.
    pub fn symbol(self) -> char {
        match self {
            Direction::Enter => '>',
            Direction::Exit => '<',
        }
    }
}

/// The description of one event code.
#[derive(Debug)]
pub struct EventInfo {
    /// The event's name, as `evt.type` shows it.
    pub name: &'static str,
    /// Category bits (see [`category`]).
    pub category: u32,
    /// Flag bits (see [`flags`]).
    pub flags: u32,
    /// Parameters in wire order.
    pub params: &'static [ParamInfo],
}

impl EventInfo {
    /// Whether this event's parameter length slots are 32-bit.
    pub fn has_large_payload(&self) -> bool {
        self.flags & flags::LARGE_PAYLOAD != 0
    }

    /// Whether the code is an old version kept only for old captures.
    pub fn is_old_version(&self) -> bool {
        self.flags & flags::OLD_VERSION != 0
    }

    /// Whether the code is unused.
    pub fn is_unused(&self) -> bool {
        self.flags & flags::UNUSED != 0
    }

    /// The index of the parameter called `name`.
    pub fn param_index(&self, name: &str) -> Option<usize> {
        self.params.iter().position(|p| p.name == name)
    }
}

/// The description of an event code, `None` past the end of the table.
pub fn event_info(code: u16) -> Option<&'static EventInfo> {
    EVENTS.get(code as usize)
}

/// Every event code with its description, in code order.
pub fn all_events() -> impl Iterator<Item = (u16, &'static EventInfo)> {
    EVENTS.iter().enumerate().map(|(i, e)| (i as u16, e))
}

/// The name of a system call by its ppm_sc code, for generic events; code
/// 0 stands for an unknown system call and has no name.
pub fn syscall_name(code: u16) -> Option<&'static str> {
    SYSCALL_NAMES
        .get(code as usize)
        .copied()
        .filter(|n| code != 0 && !n.is_empty())
}

/// The category of a system call by its ppm_sc code (`EC_*` low bits), as
/// generic events report it.
pub fn syscall_category(code: u16) -> Option<u32> {
    SYSCALL_CATEGORIES.get(code as usize).map(|&c| c as u32)
}

/// Mask of the flags that say how an event uses fds.
pub const FD_FLAGS_MASK: u32 = flags::CREATES_FD
    | flags::DESTROYS_FD
    | flags::USES_FD
    | flags::READS_FROM_FD
    | flags::WRITES_TO_FD
    | flags::WAITS;

/// The fd flags of `code` in the 2022 table, for the few codes where they
/// changed since (`None` for the others).
pub fn legacy_fd_flags(code: u16) -> Option<u32> {
    LEGACY_FD_FLAGS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|&(_, f)| f)
}

/// The parameter count `code` had in the 2022 table (the one sysdig 0.29.3
/// reads with), `None` for codes that table did not have.
pub fn legacy_nparams(code: u16) -> Option<usize> {
    LEGACY_NPARAMS.get(code as usize).map(|&n| n as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::code;

    #[test]
    fn table_has_every_code() {
        assert_eq!(all_events().count(), 454);
        assert_eq!(event_info(453).unwrap().name, "keyctl");
        assert!(event_info(454).is_none());
    }

    #[test]
    fn exactly_three_codes_have_large_payloads() {
        let large: Vec<u16> = all_events()
            .filter(|(_, e)| e.has_large_payload())
            .map(|(c, _)| c)
            .collect();
        assert_eq!(
            large,
            [
                code::PLUGINEVENT_E,
                code::CONTAINER_JSON_2_E,
                code::ASYNCEVENT_E
            ]
        );
    }

    #[test]
    fn counts_match_upstream() {
        let old = all_events().filter(|(_, e)| e.is_old_version()).count();
        let unused = all_events().filter(|(_, e)| e.is_unused()).count();
        assert_eq!((old, unused), (223, 35));
    }

    #[test]
    fn open_exit_has_flag_names() {
        let open = event_info(code::SYSCALL_OPEN_X).unwrap();
        let flags = open.params[2].names().unwrap();
        assert_eq!(flags.name, "file_flags");
        assert!(flags.entries.contains(&("O_CLOEXEC", 1 << 12)));
    }

    #[test]
    fn legacy_tables_are_present() {
        assert_eq!(legacy_fd_flags(code::SYSCALL_MMAP_X), Some(0));
        assert_eq!(legacy_fd_flags(code::SYSCALL_OPEN_X), None);
        assert_eq!(syscall_category(139).map(category::name), Some("memory"));
        assert_eq!(legacy_nparams(code::SYSCALL_OPEN_X), Some(5));
        assert_eq!(legacy_nparams(code::SYSCALL_KEYCTL_X), None);
    }

    #[test]
    fn syscall_names_cover_generic_ids() {
        assert_eq!(syscall_name(139), Some("madvise"));
        assert_eq!(syscall_name(0), None);
    }
}
