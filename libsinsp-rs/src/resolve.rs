//! Rendering arguments with what the state engine knows.

use peregrine_libscap::event::render::{FdDescription, Resolver};
use peregrine_libscap::event::Event;

use crate::state::State;

/// A [`Resolver`] over the state, for the thread of one event.
pub struct StateResolver<'a> {
    state: &'a State,
    tid: i64,
}

impl<'a> StateResolver<'a> {
    /// A resolver for `ev`'s thread.
    pub fn new(state: &'a State, ev: &Event<'_>) -> StateResolver<'a> {
        StateResolver {
            state,
            tid: ev.tid() as i64,
        }
    }
}

impl Resolver for StateResolver<'_> {
    fn has_thread(&self, _ev: &Event<'_>) -> bool {
        self.state.threads.get(self.tid).is_some()
    }

    fn fd(&self, _ev: &Event<'_>, fd: i64) -> Option<FdDescription<'_>> {
        let info = self.state.fd(self.tid, fd)?;
        Some(FdDescription {
            typechar: info.typechar(),
            proto: if info.is_ip_socket() {
                info.effective_l4proto().symbol()
            } else {
                None
            },
            name: &info.name,
        })
    }

    fn comm(&self, tid: i64) -> Option<&str> {
        self.state.threads.get(tid).map(|t| t.comm.as_str())
    }

    fn user_name(&self, uid: u32) -> Option<&str> {
        self.state.users.user(uid).map(|u| u.name.as_str())
    }

    fn group_name(&self, gid: u32) -> Option<&str> {
        self.state.users.group(gid).map(|g| g.name.as_str())
    }

    fn base_dir(&self, ev: &Event<'_>, param: usize) -> Option<String> {
        let info = ev.info()?.params.get(param)?;
        let dirfd = match info.extra {
            peregrine_libscap::event::ParamExtra::DirFd(i) => {
                ev.value(i as usize).and_then(|v| v.as_i64())
            }
            _ => None,
        };
        Some(self.state.dirfd_base(self.tid, dirfd))
    }
}
