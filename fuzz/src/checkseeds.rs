//! Replays seed files through the session the fuzz targets use and prints how far each gets
//! (updates decoded, the error if any). Usage (from fuzz/): cargo run --bin checkseeds FILE...

use vnc_core::testing::{Chunking, play_with};
fn main() {
    for f in std::env::args().skip(1) {
        let d = std::fs::read(&f).unwrap();
        let run = play_with(vnc_fuzz::session(d[0]), &d[1..], Chunking::Whole);
        let updates = run.events.iter().filter(|e| matches!(e, vnc_core::Event::FramebufferUpdateEnd)).count();
        println!("{f}: updates={updates} error={:?}", run.error.map(|e| e.to_string()));
    }
}
