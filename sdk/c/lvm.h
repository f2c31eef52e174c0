/* lvm host ABI v1 for C and C++ guests (wasm32): processes, messages,
 * links, monitors, names and timers. The reference is docs/abi.md; every function here is an import
 * from module "lvm" and takes and returns only integers and (pointer,
 * length) pairs into the caller's linear memory. A pointer or length
 * outside that memory traps the calling process (and only it).
 *
 * Spawned processes are fresh instances of the module: their statics hold
 * their initial values and nothing of the parent's memory reaches them;
 * arguments travel as bytes (lvm_args). An entry function is not main: when
 * it returns, stdio is not flushed (call fflush(stdout), or exit()). */
#ifndef LVM_H
#define LVM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LVM_IMPORT(name) __attribute__((import_module("lvm"), import_name(#name)))

/* A process id: unique for the life of the VM, never 0. */
typedef uint64_t lvm_pid_t;

/* Status codes. */
enum {
  LVM_OK = 0,
  LVM_ENOPROC = 1,     /* no such process, or it has ended */
  LVM_ETIMEDOUT = 2,   /* receive: nothing matched before the timeout */
  LVM_ENOENTRY = 3,    /* spawn: no such function, or not of type void(void) */
  LVM_ELIMIT = 4,      /* spawn: process, memory or address-space limit reached */
  LVM_EBADMODULE = 5,  /* module_compile: not a valid module, or it does not link */
  LVM_ENOMSG = 6,      /* message_read: nothing received yet */
  LVM_EINVAL = 7,      /* an argument out of range (a reserved tag, ...) */
  LVM_EEXIST = 8,      /* register: the name is taken, or the caller has one */
  LVM_ENOTFOUND = 9,   /* no such name, timer or active monitor */
  LVM_EPERM = 10,      /* spawn: this process was spawned without the right to spawn */
  LVM_ENONODE = 11,    /* not a distributed node (lvm run --name), a malformed node name, or unreachable */
  LVM_ETOOBIG = 12,    /* spawn_remote: the module is beyond the other node's --max-remote-module */
};

/* Tags of the messages the VM sends; guests cannot send tags up to
 * LVM_TAG_RESERVED_MAX (LVM_EINVAL). */
#define LVM_TAG_EXIT ((int64_t)(-0x7fffffffffffffffLL))        /* a linked process ended (trap_exit on) */
#define LVM_TAG_DOWN ((int64_t)(-0x7fffffffffffffffLL + 1))    /* a monitored process ended */
#define LVM_TAG_TERM ((int64_t)(-0x7fffffffffffffffLL + 2))    /* an Erlang term that is not {Tag, Binary}: its bytes */
#define LVM_TAG_NODEUP ((int64_t)(-0x7fffffffffffffffLL + 3))  /* a monitored node connected: its name */
#define LVM_TAG_NODEDOWN ((int64_t)(-0x7fffffffffffffffLL + 4)) /* a monitored node's connection was lost: its name */
#define LVM_TAG_RESERVED_MAX ((int64_t)(-0x7fffffffffffffffLL + 254))

/* Why a process ended (lvm_exit_info.kind). */
enum {
  LVM_EXIT_NORMAL = 0,  /* its entry returned, or it exited with code 0 */
  LVM_EXIT_CODE = 1,    /* it exited with a non-zero code (lvm_exit, exit, proc_exit) */
  LVM_EXIT_TRAP = 2,    /* it trapped (the text says why: "integer divide by zero", ...) */
  LVM_EXIT_KILLED = 3,  /* lvm_kill */
  LVM_EXIT_NOPROC = 4,  /* it was not alive when the link or monitor was made */
  LVM_EXIT_NOCONNECTION = 5, /* its node's connection was lost (docs/distribution.md) */
};

/* The payload of an LVM_TAG_EXIT or LVM_TAG_DOWN message: this header, then
 * the reason's text (info.size - sizeof(lvm_exit_info) bytes, no NUL). */
typedef struct lvm_exit_info {
  uint64_t ref;   /* the monitor's reference (DOWN); 0 for EXIT */
  lvm_pid_t pid;  /* the process that ended */
  int32_t kind;   /* LVM_EXIT_* */
  int32_t code;   /* the exit code, for LVM_EXIT_CODE */
} lvm_exit_info;

/* Options of lvm_spawn_opt. Limits are inherited: a child gets its
 * parent's unless these narrow them (they cannot widen them). */
