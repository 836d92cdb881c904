//! The built-in field classes and the dispatch of extraction.

use super::{event, fd, thread, ArgRule, EventCtx, Field, FieldClass, FieldInfo, FieldType, Value};

/// Identity of a built-in field.
#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(clippy::enum_variant_names)]
pub(crate) enum Id {
    EvtNum,
    EvtTime,
    EvtTimeS,
    EvtDatetime,
    EvtRawtime,
    EvtOutputtime,
    EvtCpu,
    EvtDir,
    EvtType,
    EvtCategory,
    EvtArgs,
    EvtArg,
    EvtRawarg,
    EvtInfo,
    EvtRes,
    EvtRawres,
    EvtFailed,
    EvtIsIo,
    EvtIsIoRead,
    EvtIsIoWrite,
    EvtIsOpenRead,
    EvtIsOpenWrite,
    EvtIsOpenExec,
    EvtIsWait,
    EvtBuflen,
    EvtLatency,
    EvtAbspath,
    EvtSource,
    EvtBuffer,
    EvtTimeIso8601,
    ProcPid,
    ProcPpid,
    ProcName,
    ProcExe,
    ProcExepath,
    ProcArgs,
    ProcCmdline,
    ProcExeline,
    ProcEnv,
    ProcCwd,
    ProcPname,
    ProcPcmdline,
    ProcPexe,
    ProcPexepath,
    ProcAname,
    ProcApid,
    ProcSid,
    ProcSname,
    ProcVpgid,
    ProcTty,
    ProcLoginshellid,
    ProcNthreads,
    ProcFdlimit,
    ProcVpid,
    ProcIsExeWritable,
    ProcIsExeUpperLayer,
    ProcIsExeLowerLayer,
    ProcIsExeFromMemfd,
    ProcIsVpgidLeader,
    ProcPgid,
    ProcAexe,
    ProcAexepath,
    ProcDuration,
    ProcExeIno,
    ProcExeInoCtime,
    ProcExeInoMtime,
    ProcExeInoCtimeDurationProcStart,
    ThreadTid,
    ThreadVtid,
    ThreadIsmain,
    ThreadCapInheritable,
    ThreadCapPermitted,
    ThreadCapEffective,
    UserUid,
    UserName,
    UserHomedir,
    UserShell,
    UserLoginuid,
    UserLoginname,
    GroupGid,
    GroupName,
    ContainerId,
    ContainerName,
    ContainerImage,
    ContainerImageRepository,
    ContainerImageTag,
    ContainerPrivileged,
    ContainerType,
    ContainerStartTs,
    K8sNsName,
    K8sPodName,
    FdNum,
    FdType,
    FdTypechar,
    FdName,
    FdDirectory,
    FdFilename,
    FdCip,
    FdSip,
    FdLip,
    FdRip,
    FdCport,
    FdSport,
    FdLport,
    FdRport,
    FdL4proto,
    FdSockfamily,
    FdIsServer,
    FdConnected,
    FdNameraw,
    FdNameChanged,
    FdCipName,
    FdSipName,
    FdLipName,
    FdRipName,
    GlobalEventName,
    GlobalErrorCode,
    GlobalUser,
    GlobalSourceIp,
    GlobalTime,
    GlobalDomain,
    GlobalResource,
    GlobalEventValue,
    UserSourceIp,
    UserTargetRegion,
    Domain,
}

/// Built-in classes: `(name, description)`.
pub const BUILTIN_CLASSES: [(&str, &str); 9] = [
    ("evt", "Event fields: type, time, arguments, result."),
    (
        "proc",
        "The process that produced the event and its ancestors.",
    ),
    ("thread", "The thread that produced the event."),
    ("user", "The user of the process."),
    ("group", "The group of the process."),
    ("container", "The container the process runs in."),
    ("fd", "The file descriptor the event operates on."),
    (
        "k8s",
        "Kubernetes metadata of the container, from its labels.",
    ),
    (
        "Global",
        "The normalized view every domain answers alike (docs/NORMALIZED_FIELDS.md).",
    ),
];

