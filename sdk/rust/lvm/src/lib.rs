//! The Rust guest SDK of lvm: safe Rust over the `lvm` host ABI
//! (docs/abi.md) for programs built for wasm32-wasi and run by `lvm run`.
//! docs/sdk-rust.md is the guide.
//!
//! Every process is a fresh instance of the module: its statics start from
//! their initial values, and nothing of its parent's memory reaches it.
//! So what a process needs travels serialized (serde, encoded by bincode):
//! spawn captures (`spawn!(|a, b| body)`) and messages. What cannot travel
//! (a reference, a raw pointer, an `Rc`, a type without a serializer, an
//! implicit capture) does not compile.
//!
//! ```ignore
//! let v = vec![42];
//! let _child: lvm::Process<()> = lvm::spawn!(|v| println!("{:?}", v)).unwrap();
//! ```
#![warn(missing_docs)]

mod call;
mod codec;
mod error;
mod panic;
mod process;
mod receive;
mod spawn;
pub mod supervisor;
pub mod sys;

pub use call::{call, unique_tag, Call, Server};
pub use codec::{decode, encode, tag_of};
pub use error::Error;
pub use process::{
    cancel_timer, demonitor, exit, kill, link, monitor, monitor_node, node_of, node_self, register, self_process,
    send_after, send_bytes, send_named, sleep, trap_exit, unlink, unregister, whereis, whereis_on, yield_now,
    MonitorRef, Process, TimerRef,
};
pub use receive::{
    receive, receive_any, receive_down, receive_exit, receive_message, receive_tag, receive_tag_timeout,
    receive_timeout, Down, Envelope, Exit, ExitReason,
};
pub use spawn::{__capture, spawn, spawn_link, spawn_monitor, spawn_opt, spawn_remote, SpawnOptions, Spawned, Task};

/// Installs the crate's panic hook in the root process at once (spawned
/// processes have it from their start; the root gets it from its first
/// call of the crate otherwise): a panic then ends the process with its
/// message as the exit reason.
pub fn init() {
    panic::install();
}
