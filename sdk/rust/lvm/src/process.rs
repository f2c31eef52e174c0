//! Process handles and what acts on processes: send, kill, exit, links,
//! monitors, names, timers, sleep.
use std::fmt;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::marker::PhantomData;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::codec::{encode, tag_of};
use crate::error::Error;
use crate::sys;

/// A handle on a process that takes messages of type `M` (`()`: untyped).
/// It is only the process id with a type for the protocol: the crate
/// cannot check that the process really expects `M`s. Handles are
/// serializable (as the `u64` pid), so they travel in messages and spawn
/// captures.
pub struct Process<M = ()> {
    pid: sys::Pid,
    _m: PhantomData<fn() -> M>,
}

impl<M> Process<M> {
    /// The handle of process `pid`.
    pub fn from_pid(pid: sys::Pid) -> Self {
        Process { pid, _m: PhantomData }
    }
    /// The process id.
    pub fn pid(&self) -> sys::Pid {
        self.pid
    }
    /// The same process, typed for messages of type `N`.
    pub fn cast<N>(&self) -> Process<N> {
        Process::from_pid(self.pid)
    }
    /// Sends `value` under an explicit `tag` (any handle, any type). Never
    /// blocks. `Err(NoProcess)` if the process has ended (the message is
    /// dropped, as in Erlang), `Err(Invalid)` for a reserved tag.
    pub fn send_tagged<T: Serialize + ?Sized>(&self, tag: i64, value: &T) -> Result<(), Error> {
        send_bytes(self.pid, tag, &encode(value))
    }
}

impl<M: Serialize> Process<M> {
    /// Sends a copy of `message` with `tag_of::<M>()`. Never blocks.
    /// `Err(NoProcess)` if the process has ended (the message is dropped).
    pub fn send(&self, message: &M) -> Result<(), Error> {
        send_bytes(self.pid, tag_of::<M>(), &encode(message))
    }
}

/// Sends raw bytes with a tag to process `pid` (`lvm.send`).
pub fn send_bytes(pid: sys::Pid, tag: i64, bytes: &[u8]) -> Result<(), Error> {
    Error::check(unsafe { sys::send(pid, tag, bytes.as_ptr(), bytes.len()) })
}

impl<M> Clone for Process<M> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<M> Copy for Process<M> {}
impl<M> PartialEq for Process<M> {
    fn eq(&self, other: &Self) -> bool {
        self.pid == other.pid
    }
}
impl<M> Eq for Process<M> {}
impl<M> Hash for Process<M> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.pid.hash(state)
    }
}
impl<M> fmt::Debug for Process<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Process({})", self.pid)
    }
}
impl<M> fmt::Display for Process<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.pid)
    }
}
// On the wire a handle is its u64 pid when the VM is not distributed; on
// a node (lvm run --name) it is u64 (bit 63 | length) and the pid's
// portable bytes (pid_encode, which name its node), so it means the same
// process on whichever node decodes it (as in sdk/cpp/lvm.hpp).
const PORTABLE_PID: u64 = 1 << 63;

fn distributed() -> bool {
    use std::sync::atomic::{AtomicU8, Ordering};
    static ON: AtomicU8 = AtomicU8::new(0); // 0 unknown, 1 no, 2 yes
    match ON.load(Ordering::Relaxed) {
        0 => {
            let on = unsafe { sys::node_self(std::ptr::null_mut(), 0) } > 0;
            ON.store(if on { 2 } else { 1 }, Ordering::Relaxed);
            on
        }
        v => v == 2,
    }
}

