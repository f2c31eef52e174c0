//! A supervision tree: `top` supervises `pool`, which supervises a
//! `worker` that panics on every bad job and a `counter` that keeps
//! count of the good ones. The root sends N bad jobs (argv[1], default 2)
//! between good ones: the pool restarts the worker after each panic, at
//! most 2 times in 10 s; beyond that it gives up (exit code 70), top
//! restarts it once, and beyond that top gives up too.
use std::time::Duration;

use serde::{Deserialize, Serialize};

use lvm::supervisor::{supervise, ChildSpec, Strategy, SupervisorSpec};
use lvm::{receive, receive_down, register, spawn_monitor, task, whereis, Down, ExitReason, Process};

#[derive(Serialize, Deserialize)]
struct Job(u32);
#[derive(Serialize, Deserialize)]
enum Count {
    Add,
    Get(Process<u32>),
}

// The process registered as `name`, waiting for it to register: the pool
// starts its children in order but does not wait for one to register
// before starting the next, so with two threads the worker can run before
// the counter has registered.
fn lookup<M>(name: &str) -> Process<M> {
    loop {
        if let Some(p) = whereis::<M>(name) {
            return p;
        }
        lvm::yield_now();
    }
}

fn worker((): ()) {
    register("worker").unwrap();
    println!("worker: started as process {}", lvm::self_process::<()>());
    loop {
        let Job(n) = receive();
        if n == 0 {
            panic!("job 0 is a bad job");
        }
        lookup::<Count>("counter").send(&Count::Add).unwrap();
    }
}

fn counter((): ()) {
    register("counter").unwrap();
    let mut n = 0u32;
    loop {
        match receive::<Count>() {
            Count::Add => n += 1,
            Count::Get(to) => to.send(&n).unwrap(),
        }
    }
}

fn pool((): ()) {
    supervise(SupervisorSpec {
        name: "pool".into(),
        strategy: Strategy::OneForOne,
        max_restarts: 2,
        period: Duration::from_secs(10),
        children: vec![ChildSpec::new("counter", task!(|| counter(()))), ChildSpec::new("worker", task!(|| worker(())))],
        ..Default::default()
    })
}

// The worker of the current generation, once it is not `old` (a worker
// registers when it starts), or the tree's Down if it gave up.
fn next_worker(old: Option<Process<Job>>) -> Result<Process<Job>, Down> {
    loop {
        match whereis::<Job>("worker") {
            Some(w) if Some(w) != old => return Ok(w),
            _ => {}
        }
        if let Some(d) = receive_down(Some(Duration::from_millis(1))) {
            return Err(d);
        }
    }
}

fn main() {
    lvm::init();
    let bad: u32 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(2);
    let (top, _): (Process<()>, _) = spawn_monitor!(|| supervise(SupervisorSpec {
        name: "top".into(),
        max_restarts: 1,
        period: Duration::from_secs(10),
        children: vec![ChildSpec::new("pool", task!(|| pool(())))],
        ..Default::default()
    }))
    .expect("spawn the tree");
    let mut old = None;
    for i in 0..=bad {
        let w = match next_worker(old) {
            Ok(w) => w,
            Err(d) => {
                println!("root: the tree gave up: top {}", d.reason);
                lvm::exit(if let ExitReason::Code(c) = d.reason { c } else { 1 });
            }
        };
        w.send(&Job(i + 1)).unwrap();
        if i < bad {
            w.send(&Job(0)).unwrap();
        }
        old = Some(w);
    }
    let me = lvm::self_process::<u32>();
    loop {
        lookup::<Count>("counter").send(&Count::Get(me)).unwrap();
        let n: u32 = receive();
        if n == bad + 1 {
            println!(
                "supervision_tree: the worker was restarted after {} panics; the counter counted {} good jobs",
                bad, n
            );
            break;
        }
    }
    lvm::kill(top).unwrap();
}
