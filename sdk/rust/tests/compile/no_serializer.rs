// A struct without a serializer cannot travel. Refused, naming it.
// expect-error: the trait `serde::ser::Serialize` is not implemented for `Point`
#[derive(Debug)]
struct Point {
    x: i32,
    y: i32,
}
fn main() {
    let p = Point { x: 1, y: 2 };
    let _child: lvm::Process<()> = lvm::spawn!(|p| println!("{:?} {}", p, p.x + p.y)).unwrap();
}
