//! The PNG that vnccapture writes: streamed row by row from the framebuffer.

use std::io::Write;
use std::path::PathBuf;

use vnc_core::Framebuffer;

use super::{Failure, exit};

pub(super) fn write_png(fb: &Framebuffer, output: &PathBuf) -> Result<(), Failure> {
    let fail = |e: &dyn std::fmt::Display| {
        Failure(
            exit::WRITE,
            format!("cannot write {}: {e}", output.display()),
        )
    };
    if output.as_os_str() == "-" {
        return encode_png(fb, std::io::stdout().lock()).map_err(|e| fail(&e));
    }
    let file = std::fs::File::create(output).map_err(|e| fail(&e))?;
    encode_png(fb, file).map_err(|e| {
        // No half-written picture left behind.
        let _ = std::fs::remove_file(output);
        fail(&e)
    })
}

/// Streams the framebuffer as an RGB PNG, one row at a time: no copy of the whole picture is
/// made, so a capture needs little more memory than the framebuffer itself.
fn encode_png(fb: &Framebuffer, out: impl Write) -> std::io::Result<()> {
    let mut enc = png::Encoder::new(
        std::io::BufWriter::with_capacity(64 << 10, out),
        fb.width().into(),
        fb.height().into(),
    );
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Fast);
    let mut writer = enc.write_header()?;
    let mut stream = writer.stream_writer()?;
    let mut row = vec![0u8; usize::from(fb.width()) * 3];
    for line in fb.data().chunks_exact(fb.stride()) {
        for (rgb, bgra) in row.chunks_exact_mut(3).zip(line.chunks_exact(4)) {
            rgb.copy_from_slice(&[bgra[2], bgra[1], bgra[0]]);
        }
        stream.write_all(&row)?;
    }
    stream.finish()?;
    writer.finish()?;
    Ok(())
}