typedef struct lvm_spawn_opts {
  uint32_t flags;             /* LVM_SPAWN_LINK | LVM_SPAWN_MONITOR | LVM_SPAWN_NO_SPAWN */
  uint32_t max_memory_pages;  /* 64 KiB pages memory.grow may reach; 0: the parent's limit */
  uint64_t max_reductions;    /* fuel: calls + loop iterations before it ends; 0: the parent's (if any) */
  uint64_t monitor_ref;       /* out: the monitor's reference, with LVM_SPAWN_MONITOR */
} lvm_spawn_opts;
#define LVM_SPAWN_LINK 1u      /* linked to the caller from the start */
#define LVM_SPAWN_MONITOR 2u   /* monitored by the caller from the start */
#define LVM_SPAWN_NO_SPAWN 4u  /* the child may not spawn (LVM_EPERM) */

/* Timeouts for lvm_receive, in nanoseconds. */
#define LVM_INFINITY ((int64_t)-1)
#define LVM_NOWAIT ((int64_t)0)

/* What lvm_receive writes about the message it took. */
typedef struct lvm_msg_info {
  int64_t tag;
  lvm_pid_t sender;
  uint32_t size;    /* the message's length in bytes */
  uint32_t copied;  /* bytes copied into the buffer: min(size, capacity) */
} lvm_msg_info;

/* The calling process's id. */
LVM_IMPORT(self) lvm_pid_t lvm_self(void);

/* Spawns a process running `entry` (a void(void) function of this module;
 * in C, a function pointer is its table index) with a copy of
 * args[0..len). Writes its pid to *pid. LVM_OK, LVM_ENOENTRY or LVM_ELIMIT. */
LVM_IMPORT(spawn) int32_t lvm_spawn_raw(uint32_t entry, const void *args, size_t len, lvm_pid_t *pid);

/* The same, naming an exported void(void) function. */
LVM_IMPORT(spawn_export) int32_t lvm_spawn_export(const char *name, size_t name_len, const void *args, size_t len,
                                                  lvm_pid_t *pid);

/* Compiles another module from its bytes (linked against the same host
 * functions) and writes a handle for lvm_spawn_module. */
LVM_IMPORT(module_compile) int32_t lvm_module_compile(const void *bytes, size_t len, int32_t *handle);

/* Spawns exported void(void) function `name` of a compiled module. */
LVM_IMPORT(spawn_module) int32_t lvm_spawn_module(int32_t handle, const char *name, size_t name_len,
                                                  const void *args, size_t len, lvm_pid_t *pid);

/* Copies the spawn arguments into buf (at most cap bytes) and returns their
 * full length (0 for the root process). */
LVM_IMPORT(args) int32_t lvm_args(void *buf, size_t cap);

/* Sends a copy of data[0..len) with `tag` to `to`. Never blocks. LVM_OK,
 * or LVM_ENOPROC if `to` is not alive (the message is dropped, as Erlang
 * does; not an error for the sender). */
LVM_IMPORT(send) int32_t lvm_send(lvm_pid_t to, int64_t tag, const void *data, size_t len);

/* Takes the oldest message whose tag is one of tags[0..ntags) (any tag if
 * ntags is 0), waiting up to timeout_ns (LVM_INFINITY: forever, 0: do not
 * wait). Copies min(size, cap) bytes into buf and fills *info. The message
 * stays readable with lvm_message_read until the next receive. LVM_OK or
 * LVM_ETIMEDOUT. */
LVM_IMPORT(receive) int32_t lvm_receive(const int64_t *tags, size_t ntags, int64_t timeout_ns, void *buf, size_t cap,
                                        lvm_msg_info *info);

/* Copies bytes [offset, offset + cap) of the last received message into
 * buf; returns how many, or -LVM_ENOMSG. */
LVM_IMPORT(message_read) int32_t lvm_message_read(uint32_t offset, void *buf, size_t cap);

/* Suspends the calling process for at least ns nanoseconds. */
LVM_IMPORT(sleep) void lvm_sleep(int64_t ns);

/* Lets other processes run. */
LVM_IMPORT(yield) void lvm_yield(void);

/* Ends the calling process with an exit code (for the root process, the
 * VM's exit code). */
LVM_IMPORT(exit) __attribute__((noreturn)) void lvm_exit(int32_t code);

/* Ends the calling process with a trap whose reason is text[0..len) (at
 * most 4096 bytes kept): links and monitors see LVM_EXIT_TRAP with that
 * text, and `lvm run` reports it. The Rust SDK ends a panicking process
 * with it. It does not return. */
