// Everything the refusals' neighbours do, done right: listed captures of
// serializable types (nested, a struct with a derived serializer, a
// handle), typed messages. It must compile without a warning.
// expect: compiles
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Debug)]
struct Point {
    x: i32,
    y: i32,
}

fn child((p, limit): (Point, usize)) {
    println!("{:?} {}", p, limit);
}

fn main() {
    let p = Point { x: 1, y: 2 };
    let words: Vec<(String, Option<u64>)> = vec![("a".to_string(), Some(1))];
    let parent: lvm::Process<Point> = lvm::self_process();
    let limit = 3usize;
    let _a: lvm::Process<()> = lvm::spawn!(|p, words, parent, limit| {
        println!("{:?} {:?} {}", p, words, limit);
        parent.send(&Point { x: 3, y: 4 }).unwrap();
    })
    .unwrap();
    let _b: lvm::Process<()> = lvm::spawn((Point { x: 5, y: 6 }, 7), child).unwrap();
    let got: Point = lvm::receive();
    println!("{:?}", got);
}
