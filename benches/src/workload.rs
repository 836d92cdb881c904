//! A deterministic model of the syscall traffic of a small server.
//!
//! A few daemons (nginx, postgres, sshd, containerd, node) and short-lived
//! shell children run threads pinned to four CPUs. Each step picks a
//! thread and a system call by weights close to what a busy host records:
//! mostly reads, writes, closes, opens and generic calls, some memory maps
//! and socket calls, and now and then a process that exits while another
//! one is cloned and runs `execve`. Timestamps advance by a few hundred
//! nanoseconds per event, and events average about fifty bytes, as in
//! real captures.

use std::collections::VecDeque;

use peregrine_libscap::event::{code, EventBuilder, SockAddr, SockTuple};

use crate::rng::Rng;
use crate::syscalls::{self, Caller, Program};

/// One encoded event and the CPU it was recorded on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthEvent {
    /// The event in the V2 layout, as [`EventBuilder::finish`] returns it.
    pub bytes: Vec<u8>,
    /// The CPU the event is said to come from.
    pub cpu: u16,
}

/// Number of CPUs events are spread over.
const CPUS: u64 = 4;

/// Thread slots `0..LONG_LIVED` belong to daemons that never exit.
const LONG_LIVED: usize = 12;

/// First timestamp: 2024-01-01T00:00:00Z in nanoseconds.
const START_TS: u64 = 1_704_067_200_000_000_000;

/// What a step does, with its weight out of 10,000.
const MIX: [(Call, u64); 11] = [
    (Call::Read, 2200),
    (Call::Write, 1400),
    (Call::Close, 1600),
    (Call::GenericExit, 1800),
    (Call::GenericEnter, 1200),
    (Call::Openat, 900),
    (Call::Mmap, 350),
    (Call::Socket, 170),
    (Call::Connect, 170),
    (Call::Accept, 170),
    (Call::Spawn, 15),
];

/// The kinds of step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Call {
    Read,
    Write,
    Close,
    GenericExit,
    GenericEnter,
    Openat,
    Mmap,
    Socket,
    Connect,
    Accept,
    /// A short-lived process exits and another one is cloned and execs.
    Spawn,
}

/// A running thread.
#[derive(Debug, Clone, Copy)]
struct Thread {
    program: &'static Program,
    pid: i64,
    tid: i64,
    ptid: i64,
    cpu: u16,
}

impl Thread {
    fn caller(&self) -> Caller {
        Caller {
            program: self.program,
            pid: self.pid,
            tid: self.tid,
            ptid: self.ptid,
        }
    }
}

/// An endless, deterministic stream of realistic events.
///
/// ```
/// use peregrine_benches::Workload;
/// use peregrine_libscap::event::Event;
///
/// for ev in Workload::new(1).take(100) {
///     assert!(Event::parse(&ev.bytes).is_ok());
/// }
/// ```
#[derive(Debug, Clone)]
pub struct Workload {
    rng: Rng,
    ts: u64,
    threads: Vec<Thread>,
    next_pid: i64,
    pending: VecDeque<SynthEvent>,
    started: bool,
}

impl Workload {
    /// A workload whose events depend only on `seed`.
    pub fn new(seed: u64) -> Workload {
        Workload {
            rng: Rng::new(seed),
            ts: START_TS,
            threads: initial_threads(),
            next_pid: 20_000,
            pending: VecDeque::new(),
            started: false,
        }
    }

    /// Advances the clock by a few hundred nanoseconds and returns it.
    fn tick(&mut self) -> u64 {
        self.ts += self.rng.range(100, 600);
        self.ts
    }

    /// Starts an event of `code` for thread slot `slot`, stamped now.
    fn start(&mut self, code: u16, slot: usize) -> EventBuilder {
        let tid = self.threads[slot].tid as u64;
        EventBuilder::new(code).ts(self.tick()).tid(tid)
    }

    fn push(&mut self, event: EventBuilder, slot: usize) {
        let cpu = self.threads[slot].cpu;
        self.pending.push_back(SynthEvent {
            bytes: event.finish(),
            cpu,
        });
    }

    fn pick_call(&mut self) -> Call {
        let total: u64 = MIX.iter().map(|(_, w)| w).sum();
        let mut roll = self.rng.below(total);
        for (call, weight) in MIX {
            if roll < weight {
                return call;
            }
            roll -= weight;
        }
        Call::GenericExit
    }

    /// Queues the events of one step.
    fn step(&mut self) {
        let slot = self.rng.index(self.threads.len());
        // The first step starts a process, so that even a short capture
        // holds every kind of event.
        let call = if self.started {
            self.pick_call()
        } else {
            Call::Spawn
        };
        self.started = true;
        match call {
            Call::Spawn => self.spawn(slot),
            call => {
                let code = code_of(call);
                let head = self.start(code, slot);
                let event = self.fill(call, head, slot);
                self.push(event, slot);
            }
        }
    }

    /// Adds the parameters of a one-event call.
    fn fill(&mut self, call: Call, head: EventBuilder, slot: usize) -> EventBuilder {
        let rng = &mut self.rng;
        let program = self.threads[slot].program;
        match call {
            Call::Read | Call::Write => syscalls::read_write(head, rng, program),
            Call::Close => syscalls::close(head, rng),
            Call::GenericExit | Call::GenericEnter => syscalls::generic(head, rng),
            Call::Openat => syscalls::openat(head, rng, program),
            Call::Mmap => syscalls::mmap(head, rng),
            Call::Socket => syscalls::socket(head, rng),
            Call::Connect => connect(head, rng),
            Call::Accept => accept(head, rng),
            Call::Spawn => head,
        }
    }

