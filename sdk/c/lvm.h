/* lvm host ABI v1 for C and C++ guests (wasm32): processes, messages and
 * timers. The reference is docs/abi.md; every function here is an import
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
  LVM_EINVAL = 7,      /* an argument out of range */
};

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

/* Ends process `pid` (reason: killed) at its next scheduling point. LVM_OK
 * or LVM_ENOPROC. */
LVM_IMPORT(kill) int32_t lvm_kill(lvm_pid_t pid);

/* lvm_spawn_raw with a function pointer. */
static inline int32_t lvm_spawn(void (*entry)(void), const void *args, size_t len, lvm_pid_t *pid) {
  return lvm_spawn_raw((uint32_t)(uintptr_t)entry, args, len, pid);
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