LVM_IMPORT(trap) __attribute__((noreturn)) void lvm_trap(const char *text, size_t len);

/* Ends process `pid` (reason: killed) at its next scheduling point. LVM_OK
 * or LVM_ENOPROC. */
LVM_IMPORT(kill) int32_t lvm_kill(lvm_pid_t pid);

/* lvm_spawn_raw with options: linked and/or monitored atomically (the
 * child cannot end unobserved), and limits. LVM_OK, LVM_ENOENTRY,
 * LVM_ELIMIT, LVM_EPERM or LVM_EINVAL (unknown flags). */
LVM_IMPORT(spawn_opt) int32_t lvm_spawn_opt_raw(uint32_t entry, const void *args, size_t len, lvm_spawn_opts *opts,
                                                lvm_pid_t *pid);

/* Links the caller and pid both ways: when either ends abnormally the other
 * ends with the same reason, or, if it traps exits, gets an LVM_TAG_EXIT
 * message. LVM_OK, or LVM_ENOPROC if pid is not alive (then a trapping
 * caller gets an EXIT message of kind LVM_EXIT_NOPROC). */
LVM_IMPORT(link) int32_t lvm_link(lvm_pid_t pid);

/* Removes a link both ways; no exit signal of it arrives afterwards (an
 * EXIT sent before may already be in the mailbox). LVM_OK. */
LVM_IMPORT(unlink) int32_t lvm_unlink(lvm_pid_t pid);

/* Monitors pid: exactly one LVM_TAG_DOWN message comes when it ends (at
 * once, kind LVM_EXIT_NOPROC, if it is not alive). Writes the reference.
 * LVM_OK. */
LVM_IMPORT(monitor) int32_t lvm_monitor(lvm_pid_t pid, uint64_t *ref);

/* Stops a monitor and removes its DOWN message if it was delivered already.
 * LVM_OK, or LVM_ENOTFOUND if it was not active. */
LVM_IMPORT(demonitor) int32_t lvm_demonitor(uint64_t ref);

/* on != 0: exit signals from links arrive as LVM_TAG_EXIT messages instead
 * of ending the caller (lvm_kill still ends it). Returns the previous
 * setting. */
LVM_IMPORT(trap_exit) int32_t lvm_trap_exit(int32_t on);

/* Registers name[0..len) (1 to 255 bytes) for the caller; the name goes
 * when the process ends. LVM_OK, LVM_EEXIST (taken, or the caller has a
 * name) or LVM_EINVAL. */
LVM_IMPORT(register) int32_t lvm_register(const char *name, size_t len);

/* Removes a registered name. LVM_OK or LVM_ENOTFOUND. */
LVM_IMPORT(unregister) int32_t lvm_unregister(const char *name, size_t len);

/* Writes the pid registered under name to *pid. LVM_OK or LVM_ENOTFOUND. */
LVM_IMPORT(whereis) int32_t lvm_whereis(const char *name, size_t len, lvm_pid_t *pid);

/* ---- Distribution (docs/distribution.md): lvm run --name NAME@HOST ----
 * Pids of processes on other nodes work with lvm_send, lvm_link,
 * lvm_monitor and lvm_kill like local ones. */

/* Writes this node's name (NAME@HOST) and returns its length; 0 when the
 * VM is not a distributed node. */
LVM_IMPORT(node_self) int32_t lvm_node_self(char *buf, size_t cap);
/* Writes the name of the node pid lives on and returns its length
 * ("nonode@nohost" for local pids without --name), or -LVM_ENOPROC. */
LVM_IMPORT(pid_node) int32_t lvm_pid_node(lvm_pid_t pid, char *buf, size_t cap);
/* Sends to the process registered as name on node (Erlang's
 * {Name, Node} ! Msg); node_len 0: this node. LVM_OK (a remote send is
 * asynchronous: it may be dropped), LVM_ENOTFOUND (no such local name),
 * LVM_ENONODE or LVM_EINVAL (a reserved tag, an empty or long name). */
LVM_IMPORT(send_named) int32_t lvm_send_named(const char *node, size_t node_len, const char *name, size_t name_len,
                                              int64_t tag, const void *data, size_t len);
/* With on != 0, the caller gets an LVM_TAG_NODEUP message whenever node
 * connects (at once if it is connected) and LVM_TAG_NODEDOWN whenever its
 * connection is lost or cannot be made (the payload is the node's name);
 * on == 0 stops them. Connects if need be. LVM_OK or LVM_ENONODE. */
