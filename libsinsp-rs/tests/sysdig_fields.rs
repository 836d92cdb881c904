//! Every field sysdig 0.29.3 printed for the events of the conformance
//! traces (`sysdig -r NAME.scap -j -p "$(cat FORMAT.txt)"`) has the same
//! value here.

use std::collections::BTreeMap;
use std::path::PathBuf;

use peregrine_libsinsp::{Formatter, Inspector};

fn conformance_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("CONFORMANCE_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance"),
    };
    dir.is_dir().then_some(dir)
}

const TRACES: [&str; 6] = [
    "cat_write",
    "connect_localhost",
    "empty",
    "open-multiple-files",
    "ping_sendto",
    "syscall",
];

/// Compares one trace; returns (fields compared, differences by field).
fn compare(dir: &std::path::Path, name: &str) -> (usize, BTreeMap<String, Vec<String>>) {
    let format = std::fs::read_to_string(dir.join("sysdig/FORMAT.txt")).unwrap();
    let expected_text =
        std::fs::read_to_string(dir.join(format!("sysdig/{name}.fields.jsonl"))).unwrap();
    let expected: BTreeMap<u64, serde_json::Value> = expected_text
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (v["evt.num"].as_u64().unwrap(), v)
        })
        .collect();

    let trace = dir.join(format!("falco-tests/trace_files/{name}.scap"));
    let mut inspector = Inspector::open(trace).unwrap();
    let fmt = Formatter::new(inspector.registry(), format.trim()).unwrap();
    let (mut compared, mut diffs) = (0, BTreeMap::<String, Vec<String>>::new());
    while let Some(ctx) = inspector.next_event().unwrap() {
        let Some(want) = expected.get(&ctx.num) else {
            continue;
        };
        let got: serde_json::Value = serde_json::from_str(&fmt.json(&ctx).unwrap()).unwrap();
        for (field, w) in want.as_object().unwrap() {
            compared += 1;
            let g = &got[field];
            if g != w {
                diffs
                    .entry(field.clone())
                    .or_default()
                    .push(format!("{name} #{}: sysdig {w} ours {g}", ctx.num));
            }
        }
    }
    (compared, diffs)
}

#[test]
fn fields_match_sysdig() {
    let Some(dir) = conformance_dir() else {
        println!("skipped: no conformance data (set CONFORMANCE_DIR)");
        return;
    };
    let (mut total, mut all) = (0, BTreeMap::<String, Vec<String>>::new());
    for name in TRACES {
        let (n, diffs) = compare(&dir, name);
        total += n;
        for (k, v) in diffs {
            all.entry(k).or_default().extend(v);
        }
    }
    let ndiff: usize = all.values().map(Vec::len).sum();
    println!("compared {total} field values with sysdig: {ndiff} differences");
    for (field, d) in &all {
        println!("{field}: {} differences, first: {}", d.len(), d[0]);
    }
    assert_eq!(ndiff, 0);
}
