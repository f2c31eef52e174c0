//! Spawning: a plain function and the values it gets, serialized into the
//! spawn arguments; the `spawn!` macros build on it.
//!
//! How it works: a spawn's argument bytes are the table index of the
//! `fn(C)` (a wasm function pointer is one) and the encoded captures; the
//! child starts in `trampoline::<C>`, an `extern "C" fn()` (the ABI's
//! `[] -> []` entry) that decodes them and calls the function. Both are
//! chosen together here, for the same `C`, so the index always names an
//! `fn(C)` of this module.
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::codec::{decode, encode};
use crate::error::Error;
use crate::process::{flush_stdio, MonitorRef, Process};
use crate::sys;

/// How to spawn: linked or monitored from the start (so the child cannot
/// end unobserved), and limits, which can only narrow the caller's own.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SpawnOptions {
    /// Linked to the caller before it runs (`spawn_link`).
    pub link: bool,
    /// Monitored by the caller before it runs (`spawn_monitor`).
    pub monitor: bool,
    /// The child may not spawn (its spawns fail with `NotPermitted`).
    pub no_spawn: bool,
    /// 64 KiB pages its memory may grow to; 0: the caller's limit.
    pub max_memory_pages: u32,
    /// Fuel: function calls and loop iterations before it traps; 0: the
    /// caller's limit (none if it has none).
    pub max_reductions: u64,
}

/// A spawned process and, with `SpawnOptions::monitor`, its monitor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spawned<M> {
    /// The new process.
    pub process: Process<M>,
    /// Its monitor, when one was asked for.
    pub monitor: Option<MonitorRef>,
}

/// A process to start, maybe again and again (a supervisor's child): an
/// entry function and its captures, encoded once.
#[derive(Clone, Debug)]
pub struct Task {
    entry: u32,
    args: Vec<u8>,
}

impl Task {
    /// A task running `f(captures)`; every start gets its own copy.
    pub fn new<C: Serialize + DeserializeOwned>(captures: C, f: fn(C)) -> Task {
        let mut args = (f as usize as u32).to_le_bytes().to_vec();
        args.extend_from_slice(&encode(&captures));
        Task { entry: trampoline::<C> as extern "C" fn() as usize as u32, args }
    }

    /// Starts a process running the task, typed for messages `M`.
    pub fn start<M>(&self, options: SpawnOptions) -> Result<Spawned<M>, Error> {
        self.start_on("", options)
    }

    /// Starts it on another node (docs/distribution.md; "" is this one):
    /// a fresh instance of this module there (sent once if the node lacks
    /// it). The call waits for the node's answer: `Err(NoNode)`,
    /// `Err(NotPermitted)` (the node refuses remote spawns), `Err(TooBig)`,
    /// `Err(BadModule)`, `Err(TimedOut)`, ...
    pub fn start_on<M>(&self, node: &str, options: SpawnOptions) -> Result<Spawned<M>, Error> {
        crate::panic::install();
        let mut opts = sys::SpawnOpts {
            flags: (if options.link { sys::SPAWN_LINK } else { 0 })
                | (if options.monitor { sys::SPAWN_MONITOR } else { 0 })
                | (if options.no_spawn { sys::SPAWN_NO_SPAWN } else { 0 }),
            max_memory_pages: options.max_memory_pages,
            max_reductions: options.max_reductions,
            monitor_ref: 0,
        };
        let mut pid = 0;
        let s = if node.is_empty() {
            unsafe { sys::spawn_opt(self.entry, self.args.as_ptr(), self.args.len(), &mut opts, &mut pid) }
        } else {
            unsafe {
                sys::spawn_remote(node.as_ptr(), node.len(), self.entry, self.args.as_ptr(), self.args.len(), &mut opts,
                                  &mut pid)
            }
        };
        Error::check(s)?;
        Ok(Spawned {
            process: Process::from_pid(pid),
            monitor: options.monitor.then(|| MonitorRef(opts.monitor_ref)),
        })
    }
}

/// The entry of every spawned process: decodes the function and its
/// captures from the spawn arguments and calls it; when it returns, stdio
/// is flushed and the process ends normally.
extern "C" fn trampoline<C: DeserializeOwned>() {
    crate::panic::install();
    let n = unsafe { sys::args(std::ptr::null_mut(), 0) };
    let mut args = vec![0u8; n.max(0) as usize];
    unsafe { sys::args(args.as_mut_ptr(), args.len()) };
    let captures = if args.len() >= 4 { decode::<C>(&args[4..]) } else { None };
    let captures = match captures {
        Some(c) => c,
        None => {
            let why = format!(
                "lvm: spawn: the arguments ({} bytes) do not decode as the entry's captures {}",
                args.len(),
                std::any::type_name::<C>()
            );
            unsafe { sys::trap(why.as_ptr(), why.len()) }
        }
    };
    let index = u32::from_le_bytes(args[..4].try_into().unwrap());
    // SAFETY: Task::new wrote the index of an `fn(C)` of this module (every
    // process is an instance of the same module, so table indices agree)
    // next to trampoline::<C>; nothing else spawns this entry.
    let f: fn(C) = unsafe { std::mem::transmute::<usize, fn(C)>(index as usize) };
    f(captures);
    flush_stdio();
}

