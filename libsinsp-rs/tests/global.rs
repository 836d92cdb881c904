//! The normalized `Global.*` view of system-call events.

use std::path::PathBuf;

use peregrine_libscap::capture::meta::ProcessEntry;
use peregrine_libscap::capture::Metadata;
use peregrine_libscap::event::{code, Event, EventBuilder};
use peregrine_libsinsp::fields::{EventCtx, Registry, Value};
use peregrine_libsinsp::{Formatter, Inspector, State};

fn text(v: Value<'_>) -> String {
    match v {
        Value::Na => "<NA>".into(),
        v => v.to_string(),
    }
}

/// Fields of one event of a state after feeding it.
fn fields_of(state: &mut State, bytes: &[u8], names: &[&str]) -> Vec<String> {
    let ev = Event::parse(bytes).unwrap();
    let es = state.process(&ev);
    let ctx = EventCtx {
        ev,
        cpu: 0,
        num: 1,
        dump_flags: 0,
        state,
        es,
        buffer_limit: 80,
    };
    let r = Registry::builtin();
    names
        .iter()
        .map(|n| text(r.resolve(n).unwrap().extract(&ctx)))
        .collect()
}

fn container_shell() -> State {
    let sh = ProcessEntry {
        tid: 42,
        pid: 42,
        ptid: 1,
        comm: b"sh".to_vec(),
        exe: b"/bin/sh".to_vec(),
        cwd: b"/root".to_vec(),
        cgroups: vec![
            b"cpu=/docker/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                .to_vec(),
        ],
        ..ProcessEntry::default()
    };
    State::from_metadata(&Metadata {
        processes: vec![sh],
        ..Metadata::default()
    })
}

#[test]
fn an_open_for_writing_in_a_container_is_container_open_write() {
    let mut s = container_shell();
    let open = EventBuilder::new(code::SYSCALL_OPENAT_2_X)
        .ts(1_700_000_000_123_456_789)
        .tid(42)
        .i64(3)
        .i64(-100)
        .str(".bashrc")
        .u32(2 | 4)
        .u32(0o644)
        .u32(0)
        .u64(0)
        .finish();
    let got = fields_of(
        &mut s,
        &open,
        &[
            "Global.EventName",
            "Global.Domain",
            "Global.Resource",
            "Global.ErrorCode",
            "Global.Time",
            "Global.User",
            "Global.EventValue[proc.name]",
            "Global.EventValue[flags]",
            "domain",
        ],
    );
    assert_eq!(
        got,
        [
            "Container_Open_Write",
            "Container",
            "/root/.bashrc",
            "<NA>",
            "2023-11-14T22:13:20.123456789Z",
            "0",
            "sh",
            "O_CREAT|O_WRONLY",
            "Container",
        ]
    );
}

#[test]
fn failures_carry_their_error_code() {
    let mut s = container_shell();
    let open = EventBuilder::new(code::SYSCALL_OPENAT_2_X)
        .tid(42)
        .i64(-13)
        .i64(-100)
        .str("/etc/shadow")
        .u32(1)
        .u32(0)
        .u32(0)
        .u64(0)
        .finish();
    let got = fields_of(&mut s, &open, &["Global.EventName", "Global.ErrorCode"]);
    assert_eq!(got, ["Container_Open_Read", "EACCES"]);
}

fn conformance_trace(name: &str) -> Option<PathBuf> {
    let dir = match std::env::var_os("CONFORMANCE_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance"),
    };
    let p = dir.join(format!("falco-tests/trace_files/{name}.scap"));
    p.is_file().then_some(p)
}

#[test]
fn host_events_of_the_traces_get_host_names() {
    let Some(path) = conformance_trace("connect_localhost") else {
        println!("skipped: no conformance data (set CONFORMANCE_DIR)");
        return;
    };
    let mut inspector = Inspector::open(path).unwrap();
    let fmt = Formatter::new(
        inspector.registry(),
        "*%evt.num %Global.EventName %Global.ErrorCode %Global.SourceIP %Global.Resource",
    )
    .unwrap();
    let mut lines = Vec::new();
    while let Some(ctx) = inspector.next_event().unwrap() {
        if ctx.is_shown() && ctx.num == 187 {
            lines.push(fmt.text(&ctx).unwrap());
        }
    }
    assert_eq!(
        lines,
        ["187 Host_Connect EINPROGRESS 127.0.0.1 127.0.0.1:47192->127.0.0.1:80"]
    );
}
