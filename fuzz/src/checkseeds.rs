//! Replays seed files through the session the fuzz targets use and prints how far each gets:
//! updates decoded, the rectangles of each encoding, and the error if any. A file under an
//! `updates/` or `split/` directory is read as that target reads its input, any other as
//! `session` does. Usage (from fuzz/): cargo run --bin checkseeds FILE...

use vnc_core::{Encoding, Event};

fn main() {
    for f in std::env::args().skip(1) {
        let d = std::fs::read(&f).unwrap();
        let Some((&sel, rest)) = d.split_first() else {
            println!("{f}: empty");
            continue;
        };
        let (mut s, stream) = if f.contains("updates/") {
            // As the `updates` target: a size byte, then messages after a valid handshake.
            let Some((&size, rest)) = rest.split_first() else {
                println!("{f}: too short");
                continue;
            };
            let (w, h) = (u16::from(size & 0x0F) * 8 + 1, u16::from(size >> 4) * 8 + 1);
            let hs = vnc_fuzz::handshake(sel, w, h);
            (vnc_fuzz::session(sel & 0x3F), [&hs[..], rest].concat())
        } else if f.contains("split/") {
            // As the `split` target: a chunking seed, and the handshake unless bit 4 is set.
            let rest = rest.get(1..).unwrap_or_default();
            let mut stream = vnc_fuzz::handshake(sel, 32, 24);
            if sel & 0x10 != 0 {
                stream.clear();
            }
            stream.extend_from_slice(rest);
            (vnc_fuzz::session(sel), stream)
        } else {
            (vnc_fuzz::session(sel), rest.to_vec())
        };
        let error = s.feed(&stream).err();
        let updates = std::iter::from_fn(|| s.poll_event())
            .filter(|e| matches!(e, Event::FramebufferUpdateEnd))
            .count();
        let rects: Vec<String> = Encoding::ALL
            .iter()
            .filter(|&&e| s.rectangles_read(e) > 0)
            .map(|&e| format!("{e}={}", s.rectangles_read(e)))
            .collect();
        println!(
            "{f}: updates={updates} rects=[{}] error={:?}",
            rects.join(" "),
            error.map(|e| e.to_string())
        );
    }
}