/// Spawns a process running `f(captures)`: `captures` are serialized into
/// the child, which gets its own copy; `f` is a plain function (or a
/// closure that captures nothing), so it cannot reach the parent's memory.
/// `spawn!` writes both from one closure.
pub fn spawn<M, C: Serialize + DeserializeOwned>(captures: C, f: fn(C)) -> Result<Process<M>, Error> {
    Ok(Task::new(captures, f).start(SpawnOptions::default())?.process)
}

/// `spawn`, linked to the caller before the child runs.
pub fn spawn_link<M, C: Serialize + DeserializeOwned>(captures: C, f: fn(C)) -> Result<Process<M>, Error> {
    let options = SpawnOptions { link: true, ..Default::default() };
    Ok(Task::new(captures, f).start(options)?.process)
}

/// `spawn`, monitored by the caller before the child runs: the handle and
/// the monitor, whose `Down` says how the child ended.
pub fn spawn_monitor<M, C: Serialize + DeserializeOwned>(
    captures: C,
    f: fn(C),
) -> Result<(Process<M>, MonitorRef), Error> {
    let options = SpawnOptions { monitor: true, ..Default::default() };
    let s = Task::new(captures, f).start(options)?;
    Ok((s.process, s.monitor.expect("a monitored spawn has a monitor")))
}

/// `spawn` with options: link, monitor, limits.
pub fn spawn_opt<M, C: Serialize + DeserializeOwned>(
    options: SpawnOptions,
    captures: C,
    f: fn(C),
) -> Result<Spawned<M>, Error> {
    Task::new(captures, f).start(options)
}

/// Checks, at compile time, that a variable listed in `spawn!` can travel
/// to another process; used by the macros so that the error points at the
/// variable.
#[doc(hidden)]
pub fn __capture<T: Serialize + DeserializeOwned>(v: T) -> T {
    v
}

/// `spawn!(|a, b| body)`: spawns a process running `body` with its own
/// copies of the variables `a` and `b`, which are moved in (as by a `move`
/// closure) and serialized. The body can use nothing else of the caller's:
/// it becomes a closure that must coerce to a plain `fn`, so any other
/// capture is a compile error naming that variable, and each listed
/// variable must be `Serialize + DeserializeOwned` (a reference, a raw
/// pointer, an `Rc` or a type without a serializer is refused, naming its
/// type). Returns `Result<Process<M>, Error>`, `M` from the context.
#[macro_export]
macro_rules! spawn {
    ($(move)? || $body:expr) => {
        $crate::spawn((), |()| $body)
    };
    ($(move)? | $($v:ident),* $(,)? | $body:expr) => {
        $crate::spawn(($($crate::__capture($v),)*), |($($v,)*)| $body)
    };
}

/// `spawn_link!(|a, b| body)`: `spawn!`, linked to the caller.
#[macro_export]
macro_rules! spawn_link {
    ($(move)? || $body:expr) => {
        $crate::spawn_link((), |()| $body)
    };
    ($(move)? | $($v:ident),* $(,)? | $body:expr) => {
        $crate::spawn_link(($($crate::__capture($v),)*), |($($v,)*)| $body)
    };
}

/// `spawn_monitor!(|a, b| body)`: `spawn!`, monitored by the caller;
/// returns `Result<(Process<M>, MonitorRef), Error>`.
#[macro_export]
macro_rules! spawn_monitor {
    ($(move)? || $body:expr) => {
        $crate::spawn_monitor((), |()| $body)
    };
    ($(move)? | $($v:ident),* $(,)? | $body:expr) => {
        $crate::spawn_monitor(($($crate::__capture($v),)*), |($($v,)*)| $body)
    };
}

/// `spawn_opt!(options, |a, b| body)`: `spawn!` with `SpawnOptions`;
/// returns `Result<Spawned<M>, Error>`.
#[macro_export]
macro_rules! spawn_opt {
    ($options:expr, $(move)? || $body:expr) => {
        $crate::spawn_opt($options, (), |()| $body)
    };
    ($options:expr, $(move)? | $($v:ident),* $(,)? | $body:expr) => {
        $crate::spawn_opt($options, ($($crate::__capture($v),)*), |($($v,)*)| $body)
    };
}

/// `task!(|a, b| body)`: a `Task` (startable again and again, e.g. by a
/// supervisor) with the same rules as `spawn!`.
#[macro_export]
macro_rules! task {
    ($(move)? || $body:expr) => {
        $crate::Task::new((), |()| $body)
    };
    ($(move)? | $($v:ident),* $(,)? | $body:expr) => {
        $crate::Task::new(($($crate::__capture($v),)*), |($($v,)*)| $body)
    };
}

/// Spawns `f(captures)` on another node (see `Task::start_on`).
pub fn spawn_remote<M, C: Serialize + DeserializeOwned>(
    node: &str,
    options: SpawnOptions,
    captures: C,
    f: fn(C),
) -> Result<Spawned<M>, Error> {
    Task::new(captures, f).start_on(node, options)
}
