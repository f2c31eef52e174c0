//! Ping-pong: two processes pass a counter back and forth N times (argv[1],
//! default 10000) with typed messages; each message names its sender's
//! handle, so the ponger needs no other state.
use serde::{Deserialize, Serialize};

use lvm::{receive, self_process, spawn, Process};

#[derive(Serialize, Deserialize)]
struct Ping {
    n: u32,
    from: Process<Pong>,
}
#[derive(Serialize, Deserialize)]
struct Pong(u32);

fn ponger((): ()) {
    loop {
        let Ping { n, from } = receive::<Ping>();
        from.send(&Pong(n + 1)).unwrap();
        if n == u32::MAX {
            return;
        }
    }
}

fn main() {
    lvm::init();
    let rounds: u32 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let pong: Process<Ping> = spawn((), ponger).expect("spawn");
    let me = self_process::<Pong>();
    let t = std::time::Instant::now();
    let mut n = 0;
    for _ in 0..rounds {
        pong.send(&Ping { n, from: me }).unwrap();
        n = receive::<Pong>().0;
    }
    pong.send(&Ping { n: u32::MAX, from: me }).unwrap();
    println!("pingpong: {} round trips, the counter is {}", rounds, n);
    println!("pingpong: {} ns per round trip", t.elapsed().as_nanos() / u128::from(rounds.max(1)));
}