const fn f(name: &'static str, ty: FieldType, desc: &'static str, id: Id) -> FieldInfo {
    FieldInfo {
        name,
        ty,
        desc,
        arg: ArgRule::None,
        id,
    }
}

const fn fa(
    name: &'static str,
    ty: FieldType,
    desc: &'static str,
    arg: ArgRule,
    id: Id,
) -> FieldInfo {
    FieldInfo {
        name,
        ty,
        desc,
        arg,
        id,
    }
}

use FieldType as T;

const EVT: &[FieldInfo] = &[
    f("evt.num", T::Uint64, "Event number, from 1.", Id::EvtNum),
    f(
        "evt.time",
        T::CharBuf,
        "Event time, local, with nanoseconds.",
        Id::EvtTime,
    ),
    f(
        "evt.time.s",
        T::CharBuf,
        "Event time, local, to the second.",
        Id::EvtTimeS,
    ),
    f(
        "evt.datetime",
        T::CharBuf,
        "Event date and time, local, with nanoseconds.",
        Id::EvtDatetime,
    ),
    f(
        "evt.rawtime",
        T::AbsTime,
        "Event time in nanoseconds since the epoch.",
        Id::EvtRawtime,
    ),
    f(
        "evt.outputtime",
        T::AbsTime,
        "Event time as JSON output shows it: nanoseconds since the epoch.",
        Id::EvtOutputtime,
    ),
    f(
        "evt.cpu",
        T::Int64,
        "CPU the event happened on.",
        Id::EvtCpu,
    ),
    f(
        "evt.dir",
        T::CharBuf,
        "'>' for enter events, '<' for exit events.",
        Id::EvtDir,
    ),
    f(
        "evt.type",
        T::CharBuf,
        "Event type, such as 'open'.",
        Id::EvtType,
    ),
    f(
        "evt.category",
        T::CharBuf,
        "Event category, such as 'file' or 'net'.",
        Id::EvtCategory,
    ),
    f(
        "evt.args",
        T::CharBuf,
        "All event arguments as one string.",
        Id::EvtArgs,
    ),
    fa(
        "evt.arg",
        T::CharBuf,
        "One argument by name (evt.arg.fd) or index (evt.arg[0]), resolved.",
        ArgRule::Required,
        Id::EvtArg,
    ),
    fa(
        "evt.rawarg",
        T::CharBuf,
        "One argument by name, unresolved.",
        ArgRule::Required,
        Id::EvtRawarg,
    ),
    f(
        "evt.info",
        T::CharBuf,
        "Event arguments, as evt.args.",
        Id::EvtInfo,
    ),
    f(
        "evt.res",
        T::CharBuf,
        "Result: SUCCESS or the error code name.",
        Id::EvtRes,
    ),
    f("evt.rawres", T::Int64, "Result as a number.", Id::EvtRawres),
    f(
        "evt.failed",
        T::Bool,
        "Whether the call failed.",
        Id::EvtFailed,
    ),
    f(
        "evt.is_io",
        T::Bool,
        "Whether the event reads or writes an fd.",
        Id::EvtIsIo,
    ),
    f(
        "evt.is_io_read",
        T::Bool,
        "Whether the event reads from an fd.",
        Id::EvtIsIoRead,
    ),
    f(
        "evt.is_io_write",
        T::Bool,
        "Whether the event writes to an fd.",
        Id::EvtIsIoWrite,
    ),
    f(
        "evt.is_open_read",
        T::Bool,
        "Whether an open is for reading.",
        Id::EvtIsOpenRead,
    ),
    f(
        "evt.is_open_write",
        T::Bool,
        "Whether an open is for writing.",
        Id::EvtIsOpenWrite,
    ),
    f(
        "evt.is_open_exec",
        T::Bool,
        "Whether an open creates an executable file.",
        Id::EvtIsOpenExec,
    ),
    f(
        "evt.is_wait",
        T::Bool,
        "Whether the event waits.",
        Id::EvtIsWait,
    ),
    f(
        "evt.buflen",
        T::Uint64,
        "Bytes read or written by an I/O event.",
        Id::EvtBuflen,
    ),
    f(
        "evt.latency",
        T::RelTime,
        "Nanoseconds between enter and exit.",
        Id::EvtLatency,
    ),
    f(
        "evt.abspath",
        T::CharBuf,
        "Absolute path an event names, resolved against its dirfd.",
        Id::EvtAbspath,
    ),
    f(
        "evt.source",
        T::CharBuf,
        "The event source, 'syscall'.",
        Id::EvtSource,
    ),
    f(
        "evt.buffer",
        T::Bytes,
        "The data buffer of an I/O event.",
        Id::EvtBuffer,
    ),
    f(
        "evt.time.iso8601",
        T::CharBuf,
        "Event time in ISO 8601, UTC.",
        Id::EvtTimeIso8601,
    ),
];