impl<M> Serialize for Process<M> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeTuple;
        if self.pid == 0 || !distributed() {
            return s.serialize_u64(self.pid);
        }
        let mut buf = [0u8; 300];
        let n = unsafe { sys::pid_encode(self.pid, buf.as_mut_ptr(), buf.len()) }.clamp(0, 300) as usize;
        let mut t = s.serialize_tuple(1 + n)?;
        t.serialize_element(&(PORTABLE_PID | n as u64))?;
        for b in &buf[..n] {
            t.serialize_element(b)?;
        }
        t.end()
    }
}
impl<'de, M> Deserialize<'de> for Process<M> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = u64;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a process handle")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<u64, A::Error> {
                use serde::de::Error as _;
                let head: u64 = seq.next_element()?.ok_or_else(|| A::Error::custom("no pid"))?;
                if head & PORTABLE_PID == 0 {
                    return Ok(head);
                }
                let n = (head & !PORTABLE_PID) as usize;
                if n == 0 || n > 300 {
                    return Err(A::Error::custom("a portable pid of a bad length"));
                }
                let mut buf = [0u8; 300];
                for b in buf.iter_mut().take(n) {
                    *b = seq.next_element()?.ok_or_else(|| A::Error::custom("a truncated pid"))?;
                }
                let mut pid = 0;
                if unsafe { sys::pid_decode(buf.as_ptr(), n, &mut pid) } != sys::OK {
                    return Err(A::Error::custom("bytes that name no process"));
                }
                Ok(pid)
            }
        }
        // (bincode reads a tuple's elements one by one, with no length on
        // the wire: a plain u64 reads as its first element.)
        Ok(Process::from_pid(d.deserialize_tuple(1 + 300, V)?))
    }
}

/// The calling process's handle, typed for the messages it takes.
pub fn self_process<M>() -> Process<M> {
    crate::panic::install();
    Process::from_pid(unsafe { sys::self_() })
}

/// Ends the calling process with an exit code (0: a normal end; for the
/// root process, `lvm run`'s exit code), after flushing stdout and stderr.
pub fn exit(code: i32) -> ! {
    flush_stdio();
    unsafe { sys::exit(code) }
}

/// Ends process `p` with the reason *killed* (itself: at once).
/// `Err(NoProcess)` if it is not alive.
pub fn kill<M>(p: Process<M>) -> Result<(), Error> {
    if p.pid == unsafe { sys::self_() } {
        flush_stdio();
    }
    Error::check(unsafe { sys::kill(p.pid) })
}

/// Suspends the caller for at least `d`, without using a worker thread.
pub fn sleep(d: Duration) {
    unsafe { sys::sleep(duration_ns(d)) }
}

/// Lets other runnable processes run first.
pub fn yield_now() {
    unsafe { sys::yield_() }
}

/// Links the caller and `p` both ways: when either ends abnormally the
/// other ends too, unless it traps exits (`trap_exit`), in which case it
/// gets an [`Exit`](crate::Exit) message. `Err(NoProcess)` if `p` is not
/// alive.
pub fn link<M>(p: Process<M>) -> Result<(), Error> {
    Error::check(unsafe { sys::link(p.pid) })
}

/// Removes a link both ways.
pub fn unlink<M>(p: Process<M>) {
    unsafe { sys::unlink(p.pid) };
}

/// With `on`, exit signals of links arrive as [`Exit`](crate::Exit)
/// messages (see `receive_exit`) instead of ending the caller. Returns the
/// previous setting.
pub fn trap_exit(on: bool) -> bool {
    unsafe { sys::trap_exit(on as i32) != 0 }
}

/// A monitor's reference: the [`Down`](crate::Down) message it brings
/// carries it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MonitorRef(pub u64);

/// Monitors `p`: exactly one [`Down`](crate::Down) message comes when it
/// ends (at once, with reason `NoProc`, if it is not alive).
pub fn monitor<M>(p: Process<M>) -> MonitorRef {
    let mut r = 0u64;
    unsafe { sys::monitor(p.pid, &mut r) };
    MonitorRef(r)
}

/// Stops a monitor; a Down of it already in the mailbox is removed too.
/// `Err(NotFound)` if it was not active (it fired already).
pub fn demonitor(r: MonitorRef) -> Result<(), Error> {
    Error::check(unsafe { sys::demonitor(r.0) })
}

/// Registers `name` (1 to 255 bytes) for the caller until it ends.
/// `Err(Exists)` if the name is taken or the caller has one, `Err(Invalid)`
/// for an empty or too long name.
pub fn register(name: &str) -> Result<(), Error> {
    Error::check(unsafe { sys::register(name.as_ptr(), name.len()) })
}

