//! Seeded garbage: random bytes and mutated valid messages (in every encoding: Tight with its
//! filters, streams, resets and JPEG, Zlib, ZlibHex, TRLE and CoRRE too) never panic and end
//! the same way however the input is split; unmutated random messages are accepted.

use crate::support::{H, PF, W, connected};
use std::time::Instant;
use vnc_core::testing::{
    Chunking, Image, Run, Script, TightEncoder, TightFilter, ZlibEncoder, ZlibHexEncoder,
    ZrleEncoder, ZrleTile, outcome, play, play_with, rect_header,
};
use vnc_core::{Config, Rect, SecurityType, Session, Threading};

/// xorshift64: small, fast and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn byte(&mut self) -> u8 {
        self.next() as u8
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.byte()).collect()
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// A rectangle inside the framebuffer, often empty or on the right or bottom edge.
fn random_rect(rng: &mut Rng, max_w: u16, max_h: u16) -> Rect {
    let mut side = |max: u16, fb: u16| {
        let len = if rng.chance(10) {
            0
        } else {
            rng.range(1, max.into()) as u16
        };
        let pos = if rng.chance(25) {
            fb - len
        } else {
            rng.range(0, (fb - len).into()) as u16
        };
        (pos, len)
    };
    let (x, w) = side(max_w, W);
    let (y, h) = side(max_h, H);
    Rect::new(x, y, w, h)
}

/// The zlib streams of one connection's encoders: they continue from rectangle to rectangle.
#[derive(Default)]
struct Encoders {
    zrle: ZrleEncoder,
    tight: TightEncoder,
    zlib: ZlibEncoder,
    zlibhex: ZlibHexEncoder,
}

const JPEG: &[u8] = include_bytes!("../transcripts/fixtures/tight-24x16.jpg");

/// One valid Tight rectangle of `img`: a fill, the JPEG fixture, or rows filtered in a random
/// stream, sometimes after resetting streams.
fn random_tight(rng: &mut Rng, img: &Image, r: Rect, tight: &mut TightEncoder) -> Vec<u8> {
    match rng.below(6) {
        0 => return TightEncoder::fill(&PF, r, [rng.byte(), rng.byte(), rng.byte()]),
        1 => {
            let x = rng.range(0, (W - 24).into()) as u16;
            let y = rng.range(0, (H - 16).into()) as u16;
            return TightEncoder::jpeg(Rect::new(x, y, 24, 16), JPEG);
        }
        _ => {}
    }
    let colours = {
        let mut c = img.crop(r);
        c.sort_unstable();
        c.dedup();
        c.len()
    };
    let filter = match rng.below(4) {
        0 => TightFilter::Copy,
        1 => TightFilter::ExplicitCopy,
        2 if (2..=256).contains(&colours) => TightFilter::Palette,
        _ => TightFilter::Gradient,
    };
    let stream = rng.below(4) as u8;
    let resets = if rng.chance(25) {
        rng.below(16) as u8
    } else {
        0
    };
    for i in 0..4 {
        if resets & (1 << i) != 0 {
            tight.reset(i);
        }
    }
    tight.rect(&PF, img, r, filter, stream, resets)
}

