//! Property tests: events built from random parameters of every type
//! decode to the same values and encode back to the same bytes, and every
//! parameter type renders without panicking.

use peregrine_libscap::event::{
    all_events, code, render, Event, EventBuilder, ParamType, ParamValue,
};
use proptest::prelude::*;

/// Random bytes shaped for a parameter type.
fn param_bytes(kind: ParamType) -> BoxedStrategy<Vec<u8>> {
    match kind.fixed_size() {
        Some(n) => prop::collection::vec(any::<u8>(), n).boxed(),
        None => match kind {
            ParamType::CharBuf | ParamType::FsPath | ParamType::FsRelPath => "[ -~]{0,40}"
                .prop_map(|s| format!("{s}\0").into_bytes())
                .boxed(),
            ParamType::SockTuple => prop_oneof![
                prop::collection::vec(any::<u8>(), 12).prop_map(|b| [&[2u8][..], &b].concat()),
                prop::collection::vec(any::<u8>(), 36).prop_map(|b| [&[10u8][..], &b].concat()),
                ("[ -~]{0,20}", any::<[u8; 16]>())
                    .prop_map(|(p, k)| { [&[1u8][..], &k, p.as_bytes(), &[0]].concat() }),
            ]
            .boxed(),
            ParamType::SockAddr => prop_oneof![
                prop::collection::vec(any::<u8>(), 6).prop_map(|b| [&[2u8][..], &b].concat()),
                prop::collection::vec(any::<u8>(), 18).prop_map(|b| [&[10u8][..], &b].concat()),
                "[ -~]{0,20}".prop_map(|p| [&[1u8][..], p.as_bytes(), &[0]].concat()),
            ]
            .boxed(),
            ParamType::FdList => prop::collection::vec((any::<i64>(), any::<u16>()), 0..4)
                .prop_map(|fds| {
                    let mut b = (fds.len() as u16).to_le_bytes().to_vec();
                    for (fd, fl) in fds {
                        b.extend_from_slice(&fd.to_le_bytes());
                        b.extend_from_slice(&fl.to_le_bytes());
                    }
                    b
                })
                .boxed(),
            _ => prop::collection::vec(any::<u8>(), 0..64).boxed(),
        },
    }
}

/// A random event of a random code with all or some of its parameters.
fn event_bytes() -> impl Strategy<Value = Vec<u8>> {
    let codes: Vec<u16> = all_events()
        .filter(|(_, e)| !e.params.is_empty())
        .map(|(c, _)| c)
        .collect();
    (prop::sample::select(codes), any::<u64>(), any::<u64>()).prop_flat_map(|(c, ts, tid)| {
        let info = peregrine_libscap::event::event_info(c).unwrap();
        let params: Vec<_> = info.params.iter().map(|p| param_bytes(p.kind)).collect();
        (Just(c), Just(ts), Just(tid), params, 0..=info.params.len()).prop_map(
            |(c, ts, tid, params, keep)| {
                let mut b = EventBuilder::new(c).ts(ts).tid(tid);
                for p in params.iter().take(keep) {
                    b = b.raw(p);
                }
                b.finish()
            },
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn decode_then_encode_gives_the_same_bytes(bytes in event_bytes()) {
        let ev = Event::parse(&bytes).unwrap();
        let info = ev.info().unwrap();
        let mut again = EventBuilder::new(ev.code()).ts(ev.ts()).tid(ev.tid());
        for i in 0..ev.nparams() as usize {
            let value = ev.value(i).unwrap();
            again = again.value(info.params[i].kind, &value);
        }
        prop_assert_eq!(again.finish(), bytes);
    }

    #[test]
    fn every_type_renders(bytes in event_bytes()) {
        let ev = Event::parse(&bytes).unwrap();
        let mut out = String::new();
        render::write_args(&mut out, &ev, &render::NoState, &Default::default());
        // Generic events render no arguments, as in sysdig.
        let generic = ev.code() == code::GENERIC_E || ev.code() == code::GENERIC_X;
        for (i, p) in ev.info().unwrap().params.iter().take(ev.nparams() as usize).enumerate() {
            if !generic && !matches!(ev.value(i), Some(ParamValue::Empty)) {
                let needle = format!("{}=", p.name);
                prop_assert!(out.contains(&needle));
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        if let Ok(ev) = Event::parse(&bytes) {
            let mut out = String::new();
            render::write_args(&mut out, &ev, &render::NoState, &Default::default());
            for i in 0..ev.nparams() as usize {
                let _ = ev.value(i);
            }
        }
    }
}
