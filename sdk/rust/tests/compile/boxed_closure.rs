// A boxed closure is code plus captures in the sender's memory. Refused, naming its type.
// expect-error: the trait `serde::ser::Serialize` is not implemented for `dyn Fn()`
fn main() {
    let f: Box<dyn Fn()> = Box::new(|| println!("hi"));
    let _child: lvm::Process<()> = lvm::spawn!(|f| f()).unwrap();
}
