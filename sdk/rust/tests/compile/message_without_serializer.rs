// A message type without a serializer cannot be sent. Refused, naming it.
// expect-error: `Reading: serde::ser::Serialize`
struct Reading {
    celsius: f64,
}
fn main() {
    let me: lvm::Process<Reading> = lvm::self_process();
    let _ = me.send(&Reading { celsius: 21.5 });
}
