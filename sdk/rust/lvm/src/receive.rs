//! Receiving: typed (the type's tag selects), by explicit tags, raw, and
//! the VM's EXIT and DOWN signals as typed messages.
use std::fmt;
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;

use crate::codec::{decode, tag_of};
use crate::error::Error;
use crate::process::{duration_ns, MonitorRef, Process};
use crate::sys;

/// A received message, raw: its tag, its sender and its bytes.
#[derive(Clone, Debug)]
pub struct Envelope {
    tag: i64,
    sender: sys::Pid,
    bytes: Vec<u8>,
}

impl Envelope {
    /// The message's tag.
    pub fn tag(&self) -> i64 {
        self.tag
    }
    /// The process that sent it (for EXIT and DOWN: the one that ended).
    pub fn sender(&self) -> Process<()> {
        Process::from_pid(self.sender)
    }
    /// Its bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
    /// Whether its tag is `M`'s.
    pub fn is<M>(&self) -> bool {
        self.tag == tag_of::<M>()
    }
    /// Its bytes as an `M`, or `None` if they are not exactly one (whatever
    /// the tag).
    pub fn decode<M: DeserializeOwned>(&self) -> Option<M> {
        decode(&self.bytes)
    }
    /// The message as a DOWN signal, if it is one.
    pub fn down(&self) -> Option<Down> {
        if self.tag != sys::TAG_DOWN {
            return None;
        }
        let (r, process, reason) = exit_info(&self.bytes)?;
        Some(Down { monitor: MonitorRef(r), process, reason })
    }
    /// The message as an EXIT signal, if it is one.
    pub fn exit(&self) -> Option<Exit> {
        if self.tag != sys::TAG_EXIT {
            return None;
        }
        let (_, process, reason) = exit_info(&self.bytes)?;
        Some(Exit { process, reason })
    }
}

/// Why a process ended, as links and monitors learn it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExitReason {
    /// Its entry returned, or it exited with code 0.
    Normal,
    /// It exited with a non-zero code.
    Code(i32),
    /// It trapped, or panicked; the text says why (`"integer divide by
    /// zero"`, `"panicked at 'boom', src/main.rs:3:5"`).
    Trap(String),
    /// It was killed.
    Killed,
    /// It was not alive when the link or monitor was made.
    NoProc,
    /// Its node's connection was lost (docs/distribution.md).
    NoConnection,
}

impl ExitReason {
    /// A normal end (does not take linked processes down).
    pub fn is_normal(&self) -> bool {
        *self == ExitReason::Normal
    }
}

impl fmt::Display for ExitReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExitReason::Normal => f.write_str("ended normally"),
            ExitReason::Code(c) => write!(f, "exited with code {}", c),
            ExitReason::Trap(t) => write!(f, "trapped: {}", t),
            ExitReason::Killed => f.write_str("was killed"),
            ExitReason::NoProc => f.write_str("was not alive"),
            ExitReason::NoConnection => f.write_str("was cut off (noconnection)"),
        }
    }
}

/// A monitored process ended (`monitor`, `spawn_monitor`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Down {
    /// The monitor that fired.
    pub monitor: MonitorRef,
    /// The process that ended.
    pub process: Process<()>,
    /// Why.
    pub reason: ExitReason,
}

/// A linked process ended, received because the caller traps exits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exit {
    /// The process that ended.
    pub process: Process<()>,
    /// Why.
    pub reason: ExitReason,
}

/// Decodes an `lvm_exit_info` and the reason's text.
fn exit_info(b: &[u8]) -> Option<(u64, Process<()>, ExitReason)> {
    if b.len() < 24 {
        return None;
    }
    let u64_at = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().unwrap());
    let i32_at = |i: usize| i32::from_le_bytes(b[i..i + 4].try_into().unwrap());
    let reason = match i32_at(16) {
        sys::EXIT_NORMAL => ExitReason::Normal,
        sys::EXIT_CODE => ExitReason::Code(i32_at(20)),
        sys::EXIT_TRAP => ExitReason::Trap(String::from_utf8_lossy(&b[24..]).into_owned()),
        sys::EXIT_KILLED => ExitReason::Killed,
        sys::EXIT_NOPROC => ExitReason::NoProc,
        sys::EXIT_NOCONNECTION => ExitReason::NoConnection,
        _ => return None,
    };
    Some((u64_at(0), Process::from_pid(u64_at(8)), reason))
}

