//! Fuzzes `Event::parse` on raw event bytes: an accepted event is
//! rendered and has each parameter decoded.

#![no_main]

use libfuzzer_sys::fuzz_target;
use peregrine_libscap::event::render::{self, NoState, RenderOptions};
use peregrine_libscap::event::Event;

fuzz_target!(|data: &[u8]| {
    let Ok(event) = Event::parse(data) else {
        return;
    };
    let mut out = String::new();
    render::write_args(&mut out, &event, &NoState, &RenderOptions::default());
    for i in 0..event.nparams() as usize {
        let _ = event.value(i);
    }
    let _ = event.params().map(<[u8]>::len).sum::<usize>();
});
