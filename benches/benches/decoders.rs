//! Decoder throughput in memory, no socket: `cargo bench -p vnc-benches`.
//!
//! Part 1 encodes a 1024x768 test screen (gradients, noise, flat areas, a checkerboard) with
//! vnc-core's own test encoders, once per encoding and pixel format, and times a session
//! decoding 20 such frames fed in 256 KiB chunks, as a socket would deliver them.
//! Part 2 (when `REC` names a directory of `../shared/perf` recordings, `rec/*.rfb`) replays
//! the recorded Xvnc streams through the session the same way.
//! Figures are Mpixel/s of decoded screen and MB/s of encoded input; median of 5 runs.
//! `BENCH_FILTER=hextile` runs only the matching lines.

use std::time::Instant;

use vnc_core::testing::{
    Image, Script, TightEncoder, TightFilter, ZlibEncoder, ZlibHexEncoder, ZrleEncoder, ZrleTile,
};
use vnc_core::{Config, Event, PixelFormat, PixelFormatRequest, Rect, SecurityType, Session};

const W: u16 = 1024;
const H: u16 = 768;
const FRAMES: usize = 20;
const CHUNK: usize = 256 << 10;

fn screen() -> Image {
    let mut img = Image::pattern(W, H);
    let mut seed = 0x1234_5678u32;
    for y in 0..H {
        for x in 0..W {
            if y < 200 {
                img.set(x, y, [(x / 4) as u8, (y + x / 8) as u8, 200]); // gradient
            } else if (300..400).contains(&y) {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                img.set(
                    x,
                    y,
                    [(seed >> 8) as u8, (seed >> 16) as u8, (seed >> 24) as u8],
                ); // noise
            } else if y > 600 {
                img.set(x, y, [0x33, 0x66, 0x99]); // flat
            }
        }
    }
    img
}

/// Handshake bytes up to and including ServerInit in `pf`.
fn hello(pf: &PixelFormat) -> Vec<u8> {
    Script::new()
        .version("RFB 003.008\n")
        .security_types(&[1])
        .security_result(0)
        .server_init(W, H, pf, "bench")
        .bytes()
        .to_vec()
}

fn config() -> Config {
    let mut config = Config::default();
    config.security_types = vec![SecurityType::None];
    config.pixel_format = PixelFormatRequest::ServerNative;
    config.continuous_updates = false;
    config
}

