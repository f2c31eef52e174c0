// The seed's program: the closure uses `m` without listing it, so `m`
// would be a reference into the parent's memory. Refused, naming `m`.
// expect-error: closures can only be coerced to `fn` types if they do not capture any variables
// expect-error: `m` captured here
fn main() {
    let m = vec![42];
    let _child: lvm::Process<()> = lvm::spawn!(|| println!("{:?}", m)).unwrap();
}
