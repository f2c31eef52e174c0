// An Rc is shared ownership of the sender's heap. Refused, naming its type.
// expect-error: the trait `serde::ser::Serialize` is not implemented for `Rc<String>`
use std::rc::Rc;
fn main() {
    let shared = Rc::new(String::from("x"));
    let _child: lvm::Process<()> = lvm::spawn!(|shared| println!("{}", shared)).unwrap();
}
