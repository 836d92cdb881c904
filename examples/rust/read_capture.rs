//! Replays a capture through the state engine and prints the events a
//! filter selects, with a format of your choosing.
//!
//! ```sh
//! cargo run -p peregrine-examples --example read_capture -- \
//!     libscap-rs/tests/data/sample.scap 'evt.type=open and evt.dir=<' \
//!     '%evt.num %proc.name %fd.name %evt.res'
//! ```

use anyhow::Context;
use peregrine::sinsp::{EventFilter, Formatter, Inspector};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .context("usage: read_capture FILE [FILTER] [FORMAT]")?;
    let filter = args.next();
    let format = args
        .next()
        .unwrap_or_else(|| "%evt.num %evt.type %proc.name %fd.name".to_string());

    // Open the capture; its process, fd and user lists seed the state.
    let mut inspector = Inspector::open(&path)?;
    let formatter = Formatter::new(inspector.registry(), &format)?;
    let filter = match &filter {
        Some(f) => Some(EventFilter::new(inspector.registry(), f)?),
        None => None,
    };

    // Each event updates the state first, so fields see processes and fds
    // as they were right after the event.
    let mut shown = 0;
    while let Some(ctx) = inspector.next_event()? {
        if filter.as_ref().is_some_and(|f| !f.matches(&ctx)) {
            continue;
        }
        if let Some(line) = formatter.text(&ctx) {
            println!("{line}");
            shown += 1;
        }
    }
    eprintln!(
        "{shown} events shown; {} threads known at the end",
        inspector.state().threads.len()
    );
    Ok(())
}
