//! Fuzzes a whole capture, gzip or plain, through the reader and the state
//! engine: every event it accepts updates state, is rendered, has each
//! parameter decoded and every field of the registry extracted.

#![no_main]

use std::io::Cursor;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use peregrine_libscap::capture::CaptureReader;
use peregrine_libsinsp::fields::{Field, Registry};
use peregrine_libsinsp::Inspector;

/// A guard against a reader that would never end.
const MAX_CALLS: usize = 1_000_000;

/// Every built-in field, resolved once (with an argument where one is
/// required).
fn all_fields() -> &'static [Field] {
    static FIELDS: OnceLock<Vec<Field>> = OnceLock::new();
    FIELDS.get_or_init(|| {
        let r = Registry::builtin();
        let names: Vec<String> = r
            .classes()
            .iter()
            .flat_map(|c| c.fields.iter())
            .map(|f| match f.arg {
                peregrine_libsinsp::fields::ArgRule::Required => format!("{}[0]", f.name),
                _ => f.name.to_string(),
            })
            .collect();
        names.iter().filter_map(|n| r.resolve(n).ok()).collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(reader) = CaptureReader::from_reader("fuzz", Cursor::new(data.to_vec())) else {
        return;
    };
    let mut inspector = Inspector::new(reader);
    for _ in 0..MAX_CALLS {
        match inspector.next_event() {
            Ok(Some(ctx)) => {
                for f in all_fields() {
                    let _ = f.extract(&ctx);
                }
                for i in 0..ctx.ev.nparams() as usize {
                    let _ = ctx.ev.value(i);
                }
            }
            Ok(None) => return,
            // The bad block has been passed; the next one may be fine.
            Err(e) if e.skippable => continue,
            Err(_) => return,
        }
    }
    panic!("the reader returned {MAX_CALLS} results without ending");
});