const PROC: &[FieldInfo] = &[
    f("proc.pid", T::Int64, "Process id.", Id::ProcPid),
    f("proc.ppid", T::Int64, "Parent process id.", Id::ProcPpid),
    f(
        "proc.name",
        T::CharBuf,
        "Process name (comm).",
        Id::ProcName,
    ),
    f(
        "proc.exe",
        T::CharBuf,
        "First command-line argument.",
        Id::ProcExe,
    ),
    f(
        "proc.exepath",
        T::CharBuf,
        "Full path of the executable.",
        Id::ProcExepath,
    ),
    f(
        "proc.args",
        T::CharBuf,
        "Arguments after the first.",
        Id::ProcArgs,
    ),
    f(
        "proc.cmdline",
        T::CharBuf,
        "Name and arguments.",
        Id::ProcCmdline,
    ),
    f(
        "proc.exeline",
        T::CharBuf,
        "exe and arguments.",
        Id::ProcExeline,
    ),
    f("proc.env", T::CharBuf, "Environment.", Id::ProcEnv),
    f("proc.cwd", T::CharBuf, "Working directory.", Id::ProcCwd),
    f(
        "proc.pname",
        T::CharBuf,
        "Parent process name.",
        Id::ProcPname,
    ),
    f(
        "proc.pcmdline",
        T::CharBuf,
        "Parent command line.",
        Id::ProcPcmdline,
    ),
    f("proc.pexe", T::CharBuf, "Parent exe.", Id::ProcPexe),
    f(
        "proc.pexepath",
        T::CharBuf,
        "Parent executable path.",
        Id::ProcPexepath,
    ),
    fa(
        "proc.aname",
        T::CharBuf,
        "Name of an ancestor: proc.aname[1] is the parent.",
        ArgRule::OptionalIndex,
        Id::ProcAname,
    ),
    fa(
        "proc.apid",
        T::Int64,
        "Pid of an ancestor: proc.apid[1] is the parent.",
        ArgRule::OptionalIndex,
        Id::ProcApid,
    ),
    f("proc.sid", T::Int64, "Session id.", Id::ProcSid),
    f(
        "proc.sname",
        T::CharBuf,
        "Name of the session leader.",
        Id::ProcSname,
    ),
    f(
        "proc.vpgid",
        T::Int64,
        "Process group id in the namespace.",
        Id::ProcVpgid,
    ),
    f(
        "proc.tty",
        T::Uint32,
        "Controlling terminal, 0 for none.",
        Id::ProcTty,
    ),
    f(
        "proc.loginshellid",
        T::Int64,
        "Pid of the oldest shell ancestor.",
        Id::ProcLoginshellid,
    ),
    f(
        "proc.nthreads",
        T::Uint64,
        "Threads in the process.",
        Id::ProcNthreads,
    ),
    f("proc.fdlimit", T::Int64, "Fd limit.", Id::ProcFdlimit),
    f(
        "proc.vpid",
        T::Int64,
        "Process id in its pid namespace.",
        Id::ProcVpid,
    ),
    f(
        "proc.is_exe_writable",
        T::Bool,
        "Whether the executable is writable by the process's user.",
        Id::ProcIsExeWritable,
    ),
    f(
        "proc.is_exe_upper_layer",
        T::Bool,
        "Whether the executable is in an overlay's upper layer.",
        Id::ProcIsExeUpperLayer,
    ),
    f(
        "proc.is_exe_lower_layer",
        T::Bool,
        "Whether the executable is in an overlay's lower layer.",
        Id::ProcIsExeLowerLayer,
    ),
    f(
        "proc.is_exe_from_memfd",
        T::Bool,
        "Whether the executable was run from a memfd.",
        Id::ProcIsExeFromMemfd,
    ),
    f(
        "proc.is_vpgid_leader",
        T::Bool,
        "Whether the process leads its process group in its namespace.",
        Id::ProcIsVpgidLeader,
    ),
    f("proc.pgid", T::Int64, "Process group id.", Id::ProcPgid),
    fa(
        "proc.aexe",
        T::CharBuf,
        "exe of an ancestor: proc.aexe[1] is the parent's.",
        ArgRule::OptionalIndex,
        Id::ProcAexe,
    ),
    fa(
        "proc.aexepath",
        T::CharBuf,
        "Executable path of an ancestor.",
        ArgRule::OptionalIndex,
        Id::ProcAexepath,
    ),
    f(
        "proc.duration",
        T::RelTime,
        "Nanoseconds since the process started.",
        Id::ProcDuration,
    ),
    f(
        "proc.exe_ino",
        T::Int64,
        "Inode of the executable.",
        Id::ProcExeIno,
    ),
    f(
        "proc.exe_ino.ctime",
        T::AbsTime,
        "Change time of the executable's inode.",
        Id::ProcExeInoCtime,
    ),
    f(
        "proc.exe_ino.mtime",
        T::AbsTime,
        "Modification time of the executable's inode.",
        Id::ProcExeInoMtime,
    ),
    f(
        "proc.exe_ino.ctime_duration_proc_start",
        T::RelTime,
        "Nanoseconds from the executable's inode change to the process start.",
        Id::ProcExeInoCtimeDurationProcStart,
    ),
];