fn timeout_ns(timeout: Option<Duration>) -> i64 {
    timeout.map_or(sys::INFINITY, duration_ns)
}

/// The oldest message whose tag is one of `tags` (any message if `tags` is
/// empty), waiting up to `timeout` (`None`: as long as it takes;
/// `Some(Duration::ZERO)`: only what is queued). Others stay queued, in
/// order. `Err(TimedOut)` if none came.
pub fn receive_message(tags: &[i64], timeout: Option<Duration>) -> Result<Envelope, Error> {
    crate::panic::install();
    let mut bytes = vec![0u8; 256];
    let mut info = sys::MsgInfo::default();
    let s = unsafe {
        sys::receive(tags.as_ptr(), tags.len(), timeout_ns(timeout), bytes.as_mut_ptr(), bytes.len(), &mut info)
    };
    Error::check(s)?;
    let size = info.size as usize;
    if size > bytes.len() {
        bytes.resize(size, 0);
        let copied = info.copied as usize;
        let rest = &mut bytes[copied..];
        unsafe { sys::message_read(copied as u32, rest.as_mut_ptr(), rest.len()) };
    } else {
        bytes.truncate(size);
    }
    Ok(Envelope { tag: info.tag, sender: info.sender, bytes })
}

/// The oldest message of any tag, waiting up to `timeout` (`None`: forever).
pub fn receive_any(timeout: Option<Duration>) -> Result<Envelope, Error> {
    receive_message(&[], timeout)
}

/// The next message with `tag`, decoded as an `M`, waiting up to `timeout`.
/// One that does not decode is a sender's bug: it is dropped with a line
/// on stderr, and the wait goes on.
pub fn receive_tag_timeout<M: DeserializeOwned>(tag: i64, timeout: Option<Duration>) -> Result<M, Error> {
    let deadline = timeout.map(|d| Instant::now() + d);
    loop {
        let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
        let e = receive_message(&[tag], left)?;
        match e.decode::<M>() {
            Some(m) => return Ok(m),
            None => eprintln!(
                "lvm: dropped a message from process {} with tag {} ({} bytes): it is not a well-formed {}",
                e.sender, tag, e.bytes.len(), std::any::type_name::<M>()
            ),
        }
    }
}

/// The next `M` (the oldest message with `tag_of::<M>()`), waiting as long
/// as it takes; other messages stay queued.
pub fn receive<M: DeserializeOwned>() -> M {
    receive_tag_timeout(tag_of::<M>(), None).expect("an infinite receive returned")
}

/// The next `M`, waiting at most `timeout` (`Duration::ZERO`: only what is
/// queued). `None` if none came.
pub fn receive_timeout<M: DeserializeOwned>(timeout: Duration) -> Option<M> {
    receive_tag_timeout(tag_of::<M>(), Some(timeout)).ok()
}

/// The next message with `tag` (selective receive by an explicit tag),
/// decoded as an `M`, waiting as long as it takes.
pub fn receive_tag<M: DeserializeOwned>(tag: i64) -> M {
    receive_tag_timeout(tag, None).expect("an infinite receive returned")
}

/// The next DOWN of a monitor, waiting up to `timeout` (`None`: forever).
pub fn receive_down(timeout: Option<Duration>) -> Option<Down> {
    receive_message(&[sys::TAG_DOWN], timeout).ok()?.down()
}

/// The next EXIT of a link (the caller traps exits), waiting up to
/// `timeout` (`None`: forever).
pub fn receive_exit(timeout: Option<Duration>) -> Option<Exit> {
    receive_message(&[sys::TAG_EXIT], timeout).ok()?.exit()
}
