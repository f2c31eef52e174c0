// A reference points into the sender's memory. Refused, naming its type.
// expect-error: is not implemented for `&Vec<i32>`
// expect-error: serde::de::Deserialize
fn main() {
    let v: Vec<i32> = vec![1, 2, 3];
    let r = &v;
    let _child: lvm::Process<()> = lvm::spawn!(|r| println!("{:?}", r)).unwrap();
}
