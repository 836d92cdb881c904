//! Fuzzes the filter parser and the format compiler with arbitrary text.

#![no_main]

use libfuzzer_sys::fuzz_target;
use peregrine_libsinsp::fields::Registry;
use peregrine_libsinsp::{EventFilter, Formatter};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let registry = Registry::builtin();
    let _ = EventFilter::new(&registry, text);
    let _ = Formatter::new(&registry, text);
});
