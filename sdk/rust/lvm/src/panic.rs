//! A panic ends its process (never the VM) with the panic's message as the
//! exit reason, through `lvm.trap`: links and monitors see
//! `ExitReason::Trap("panicked at 'boom', src/main.rs:3:5")` and `lvm run`
//! reports it.
use std::sync::atomic::{AtomicBool, Ordering};

use crate::process::flush_stdio;
use crate::sys;

static INSTALLED: AtomicBool = AtomicBool::new(false);

/// Installs the crate's panic hook in this process, once. Every spawned
/// process has it from its start and the root process from its first call
/// of the crate; `lvm::init()` at the top of `main` sets it at once.
pub fn install() {
    if !INSTALLED.swap(true, Ordering::Relaxed) {
        std::panic::set_hook(Box::new(|info| {
            flush_stdio();
            let text = info.to_string();
            unsafe { sys::trap(text.as_ptr(), text.len()) }
        }));
    }
}