const THREAD: &[FieldInfo] = &[
    f("thread.tid", T::Int64, "Thread id.", Id::ThreadTid),
    f(
        "thread.vtid",
        T::Int64,
        "Thread id in its pid namespace.",
        Id::ThreadVtid,
    ),
    f(
        "thread.ismain",
        T::Bool,
        "Whether the thread is its process's main thread.",
        Id::ThreadIsmain,
    ),
    f(
        "thread.cap_inheritable",
        T::CharBuf,
        "Inheritable capabilities, by name.",
        Id::ThreadCapInheritable,
    ),
    f(
        "thread.cap_permitted",
        T::CharBuf,
        "Permitted capabilities, by name.",
        Id::ThreadCapPermitted,
    ),
    f(
        "thread.cap_effective",
        T::CharBuf,
        "Effective capabilities, by name.",
        Id::ThreadCapEffective,
    ),
];

const USER: &[FieldInfo] = &[
    f("user.uid", T::Uint32, "User id.", Id::UserUid),
    f("user.name", T::CharBuf, "User name.", Id::UserName),
    f(
        "user.homedir",
        T::CharBuf,
        "Home directory.",
        Id::UserHomedir,
    ),
    f("user.shell", T::CharBuf, "Login shell.", Id::UserShell),
    f(
        "user.loginuid",
        T::Int64,
        "Login user id, -1 when unset.",
        Id::UserLoginuid,
    ),
    f(
        "user.loginname",
        T::CharBuf,
        "Login user name.",
        Id::UserLoginname,
    ),
];

const GROUP: &[FieldInfo] = &[
    f("group.gid", T::Uint64, "Group id.", Id::GroupGid),
    f("group.name", T::CharBuf, "Group name.", Id::GroupName),
];

const CONTAINER: &[FieldInfo] = &[
    f(
        "container.id",
        T::CharBuf,
        "Container id, 'host' outside containers.",
        Id::ContainerId,
    ),
    f(
        "container.name",
        T::CharBuf,
        "Container name.",
        Id::ContainerName,
    ),
    f(
        "container.image",
        T::CharBuf,
        "Container image.",
        Id::ContainerImage,
    ),
    f(
        "container.image.repository",
        T::CharBuf,
        "Image repository.",
        Id::ContainerImageRepository,
    ),
    f(
        "container.image.tag",
        T::CharBuf,
        "Image tag.",
        Id::ContainerImageTag,
    ),
    f(
        "container.privileged",
        T::Bool,
        "Whether the container is privileged.",
        Id::ContainerPrivileged,
    ),
    f(
        "container.type",
        T::CharBuf,
        "Container runtime.",
        Id::ContainerType,
    ),
    f(
        "container.start_ts",
        T::AbsTime,
        "When the container started, ns since the epoch.",
        Id::ContainerStartTs,
    ),
];