/// One valid rectangle of `img` (header included) in a random encoding.
fn random_rect_bytes(rng: &mut Rng, img: &Image, enc: &mut Encoders) -> Vec<u8> {
    let r = random_rect(rng, 24, 20);
    let z = &mut enc.zrle;
    match rng.below(20) {
        0 => Script::raw_rect(&PF, img, r),
        1 => {
            let sx = rng.range(0, (W - r.width).into()) as u16;
            let sy = rng.range(0, (H - r.height).into()) as u16;
            Script::copy_rect(r, sx, sy)
        }
        2 => Script::rre_rect(&PF, img, r),
        3 | 4 => Script::hextile_rect(&PF, img, r),
        5 => z.rect(&PF, img, r, ZrleTile::Raw),
        6 => z.rect(&PF, img, r, ZrleTile::PackedPalette),
        7 => z.rect(&PF, img, r, ZrleTile::PlainRle),
        8 => z.rect(&PF, img, r, ZrleTile::PaletteRle),
        9 if rng.range(0, 2) == 0 => {
            // An X Cursor, a Cursor With Alpha, or a Cursor Position anywhere.
            let (w, h) = (rng.range(0, 8) as u16, rng.range(0, 8) as u16);
            let at = Rect::new(rng.range(0, 600) as u16, rng.range(0, 600) as u16, w, h);
            match rng.range(0, 3) {
                0 => {
                    let mut v = rect_header(at, -240);
                    if w * h > 0 {
                        v.extend(rng.bytes(6 + 2 * usize::from(w).div_ceil(8) * usize::from(h)));
                    }
                    v
                }
                1 => {
                    let mut v = rect_header(at, -314);
                    v.extend(0i32.to_be_bytes());
                    v.extend(rng.bytes(usize::from(w) * usize::from(h) * 4));
                    v
                }
                _ => rect_header(at, -232),
            }
        }
        9 => {
            // A small cursor: pixels and mask.
            let (w, h) = (rng.range(0, 8) as u16, rng.range(0, 8) as u16);
            let mut v = rect_header(Rect::new(rng.range(0, 8) as u16, 0, w, h), -239);
            v.extend(rng.bytes(usize::from(w) * usize::from(h) * 4));
            v.extend(rng.bytes(usize::from(w).div_ceil(8) * usize::from(h)));
            v
        }
        10 => {
            let mut v = rect_header(Rect::default(), -307);
            let n = rng.range(0, 12);
            v.extend((n as u32).to_be_bytes());
            v.extend(rng.bytes(n));
            v
        }
        11..=13 => random_tight(rng, img, r, &mut enc.tight),
        14 => enc.zlib.rect(&PF, img, r),
        15 => enc.zlibhex.rect(&PF, img, r, rng.range(0, 40)),
        16 => {
            let modes = [
                ZrleTile::Raw,
                ZrleTile::PackedPalette,
                ZrleTile::PlainRle,
                ZrleTile::PaletteRle,
            ];
            Script::trle_rect(&PF, img, r, modes[rng.below(4)], rng.chance(50))
        }
        17 => Script::corre_rect(&PF, img, r),
        18 if rng.chance(50) => {
            // QEMU LED State: one byte, any bits.
            let mut v = rect_header(Rect::new(0, 0, 1, 1), -261);
            v.push(rng.byte());
            v
        }
        // QEMU's Extended Key Event acknowledgement, with the framebuffer's size as QEMU does.
        18 if rng.chance(50) => Script::pseudo_rect(Rect::new(0, 0, W, H), -258),
        // QEMU Pointer Motion Change: the mode in x, any x, the framebuffer's size.
        18 => Script::pseudo_rect(Rect::new(rng.below(3) as u16, 0, W, H), -257),
        _ => Script::pseudo_rect(Rect::new(0, 0, W, H), -223),
    }
}

/// A few valid messages after initialisation.
fn random_messages(rng: &mut Rng) -> Vec<u8> {
    let img = if rng.chance(50) {
        Image::pattern(W, H)
    } else {
        Image::solid(W, H, [rng.byte(), rng.byte(), rng.byte()])
    };
    let mut enc = Encoders::default();
    let mut s = Script::new();
    for _ in 0..rng.range(1, 3) {
        s = match rng.below(10) {
            0 => s.bell(),
            1 => {
                let n = rng.range(0, 40);
                s.cut_text(&rng.bytes(n))
            }
            2 => {
                let rects: Vec<Vec<u8>> = (0..rng.range(1, 3))
                    .map(|_| random_rect_bytes(rng, &img, &mut enc))
                    .collect();
                // Announce more rectangles than sent, ended by LastRect.
                let mut rects = rects;
                let n = rects.len() as u16 + 5;
                rects.push(Script::pseudo_rect(Rect::default(), -224));
                s.update_with_count(n, &rects)
            }
            _ => {
                let rects: Vec<Vec<u8>> = (0..rng.range(0, 3))
                    .map(|_| random_rect_bytes(rng, &img, &mut enc))
                    .collect();
                s.update(&rects)
            }
        };
    }
    s.bytes().to_vec()
}

fn mutate(rng: &mut Rng, v: &mut Vec<u8>) {
    for _ in 0..rng.range(1, 4) {
        let len = v.len();
        if len == 0 {
            v.extend(rng.bytes(4));
            continue;
        }
        let at = rng.below(len);
        match rng.below(7) {
            // Flip bits.
            0 | 1 => v[at] ^= 1 << rng.below(8),
            // Set a byte to an interesting value.
            2 => v[at] = [0, 1, 0x7F, 0x80, 0xFF][rng.below(5)],
            // Insert random bytes.
            3 => {
                let n = rng.range(1, 8);
                let bytes = rng.bytes(n);
                v.splice(at..at, bytes);
            }
            // Delete a few bytes.
            4 => {
                let n = rng.range(1, 8).min(len - at);
                v.drain(at..at + n);
            }
            // Duplicate a slice.
            5 => {
                let n = rng.range(1, 32).min(len - at);
                let dup = v[at..at + n].to_vec();
                let to = rng.below(v.len() + 1);
                v.splice(to..to, dup);
            }
            // Truncate.
            _ => v.truncate(at),
        }
    }
}

