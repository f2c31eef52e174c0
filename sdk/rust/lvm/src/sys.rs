//! The raw `lvm` host ABI (docs/abi.md, sdk/c/lvm.h): every import of the
//! module `lvm`, as declared there. Only integers and (pointer, length)
//! pairs into this process's memory; a bad pointer traps the caller. The
//! rest of the crate is the safe layer over these; use them directly only
//! for what it does not wrap (`spawn_module`, say).
#![allow(missing_docs)]

/// A process id: unique for the life of the VM, never 0.
pub type Pid = u64;

pub const OK: i32 = 0;
pub const ENOPROC: i32 = 1;
pub const ETIMEDOUT: i32 = 2;
pub const ENOENTRY: i32 = 3;
pub const ELIMIT: i32 = 4;
pub const EBADMODULE: i32 = 5;
pub const ENOMSG: i32 = 6;
pub const EINVAL: i32 = 7;
pub const EEXIST: i32 = 8;
pub const ENOTFOUND: i32 = 9;
pub const EPERM: i32 = 10;
pub const ENONODE: i32 = 11;
pub const ETOOBIG: i32 = 12;

/// Tag of the message a linked process's end sends to a process trapping exits.
pub const TAG_EXIT: i64 = i64::MIN + 1;
/// Tag of the message a monitored process's end sends.
pub const TAG_DOWN: i64 = i64::MIN + 2;
/// Guests cannot send tags up to this one.
pub const TAG_RESERVED_MAX: i64 = i64::MIN + 255;

pub const EXIT_NORMAL: i32 = 0;
pub const EXIT_CODE: i32 = 1;
pub const EXIT_TRAP: i32 = 2;
pub const EXIT_KILLED: i32 = 3;
pub const EXIT_NOPROC: i32 = 4;
pub const EXIT_NOCONNECTION: i32 = 5;

/// Tag of a node-up message (`monitor_node`; the payload is the node's name).
pub const TAG_NODEUP: i64 = i64::MIN + 4;
/// Tag of a node-down message.
pub const TAG_NODEDOWN: i64 = i64::MIN + 5;

pub const SPAWN_LINK: u32 = 1;
pub const SPAWN_MONITOR: u32 = 2;
pub const SPAWN_NO_SPAWN: u32 = 4;

/// `receive` timeouts in nanoseconds.
pub const INFINITY: i64 = -1;
pub const NOWAIT: i64 = 0;

/// What `receive` writes about the message it took (`lvm_msg_info`).
#[repr(C)]
#[derive(Default, Clone, Copy, Debug)]
pub struct MsgInfo {
    pub tag: i64,
    pub sender: Pid,
    pub size: u32,
    pub copied: u32,
}

/// `spawn_opt`'s options (`lvm_spawn_opts`).
#[repr(C)]
#[derive(Default, Clone, Copy, Debug)]
pub struct SpawnOpts {
    pub flags: u32,
    pub max_memory_pages: u32,
    pub max_reductions: u64,
    pub monitor_ref: u64,
}

#[link(wasm_import_module = "lvm")]
extern "C" {
    #[link_name = "self"]
    pub fn self_() -> Pid;
    pub fn spawn(entry: u32, args: *const u8, len: usize, pid: *mut Pid) -> i32;
    pub fn spawn_export(name: *const u8, name_len: usize, args: *const u8, len: usize, pid: *mut Pid) -> i32;
    pub fn module_compile(bytes: *const u8, len: usize, handle: *mut i32) -> i32;
    pub fn spawn_module(handle: i32, name: *const u8, name_len: usize, args: *const u8, len: usize, pid: *mut Pid)
        -> i32;
    pub fn spawn_opt(entry: u32, args: *const u8, len: usize, opts: *mut SpawnOpts, pid: *mut Pid) -> i32;
    pub fn args(buf: *mut u8, cap: usize) -> i32;
    pub fn send(to: Pid, tag: i64, data: *const u8, len: usize) -> i32;
    pub fn receive(tags: *const i64, ntags: usize, timeout_ns: i64, buf: *mut u8, cap: usize, info: *mut MsgInfo)
        -> i32;
    pub fn message_read(offset: u32, buf: *mut u8, cap: usize) -> i32;
    pub fn sleep(ns: i64);
    #[link_name = "yield"]
    pub fn yield_();
    pub fn exit(code: i32) -> !;
    pub fn trap(text: *const u8, len: usize) -> !;
    pub fn kill(pid: Pid) -> i32;
    pub fn link(pid: Pid) -> i32;
    pub fn unlink(pid: Pid) -> i32;
    pub fn trap_exit(on: i32) -> i32;
    pub fn monitor(pid: Pid, reference: *mut u64) -> i32;
    pub fn demonitor(reference: u64) -> i32;
    pub fn register(name: *const u8, len: usize) -> i32;
    pub fn unregister(name: *const u8, len: usize) -> i32;
    pub fn whereis(name: *const u8, len: usize, pid: *mut Pid) -> i32;
    pub fn send_after(to: Pid, tag: i64, data: *const u8, len: usize, delay_ns: i64, reference: *mut u64) -> i32;
    pub fn cancel_timer(reference: u64) -> i32;
    // Distribution (docs/distribution.md).
    pub fn node_self(buf: *mut u8, cap: usize) -> i32;
    pub fn pid_node(pid: Pid, buf: *mut u8, cap: usize) -> i32;
    pub fn send_named(node: *const u8, node_len: usize, name: *const u8, name_len: usize, tag: i64, data: *const u8,
                      len: usize) -> i32;
    pub fn monitor_node(node: *const u8, len: usize, on: i32) -> i32;
    pub fn pid_encode(pid: Pid, buf: *mut u8, cap: usize) -> i32;
    pub fn pid_decode(buf: *const u8, len: usize, pid: *mut Pid) -> i32;
    pub fn spawn_remote(node: *const u8, node_len: usize, entry: u32, args: *const u8, len: usize,
                        opts: *mut SpawnOpts, pid: *mut Pid) -> i32;
    pub fn whereis_remote(node: *const u8, node_len: usize, name: *const u8, name_len: usize, pid: *mut Pid) -> i32;
}