const K8S: &[FieldInfo] = &[
    f(
        "k8s.ns.name",
        T::CharBuf,
        "Namespace of the pod, from the container's labels.",
        Id::K8sNsName,
    ),
    f(
        "k8s.pod.name",
        T::CharBuf,
        "Name of the pod, from the container's labels.",
        Id::K8sPodName,
    ),
];

const GLOBAL: &[FieldInfo] = &[
    f(
        "Global.EventName",
        T::CharBuf,
        "What happened, as Scope_Action[_Mode], such as Container_Open_Write.",
        Id::GlobalEventName,
    ),
    f(
        "Global.ErrorCode",
        T::CharBuf,
        "The error the action failed with; no value on success.",
        Id::GlobalErrorCode,
    ),
    f(
        "Global.User",
        T::CharBuf,
        "The acting user.",
        Id::GlobalUser,
    ),
    f(
        "Global.SourceIP",
        T::CharBuf,
        "The address the action came from, for network actions.",
        Id::GlobalSourceIp,
    ),
    f(
        "Global.Time",
        T::CharBuf,
        "When it happened, ISO 8601 UTC.",
        Id::GlobalTime,
    ),
    f(
        "Global.Domain",
        T::CharBuf,
        "Where it happened: Host, Container, AWS, K8s, Okta.",
        Id::GlobalDomain,
    ),
    f(
        "Global.Resource",
        T::CharBuf,
        "What was acted on: a path, a connection, a program.",
        Id::GlobalResource,
    ),
    fa(
        "Global.EventValue",
        T::CharBuf,
        "A value of the domain by key: a field (proc.name) or an argument (flags).",
        ArgRule::Required,
        Id::GlobalEventValue,
    ),
    f(
        "user.sourceIP",
        T::CharBuf,
        "The acting user's address, as Global.SourceIP.",
        Id::UserSourceIp,
    ),
    f(
        "user.targetRegion",
        T::CharBuf,
        "The cloud region acted in; no value for system calls.",
        Id::UserTargetRegion,
    ),
    f(
        "domain",
        T::CharBuf,
        "The domain, as Global.Domain.",
        Id::Domain,
    ),
];

const FD: &[FieldInfo] = &[
    f("fd.num", T::Int64, "Fd number.", Id::FdNum),
    f(
        "fd.type",
        T::CharBuf,
        "Fd type: file, directory, ipv4, ipv6, unix, pipe, ...",
        Id::FdType,
    ),
    f(
        "fd.typechar",
        T::CharBuf,
        "Fd type as one character.",
        Id::FdTypechar,
    ),
    f(
        "fd.name",
        T::CharBuf,
        "Fd name: path, or connection tuple.",
        Id::FdName,
    ),
    f(
        "fd.directory",
        T::CharBuf,
        "Directory of a file fd.",
        Id::FdDirectory,
    ),
    f(
        "fd.filename",
        T::CharBuf,
        "File name of a file fd, without directory.",
        Id::FdFilename,
    ),
    f("fd.cip", T::IpAddr, "Client address.", Id::FdCip),
    f("fd.sip", T::IpAddr, "Server address.", Id::FdSip),
    f("fd.lip", T::IpAddr, "Local address.", Id::FdLip),
    f("fd.rip", T::IpAddr, "Remote address.", Id::FdRip),
    f("fd.cport", T::Port, "Client port.", Id::FdCport),
    f("fd.sport", T::Port, "Server port.", Id::FdSport),
    f("fd.lport", T::Port, "Local port.", Id::FdLport),
    f("fd.rport", T::Port, "Remote port.", Id::FdRport),
    f(
        "fd.l4proto",
        T::CharBuf,
        "Protocol: tcp, udp, icmp, raw.",
        Id::FdL4proto,
    ),
    f(
        "fd.sockfamily",
        T::CharBuf,
        "Socket family: ip or unix.",
        Id::FdSockfamily,
    ),
    f(
        "fd.is_server",
        T::Bool,
        "Whether the process is the server end.",
        Id::FdIsServer,
    ),
    f(
        "fd.connected",
        T::Bool,
        "Whether a socket is connected.",
        Id::FdConnected,
    ),
    f(
        "fd.nameraw",
        T::CharBuf,
        "The path as the call gave it, not made absolute.",
        Id::FdNameraw,
    ),
    f(
        "fd.name_changed",
        T::Bool,
        "Whether the event changed the fd's name.",
        Id::FdNameChanged,
    ),
    f(
        "fd.cip.name",
        T::CharBuf,
        "Domain name of the client address, when known.",
        Id::FdCipName,
    ),
    f(
        "fd.sip.name",
        T::CharBuf,
        "Domain name of the server address, when known.",
        Id::FdSipName,
    ),
    f(
        "fd.lip.name",
        T::CharBuf,
        "Domain name of the local address, when known.",
        Id::FdLipName,
    ),
    f(
        "fd.rip.name",
        T::CharBuf,
        "Domain name of the remote address, when known.",
        Id::FdRipName,
    ),
];