LVM_IMPORT(monitor_node) int32_t lvm_monitor_node(const char *node, size_t len, int32_t on);
/* A pid as portable bytes (Erlang's external term format, 25 bytes or
 * more): put them in a message, and lvm_pid_decode on any node gives the
 * same process back. Returns the full length (copies at most cap bytes). */
LVM_IMPORT(pid_encode) int32_t lvm_pid_encode(lvm_pid_t pid, void *buf, size_t cap);
/* The pid such bytes name (written at pid_out). LVM_OK or LVM_EINVAL. */
LVM_IMPORT(pid_decode) int32_t lvm_pid_decode(const void *buf, size_t len, lvm_pid_t *pid_out);
/* lvm_spawn_opt_raw on another node: `entry` of this module runs there in
 * a fresh instance (the module is sent once, by its SHA-256, if the node
 * lacks it). opts may be NULL; LVM_SPAWN_LINK / LVM_SPAWN_MONITOR are
 * atomic as for a local spawn (opts->monitor_ref gets the reference). The
 * caller waits for the node's answer (at most 30 s). node_len 0 or this
 * node: a local spawn. LVM_OK; LVM_ENONODE (not distributed, a malformed
 * name, unreachable, or the connection was lost); LVM_EPERM (the node runs
 * with --no-remote-spawn, or the caller may not spawn); LVM_ETOOBIG (the
 * module is beyond the node's --max-remote-module); LVM_EBADMODULE (the
 * node could not load it); LVM_ENOENTRY; LVM_ELIMIT; LVM_ETIMEDOUT;
 * LVM_EINVAL (unknown flags). */
LVM_IMPORT(spawn_remote) int32_t lvm_spawn_remote_raw(const char *node, size_t node_len, uint32_t entry,
                                                      const void *args, size_t len, lvm_spawn_opts *opts,
                                                      lvm_pid_t *pid);
/* The pid registered as name on node (lvm or Erlang nodes: an rpc of
 * erlang:whereis/1), written at pid_out; node_len 0 or this node: as
 * lvm_whereis. The caller waits for the answer (at most 30 s). LVM_OK,
 * LVM_ENOTFOUND, LVM_ENONODE, LVM_ETIMEDOUT or LVM_EINVAL. */
LVM_IMPORT(whereis_remote) int32_t lvm_whereis_remote(const char *node, size_t node_len, const char *name,
                                                      size_t name_len, lvm_pid_t *pid_out);

/* Sends a copy of data[0..len) with tag to `to` after delay_ns (the
 * message is dropped if `to` is not alive then). Writes the timer's
 * reference. LVM_OK or LVM_EINVAL (negative delay, reserved tag). */
LVM_IMPORT(send_after) int32_t lvm_send_after(lvm_pid_t to, int64_t tag, const void *data, size_t len,
                                              int64_t delay_ns, uint64_t *ref);

/* Cancels a timer of lvm_send_after. LVM_OK, or LVM_ENOTFOUND if it fired
 * already (or is unknown). */
LVM_IMPORT(cancel_timer) int32_t lvm_cancel_timer(uint64_t ref);

/* lvm_spawn_raw with a function pointer. */
static inline int32_t lvm_spawn(void (*entry)(void), const void *args, size_t len, lvm_pid_t *pid) {
  return lvm_spawn_raw((uint32_t)(uintptr_t)entry, args, len, pid);
}

/* lvm_spawn_opt_raw with a function pointer. */
static inline int32_t lvm_spawn_opt(void (*entry)(void), const void *args, size_t len, lvm_spawn_opts *opts,
                                    lvm_pid_t *pid) {
  return lvm_spawn_opt_raw((uint32_t)(uintptr_t)entry, args, len, opts, pid);
}

/* lvm_spawn_remote_raw with a function pointer and a NUL-terminated node name. */
static inline int32_t lvm_spawn_remote(const char *node, void (*entry)(void), const void *args, size_t len,
                                       lvm_spawn_opts *opts, lvm_pid_t *pid) {
  return lvm_spawn_remote_raw(node, __builtin_strlen(node), (uint32_t)(uintptr_t)entry, args, len, opts, pid);
}

/* lvm_receive of any message. */
static inline int32_t lvm_receive_any(int64_t timeout_ns, void *buf, size_t cap, lvm_msg_info *info) {
  return lvm_receive(0, 0, timeout_ns, buf, cap, info);
}

#undef LVM_IMPORT

#ifdef __cplusplus
}
#endif

#endif /* LVM_H */
