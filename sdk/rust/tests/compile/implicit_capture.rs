// A listed capture travels; an unlisted one (`limit`) would be a reference
// into the parent's memory. Refused, naming it.
// expect-error: closures can only be coerced to `fn` types if they do not capture any variables
// expect-error: `limit` captured here
fn main() {
    let words = vec!["a".to_string()];
    let limit = 3usize;
    let _child: lvm::Process<()> = lvm::spawn!(|words| {
        println!("{}", words.len().min(limit));
    })
    .unwrap();
}