/// Feeds `stream` after `hello` in chunks; returns (seconds for the stream, pixels decoded).
fn run(hello: &[u8], stream: &[u8]) -> (f64, u64) {
    let mut s = Session::new(config(), Instant::now());
    s.feed(hello).expect("handshake");
    while s.poll_event().is_some() {}
    let start = Instant::now();
    let mut pixels = 0u64;
    for chunk in stream.chunks(CHUNK) {
        s.feed(chunk).expect("decode");
        while let Some(e) = s.poll_event() {
            if let Event::FramebufferUpdated(r) = e {
                pixels += r.area() as u64;
            }
        }
    }
    (start.elapsed().as_secs_f64(), pixels)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn report(name: &str, hello: &[u8], stream: &[u8]) {
    // BENCH_FILTER=text runs only the lines whose name contains it (for profiling one).
    if std::env::var("BENCH_FILTER").is_ok_and(|f| !name.contains(&f)) {
        return;
    }
    let mut times = Vec::new();
    let mut pixels = 0;
    for _ in 0..5 {
        let (t, p) = run(hello, stream);
        times.push(t);
        pixels = p;
    }
    let t = median(times);
    println!(
        "{name:<28} {:>9.1} Mpix/s {:>9.1} MB/s   ({:.1} Mpix, {:.1} MB, {:.3} s)",
        pixels as f64 / t / 1e6,
        stream.len() as f64 / t / 1e6,
        pixels as f64 / 1e6,
        stream.len() as f64 / 1e6,
        t
    );
}

fn synthetic() {
    let img = screen();
    let full = Rect::new(0, 0, W, H);
    let formats = [
        ("rgb888", PixelFormat::RGB888),
        (
            "rgb888-be",
            PixelFormat {
                big_endian: true,
                ..PixelFormat::RGB888
            },
        ),
        ("rgb565", PixelFormat::RGB565),
        ("bgr233", PixelFormat::BGR233),
    ];
    println!(
        "synthetic {W}x{H} screen, {FRAMES} frames, fed in {} KiB chunks:",
        CHUNK >> 10
    );
    for (fname, pf) in formats {
        let h = hello(&pf);
        let q = img.quantized(&pf);
        let raw: Vec<u8> = (0..FRAMES)
            .flat_map(|_| {
                Script::new()
                    .update(&[Script::raw_rect(&pf, &q, full)])
                    .bytes()
                    .to_vec()
            })
            .collect();
        report(&format!("raw {fname}"), &h, &raw);
        if fname == "rgb888" || fname == "rgb565" {
            let hex: Vec<u8> = (0..FRAMES)
                .flat_map(|_| {
                    Script::new()
                        .update(&[Script::hextile_rect(&pf, &q, full)])
                        .bytes()
                        .to_vec()
                })
                .collect();
            report(&format!("hextile {fname}"), &h, &hex);
            let rre_rect = Rect::new(0, 600, W, 168);
            let rre: Vec<u8> = (0..FRAMES * 4)
                .flat_map(|_| {
                    Script::new()
                        .update(&[Script::rre_rect(&pf, &q, rre_rect)])
                        .bytes()
                        .to_vec()
                })
                .collect();
            report(&format!("rre (flat area) {fname}"), &h, &rre);
            for (mname, mode) in [
                ("zrle raw tiles", ZrleTile::Raw),
                ("zrle palette rle", ZrleTile::PaletteRle),
            ] {
                let mut enc = ZrleEncoder::default();
                let z: Vec<u8> = (0..FRAMES)
                    .flat_map(|_| {
                        Script::new()
                            .update(&[enc.rect(&pf, &q, full, mode)])
                            .bytes()
                            .to_vec()
                    })
                    .collect();
                report(&format!("{mname} {fname}"), &h, &z);
            }
            for (tname, filter) in [
                ("tight copy", TightFilter::Copy),
                ("tight gradient", TightFilter::Gradient),
            ] {
                let mut enc = TightEncoder::default();
                let t: Vec<u8> = (0..FRAMES)
                    .flat_map(|_| {
                        Script::new()
                            .update(&[enc.rect(&pf, &q, full, filter, 0, 0)])
                            .bytes()
                            .to_vec()
                    })
                    .collect();
                report(&format!("{tname} {fname}"), &h, &t);
            }
            let mut zlib = ZlibEncoder::default();
            let z: Vec<u8> = (0..FRAMES)
                .flat_map(|_| {
                    Script::new()
                        .update(&[zlib.rect(&pf, &q, full)])
                        .bytes()
                        .to_vec()
                })
                .collect();
            report(&format!("zlib {fname}"), &h, &z);
            let mut zlibhex = ZlibHexEncoder::default();
            let z: Vec<u8> = (0..FRAMES)
                .flat_map(|_| {
                    Script::new()
                        .update(&[zlibhex.rect(&pf, &q, full, 0)])
                        .bytes()
                        .to_vec()
                })
                .collect();
            report(&format!("zlibhex {fname}"), &h, &z);
            let trle = Script::new()
                .update(&[Script::trle_rect(&pf, &q, full, ZrleTile::PaletteRle, true)])
                .bytes()
                .to_vec();
            report(
                &format!("trle palette rle {fname}"),
                &h,
                &trle.repeat(FRAMES),
            );
        }
    }
}

/// Replays `../shared/perf` recordings: `RFBREC1\n`, the ServerInit, then the stream.
fn recorded(dir: &str) {
    println!("recorded streams from {dir}:");
    for enc in ["raw", "hextile", "zrle", "tight", "tight-q6"] {
        let path = format!("{dir}/{enc}.rfb");
        let Ok(data) = std::fs::read(&path) else {
            continue;
        };
        let Some(rest) = data.strip_prefix(b"RFBREC1\n") else {
            continue;
        };
        let name_len = u32::from_be_bytes([rest[20], rest[21], rest[22], rest[23]]) as usize;
        let (init, stream) = rest.split_at(24 + name_len);
        let mut h = Script::new()
            .version("RFB 003.008\n")
            .security_types(&[1])
            .security_result(0)
            .bytes()
            .to_vec();
        h.extend_from_slice(init);
        report(&format!("recorded {enc}"), &h, stream);
    }
    inflate_only(dir, "zrle");
    inflate_only(dir, "tight");
}

/// The floor for ZRLE and Tight: inflating the recording's zlib payloads (the lab's
/// `ENC.zlib`: u8 stream, u8 reset mask, u32 length, data) with the same zlib as the decoder
/// and a window of the decoder's size, and nothing else.
fn inflate_only(dir: &str, enc: &str) {
    let name = format!("recorded {enc} inflate only");
    if std::env::var("BENCH_FILTER").is_ok_and(|f| !name.contains(&f)) {
        return;
    }
    let Ok(data) = std::fs::read(format!("{dir}/{enc}.zlib")) else {
        return;
    };
    let mut times = Vec::new();
    let mut produced = 0u64;
    for _ in 0..5 {
        let start = Instant::now();
        produced = vnc_benches::inflate_side_file(&data);
        times.push(start.elapsed().as_secs_f64());
    }
    let t = median(times);
    println!(
        "{name:<28} {:>9.1} MB/s out {:>7.1} MB/s in   ({:.1} MB -> {:.1} MB, {:.3} s)",
        produced as f64 / t / 1e6,
        data.len() as f64 / t / 1e6,
        data.len() as f64 / 1e6,
        produced as f64 / 1e6,
        t
    );
}

fn main() {
    // `cargo bench` passes --bench; a filter argument is not supported by this plain harness.
    if !std::env::var("BENCH_FILTER").is_ok_and(|f| f.starts_with("recorded")) {
        synthetic();
    }
    if let Ok(dir) = std::env::var("REC") {
        recorded(&dir);
    }
}
