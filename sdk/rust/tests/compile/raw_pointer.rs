// A raw pointer holds an address in the sender's memory. Refused, naming its type.
// expect-error: the trait `serde::ser::Serialize` is not implemented for `*const i32`
fn main() {
    let x = 5;
    let p: *const i32 = &x;
    let _child: lvm::Process<()> = lvm::spawn!(|p| println!("{:?}", p)).unwrap();
}