/// Removes a registered name (any process may). `Err(NotFound)` if none.
pub fn unregister(name: &str) -> Result<(), Error> {
    Error::check(unsafe { sys::unregister(name.as_ptr(), name.len()) })
}

/// The process registered under `name`, typed for messages `M`.
pub fn whereis<M>(name: &str) -> Option<Process<M>> {
    let mut pid = 0;
    let s = unsafe { sys::whereis(name.as_ptr(), name.len(), &mut pid) };
    (s == sys::OK).then(|| Process::from_pid(pid))
}

/// A `send_after` timer's reference, for `cancel_timer`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TimerRef(pub u64);

/// Sends a copy of `message` (made now) to `p` after `delay`, from the
/// caller (dropped if `p` has ended by then).
pub fn send_after<M: Serialize>(p: Process<M>, message: &M, delay: Duration) -> Result<TimerRef, Error> {
    let bytes = encode(message);
    let mut r = 0u64;
    let s = unsafe { sys::send_after(p.pid, tag_of::<M>(), bytes.as_ptr(), bytes.len(), duration_ns(delay), &mut r) };
    Error::check(s).map(|()| TimerRef(r))
}

/// Cancels a timer: its message is never delivered. `Err(NotFound)` if it
/// fired already.
pub fn cancel_timer(r: TimerRef) -> Result<(), Error> {
    Error::check(unsafe { sys::cancel_timer(r.0) })
}

/// A duration in nanoseconds, saturated to the ABI's i64.
pub(crate) fn duration_ns(d: Duration) -> i64 {
    i64::try_from(d.as_nanos()).unwrap_or(i64::MAX)
}

/// An entry is not `main`: what it printed must be flushed before it ends.
pub(crate) fn flush_stdio() {
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
}

// ---- nodes (docs/distribution.md; lvm run --name NAME@HOST) ----

fn name_from(get: impl Fn(*mut u8, usize) -> i32) -> Option<String> {
    let mut buf = [0u8; 256];
    let n = get(buf.as_mut_ptr(), buf.len());
    if n <= 0 {
        return None;
    }
    Some(String::from_utf8_lossy(&buf[..(n as usize).min(buf.len())]).into_owned())
}

/// This node's name (NAME@HOST), or `None` when the VM is not distributed.
pub fn node_self() -> Option<String> {
    name_from(|b, c| unsafe { sys::node_self(b, c) })
}

/// The name of the node `p` lives on (`nonode@nohost` for a local process
/// of a VM that is not distributed); `None` for an unknown pid.
pub fn node_of<M>(p: Process<M>) -> Option<String> {
    name_from(|b, c| unsafe { sys::pid_node(p.pid(), b, c) })
}

/// The process registered under `name` on `node` (an lvm or an Erlang
/// node; "" is this one), typed for messages `M`: `Err(NotFound)`,
/// `Err(NoNode)` or `Err(TimedOut)`.
pub fn whereis_on<M>(node: &str, name: &str) -> Result<Process<M>, Error> {
    let mut pid = 0;
    Error::check(unsafe { sys::whereis_remote(node.as_ptr(), node.len(), name.as_ptr(), name.len(), &mut pid) })?;
    Ok(Process::from_pid(pid))
}

/// Sends `value` with `tag` to the process registered as `name` on `node`
/// (`{Name, Node} ! Msg`; dropped if there is none there).
pub fn send_named<T: Serialize + ?Sized>(node: &str, name: &str, tag: i64, value: &T) -> Result<(), Error> {
    let bytes = encode(value);
    Error::check(unsafe {
        sys::send_named(node.as_ptr(), node.len(), name.as_ptr(), name.len(), tag, bytes.as_ptr(), bytes.len())
    })
}

/// Node-up / node-down messages (`sys::TAG_NODEUP`, `sys::TAG_NODEDOWN`,
/// the node's name as bytes) about `node` while `on`.
pub fn monitor_node(node: &str, on: bool) -> Result<(), Error> {
    Error::check(unsafe { sys::monitor_node(node.as_ptr(), node.len(), on as i32) })
}