fn garbage_config() -> Config {
    let mut config = Config::default();
    let limits = &mut config.limits;
    limits.max_width = 256;
    limits.max_height = 256;
    limits.max_framebuffer_bytes = 256 * 256 * 4;
    limits.max_cut_text = 32;
    limits.max_name = 64;
    limits.max_reason = 64;
    limits.max_cursor_size = 16;
    limits.max_rects_per_update = 100;
    // TLS handshakes start with random bytes, so the client's output would differ from
    // run to run; VeNCrypt negotiation without TLS (Plain, and None and VncAuth inside
    // VeNCrypt) is still reached.
    config.security_types = vec![
        SecurityType::VncAuth,
        SecurityType::Plain,
        SecurityType::None,
    ];
    config
}

#[test]
fn garbage_never_panics_and_is_split_independent() {
    const STREAMS: u64 = 3000;
    let config = garbage_config();
    let threaded = Threading::InflateThread { min_input: 0 };
    let inline = Threading::SingleThreaded;
    let handshake = connected().bytes().to_vec();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut errors, mut clean) = (0, 0);
    for i in 0..STREAMS {
        let stream = match rng.below(10) {
            // Fully random (sometimes behind a valid version string).
            0 | 1 => {
                let mut v = if rng.chance(50) {
                    b"RFB 003.008\n".to_vec()
                } else {
                    Vec::new()
                };
                let n = rng.range(0, 64);
                v.extend(rng.bytes(n));
                v
            }
            // Random bytes after the handshake.
            2 | 3 => {
                let n = rng.range(0, 256);
                [&handshake[..], &rng.bytes(n)].concat()
            }
            // Valid messages: must be accepted.
            4 => [&handshake[..], &random_messages(&mut rng)].concat(),
            // Mutated messages.
            _ => {
                let mut m = random_messages(&mut rng);
                mutate(&mut rng, &mut m);
                [&handshake[..], &m].concat()
            }
        };
        let chunkings = [
            Chunking::Whole,
            Chunking::OneByte,
            Chunking::Random(i),
            Chunking::Random(rng.next()),
        ];
        // ZRLE inflated on the helper thread (the default here) and inline must agree too.
        let modes = chunkings
            .iter()
            .map(|&c| (c, threaded))
            .chain([(Chunking::Whole, inline), (Chunking::OneByte, inline)]);
        let runs: Vec<(String, Run)> = modes
            .map(|(c, threading)| {
                let name = format!("{c:?}, {threading:?}");
                let session = || Session::with_threading(config.clone(), threading, Instant::now());
                // Name the stream that panicked, so it can be replayed.
                let run = std::panic::catch_unwind(|| play_with(session(), &stream, c))
                    .unwrap_or_else(|_| panic!("stream {i} panicked with {name}: {stream:02x?}"));
                (name, run)
            })
            .collect();
        let whole = &runs[0].1;
        for (c, r) in runs.iter().skip(1) {
            let ctx = || {
                format!(
                    "stream {i} ({} bytes) with {c}: {stream:02x?}",
                    stream.len()
                )
            };
            assert_eq!(outcome(&r.error), outcome(&whole.error), "{}", ctx());
            assert_eq!(r.events, whole.events, "{}", ctx());
            assert_eq!(r.output, whole.output, "{}", ctx());
            // After an error the framebuffer is unspecified: ZRLE draws each tile as soon as
            // its bytes are inflated, so how much of a corrupt rectangle was drawn before the
            // corruption was found depends on the chunking. Completed streams must agree.
            assert!(
                whole.error.is_some() || r.framebuffer.data() == whole.framebuffer.data(),
                "framebuffer differs: {}",
                ctx()
            );
        }
        match &whole.error {
            Some(_) => errors += 1,
            None => clean += 1,
        }
    }
    // The generator must reach both outcomes often, or the test tests little.
    assert!(
        errors > STREAMS / 4 && clean > STREAMS / 8,
        "{errors} errors, {clean} clean"
    );
}

#[test]
fn valid_random_messages_are_accepted() {
    // The garbage generator's unmutated messages are valid: a check on the generator itself.
    let config = garbage_config();
    let handshake = connected().bytes().to_vec();
    let mut rng = Rng(12345);
    for i in 0..200 {
        let stream = [&handshake[..], &random_messages(&mut rng)].concat();
        let run = play(config.clone(), &stream, Chunking::Whole);
        assert!(run.error.is_none(), "stream {i}: {:?}", run.error);
    }
}