/// The built-in classes with their fields.
pub(crate) fn classes() -> Vec<FieldClass> {
    let lists = [EVT, PROC, THREAD, USER, GROUP, CONTAINER, FD, K8S, GLOBAL];
    BUILTIN_CLASSES
        .iter()
        .zip(lists)
        .map(|((name, desc), fields)| FieldClass {
            name,
            desc,
            fields: fields.to_vec(),
        })
        .collect()
}

/// Extracts a built-in field.
pub(crate) fn extract<'a>(field: &Field, ctx: &EventCtx<'a>) -> Value<'a> {
    let id = field.info.id;
    if id.is_global() {
        super::global::extract(id, field, ctx)
    } else if id.is_event() {
        event::extract(id, &field.arg, ctx)
    } else if id.is_fd() {
        fd::extract(id, ctx)
    } else {
        thread::extract(id, &field.arg, ctx)
    }
}

impl Id {
    /// Whether the field belongs to the `evt` class.
    fn is_event(self) -> bool {
        matches!(self.class(), Class::Event)
    }

    /// Whether the field belongs to the normalized view.
    fn is_global(self) -> bool {
        use Id::*;
        matches!(
            self,
            GlobalEventName
                | GlobalErrorCode
                | GlobalUser
                | GlobalSourceIp
                | GlobalTime
                | GlobalDomain
                | GlobalResource
                | GlobalEventValue
                | UserSourceIp
                | UserTargetRegion
                | Domain
        )
    }

    /// Whether the field belongs to the `fd` class.
    fn is_fd(self) -> bool {
        matches!(self.class(), Class::Fd)
    }

    fn class(self) -> Class {
        use Id::*;
        match self {
            EvtNum | EvtTime | EvtTimeS | EvtDatetime | EvtRawtime | EvtOutputtime | EvtCpu
            | EvtDir | EvtType | EvtCategory | EvtArgs | EvtArg | EvtRawarg | EvtInfo | EvtRes
            | EvtRawres | EvtFailed | EvtIsIo | EvtIsIoRead | EvtIsIoWrite | EvtIsOpenRead
            | EvtIsOpenWrite | EvtIsOpenExec | EvtIsWait | EvtBuflen | EvtLatency | EvtAbspath
            | EvtSource | EvtBuffer | EvtTimeIso8601 => Class::Event,
            FdNum | FdType | FdTypechar | FdName | FdDirectory | FdFilename | FdCip | FdSip
            | FdLip | FdRip | FdCport | FdSport | FdLport | FdRport | FdL4proto | FdSockfamily
            | FdIsServer | FdConnected | FdNameraw | FdNameChanged | FdCipName | FdSipName
            | FdLipName | FdRipName => Class::Fd,
            _ => Class::Process,
        }
    }
}

/// Which extractor serves a field.
enum Class {
    Event,
    Fd,
    Process,
}