    /// A short-lived thread exits; a random thread clones a child into
    /// its slot, and the child runs `execve`.
    fn spawn(&mut self, parent: usize) {
        let victim = LONG_LIVED + self.rng.index(self.threads.len() - LONG_LIVED);
        let head = self.start(code::PROCEXIT_1_E, victim);
        let reaper = self.threads[victim].ptid;
        let exit = syscalls::procexit(head, &mut self.rng, reaper);
        self.push(exit, victim);
        // A thread cannot clone after exiting; a daemon forks instead.
        let parent = if parent == victim {
            self.rng.index(LONG_LIVED)
        } else {
            parent
        };

        let pid = self.next_pid;
        self.next_pid += 1;
        let father = self.threads[parent];
        let head = self.start(code::SYSCALL_CLONE_20_X, parent);
        let clone = syscalls::clone(head, &mut self.rng, &father.caller(), pid);
        self.push(clone, parent);

        let cpu = self.rng.below(CPUS) as u16;
        self.threads[victim] = Thread {
            program: father.program,
            pid,
            tid: pid,
            ptid: father.pid,
            cpu,
        };
        self.exec_child(victim);
    }

    /// The child's side of `clone`, then its `execve` of a short-lived
    /// program.
    fn exec_child(&mut self, slot: usize) {
        let child = self.threads[slot];
        let head = self.start(code::SYSCALL_CLONE_20_X, slot);
        let clone = syscalls::clone(head, &mut self.rng, &child.caller(), 0);
        self.push(clone, slot);

        let program = syscalls::short_lived(&mut self.rng);
        self.threads[slot].program = program;
        let caller = self.threads[slot].caller();
        let head = self.start(code::SYSCALL_EXECVE_19_X, slot);
        let exec = syscalls::execve(head, &mut self.rng, &caller);
        self.push(exec, slot);
    }
}

impl Iterator for Workload {
    type Item = SynthEvent;

    fn next(&mut self) -> Option<SynthEvent> {
        while self.pending.is_empty() {
            self.step();
        }
        self.pending.pop_front()
    }
}

fn code_of(call: Call) -> u16 {
    match call {
        Call::Read => code::SYSCALL_READ_X,
        Call::Write => code::SYSCALL_WRITE_X,
        Call::Close => code::SYSCALL_CLOSE_X,
        Call::GenericExit => code::GENERIC_X,
        Call::GenericEnter => code::GENERIC_E,
        Call::Openat => code::SYSCALL_OPENAT_2_X,
        Call::Mmap => code::SYSCALL_MMAP_X,
        Call::Socket => code::SOCKET_SOCKET_X,
        Call::Connect => code::SOCKET_CONNECT_X,
        Call::Accept => code::SOCKET_ACCEPT4_6_X,
        Call::Spawn => code::PROCEXIT_1_E,
    }
}

/// A client connection from this host to a backend.
fn connect(head: EventBuilder, rng: &mut Rng) -> EventBuilder {
    let dst = [10, 0, rng.below(4) as u8, rng.range(1, 250) as u8];
    let dport = [5432, 6379, 443, 8080][rng.index(4)];
    let tuple = SockTuple::V4 {
        src: [10, 0, 0, 7],
        sport: rng.range(32_768, 60_999) as u16,
        dst,
        dport,
    };
    let res = if rng.chance(100) { -115 } else { 0 };
    head.i64(res)
        .socktuple(&tuple)
        .i64(rng.range(3, 64) as i64)
        .sockaddr(&SockAddr::V4(dst, dport))
}

/// A server accepting a client connection on port 80 or 443.
fn accept(head: EventBuilder, rng: &mut Rng) -> EventBuilder {
    let tuple = SockTuple::V4 {
        src: [192, 0, 2, rng.range(1, 250) as u8],
        sport: rng.range(32_768, 60_999) as u16,
        dst: [10, 0, 0, 7],
        dport: [80, 443][rng.index(2)],
    };
    let queuelen = rng.below(16) as u32;
    head.i64(rng.range(3, 64) as i64)
        .socktuple(&tuple)
        .u8((queuelen * 100 / 511) as u8)
        .u32(queuelen)
        .u32(511)
        .i32(0x800)
}

/// The threads running when the capture starts.
fn initial_threads() -> Vec<Thread> {
    // Daemons first (pid, then extra threads), then short-lived children.
    let groups: [(&str, i64, i64, usize); 9] = [
        ("nginx", 1200, 1, 3),
        ("postgres", 2100, 1, 2),
        ("sshd", 880, 1, 1),
        ("containerd", 640, 1, 4),
        ("node", 3300, 1, 2),
        ("bash", 5000, 880, 1),
        ("python3", 5010, 5000, 2),
        ("cat", 5020, 5000, 1),
        ("curl", 5030, 5000, 2),
    ];
    let mut threads = Vec::new();
    for (comm, pid, ptid, count) in groups {
        let program = syscalls::program(comm);
        for i in 0..count as i64 {
            let tid = pid + i;
            let cpu = (tid as u64 % CPUS) as u16;
            threads.push(Thread {
                program,
                pid,
                tid,
                ptid,
                cpu,
            });
        }
    }
    debug_assert_eq!(threads.iter().filter(|t| t.pid < 5000).count(), LONG_LIVED);
    threads
}
