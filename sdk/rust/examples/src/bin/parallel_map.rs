//! A parallel map over a Vec<String>: each element goes to a worker
//! process of its own (its copy travels serialized), the results come back
//! tagged with their index and are put in order; the same as the
//! sequential map.
use lvm::{receive, self_process, Process};

/// Maps `shout` over `items` in one process per item. The body names the
/// function `shout` (a path, not a capture: every process has the same
/// code), and the item travels as a listed capture.
fn pmap(items: &[String]) -> Vec<String> {
    let me: Process<(usize, String)> = self_process();
    for (i, item) in items.iter().enumerate() {
        let item = item.clone();
        let _: Process<()> = lvm::spawn!(|me, i, item| me.send(&(i, shout(item))).unwrap()).expect("spawn");
    }
    let mut out = vec![String::new(); items.len()];
    for _ in 0..items.len() {
        let (i, r) = receive::<(usize, String)>();
        out[i] = r;
    }
    out
}

fn shout(s: String) -> String {
    let vowels = s.chars().filter(|c| "aeiou".contains(*c)).count();
    format!("{}({})", s.to_uppercase(), vowels)
}

fn main() {
    lvm::init();
    let words: Vec<String> = "processes share nothing and talk only by messages so a crash stays where it happened"
        .split(' ')
        .map(String::from)
        .collect();
    let parallel = pmap(&words);
    let sequential: Vec<String> = words.iter().cloned().map(shout).collect();
    println!("parallel_map: {} words in {} processes: {}", words.len(), words.len(), parallel.join(" "));
    println!("parallel_map: same as the sequential map: {}", if parallel == sequential { "yes" } else { "no" });
    if parallel != sequential {
        lvm::exit(1);
    }
}
