//! The cursor pseudo-encodings against real servers: an X application (`xsetroot -xcf`) gives
//! Xvnc's root window an ARGB cursor from an Xcursor file written here, and the engine's
//! cursor must match the file — with its 8-bit alpha through Cursor With Alpha (-314), and as
//! the same opaque picture through the rich Cursor (-239) and X Cursor (-240) when only those
//! are announced. x11vnc reports its pointer's position (-232) when an X client moves it.

use std::time::Duration;

use vnc_core::tokio::{ConnectOptions, Connection};
use vnc_core::{Address, Config, Cursor, Encoding, Event};
use vnc_tests::{TempDir, XServer, XvncOptions, require};

/// The cursor's size and hot spot.
const SIZE: u32 = 16;
const HOT: (u32, u32) = (3, 5);
/// Where the pointer goes: on the root window (the test scene's xterm is top left).
const POINTER: (u16, u16) = (390, 290);

/// An Xcursor file (libXcursor's format: a header, a table of contents, one image chunk of
/// premultiplied ARGB little-endian words) of the straight-RGBA image `rgba`.
fn xcursor_file(rgba: &[[u8; 4]]) -> Vec<u8> {
    let mut f = Vec::new();
    let u32le = |f: &mut Vec<u8>, v: u32| f.extend_from_slice(&v.to_le_bytes());
    const IMAGE: u32 = 0xfffd_0002;
    for v in [0x7275_6358, 16, 0x1_0000, 1] {
        u32le(&mut f, v); // "Xcur", header size, version, one entry
    }
    for v in [IMAGE, SIZE, 28] {
        u32le(&mut f, v); // type, nominal size, position of the chunk
    }
    for v in [36, IMAGE, SIZE, 1, SIZE, SIZE, HOT.0, HOT.1, 0] {
        u32le(&mut f, v); // chunk header, type, size, version, w, h, hot spot, delay
    }
    for &[r, g, b, a] in rgba {
        let pre = |c: u8| (u32::from(c) * u32::from(a) + 127) / 255;
        u32le(
            &mut f,
            (u32::from(a) << 24) | (pre(r) << 16) | (pre(g) << 8) | pre(b),
        );
    }
    f
}

/// Writes the Xcursor file of `rgba` and puts the pointer over the root window (the corner
/// the test scene's xterm leaves free).
fn prepare(s: &XServer, dir: &TempDir, rgba: &[[u8; 4]]) -> std::path::PathBuf {
    require("xsetroot", "x11-xserver-utils");
    require("xdotool", "xdotool");
    let file = dir.path().join("cursor.xcur");
    std::fs::write(&file, xcursor_file(rgba)).unwrap();
    s.run(
        "xdotool",
        &["mousemove", &POINTER.0.to_string(), &POINTER.1.to_string()],
    );
    file
}

/// Connects announcing `encodings`, puts this client's pointer where the server's is, and
/// once the first frame is in, has an X client (`xsetroot -xcf`) give the root window the
/// cursor of `file`; returns the first cursor of that size the server sends.
///
/// (Xvnc draws the cursor into the framebuffer, and sends an empty cursor shape, while its
/// pointer is where another client put it; after this client's own pointer event it sends
/// the shapes of later cursor changes.)
fn cursor_with(s: &XServer, encodings: &[Encoding], file: &std::path::Path) -> Cursor {
    vnc_tests::runtime().block_on(async {
        let address: Address = format!("127.0.0.1::{}", s.port).parse().unwrap();
        let mut config = Config::default();
        config.encodings = encodings.to_vec();
        let mut conn = Connection::connect(&address, config, &ConnectOptions::default())
            .await
            .unwrap();
        let mut set = false;
        tokio::time::timeout(Duration::from_secs(30), async {
            loop {
                match conn.next_event().await.unwrap().unwrap() {
                    Event::Initialized { .. } => {
                        conn.session_mut().pointer_event(POINTER.0, POINTER.1, 0);
                        conn.flush().await.unwrap();
                    }
                    Event::FramebufferUpdateEnd if !set => {
                        set = true;
                        // Another cursor first, so that the file's is a change even when
                        // an earlier connection set it already.
                        s.run("xsetroot", &["-cursor_name", "watch"]);
                        s.run(
                            "xsetroot",
                            &["-xcf", file.to_str().unwrap(), &SIZE.to_string()],
                        );
                    }
                    Event::CursorChanged(c) if u32::from(c.width) == SIZE => return c,
                    _ => {}
                }
            }
        })
        .await
        .unwrap_or_else(|_| panic!("no {SIZE}x{SIZE} cursor for {encodings:?} within 30 s"))
    })
}

fn pixels(c: &Cursor) -> Vec<[u8; 4]> {
    c.rgba
        .chunks_exact(4)
        .map(|p| [p[0], p[1], p[2], p[3]])
        .collect()
}

#[test]
fn xvnc_sends_an_x_clients_alpha_cursor_with_its_alpha() {
    let s = XServer::xvnc(XvncOptions::default());
    let dir = TempDir::new("cursor");
    // Every alpha from 0 to 255 (one per pixel), in four colours.
    let want: Vec<[u8; 4]> = (0..SIZE * SIZE)
        .map(|i| {
            let a = i as u8;
            match i % 4 {
                0 => [255, 0, 0, a],
                1 => [0, 255, 0, a],
                2 => [40, 80, 200, a],
                _ => [255, 255, 255, a],
            }
        })
        .collect();
    let file = prepare(&s, &dir, &want);
    let c = cursor_with(&s, Encoding::DEFAULT, &file);
    assert_eq!((c.hotspot_x, c.hotspot_y), (HOT.0 as u16, HOT.1 as u16));
    let got = pixels(&c);
    let mut worst = 0;
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        assert_eq!(g[3], w[3], "pixel {i}: alpha {g:?} vs {w:?}");
        // Colours went through premultiplication twice (into the file, and onto the wire):
        // compare them premultiplied, where that rounding is at most one step.
        let pre = |c: u8, a: u8| (u32::from(c) * u32::from(a) + 127) / 255;
        let d = (0..3)
            .map(|k| pre(g[k], g[3]).abs_diff(pre(w[k], w[3])))
            .max()
            .unwrap();
        worst = worst.max(d);
        assert!(d <= 1, "pixel {i}: {g:?} vs {w:?}");
        if w[3] == 0 {
            assert_eq!(g, &[0, 0, 0, 0], "pixel {i} fully transparent");
        }
    }
    eprintln!("alpha cursor: alpha exact, colours within {worst}");
}

#[test]
fn xvnc_sends_an_opaque_cursor_as_rich_and_x_cursor_alike() {
    let s = XServer::xvnc(XvncOptions::default());
    let dir = TempDir::new("cursor");
    // Black, white and transparent: what both the bitmask of the rich cursor and the two
    // colours of the X cursor carry exactly. Every row and column keeps opaque pixels, as
    // Xvnc crops a cursor without alpha to its opaque part.
    let want: Vec<[u8; 4]> = (0..SIZE * SIZE)
        .map(|i| {
            let (x, y) = (i % SIZE, i / SIZE);
            if (x + 2 * y) % 7 == 0 {
                [0, 0, 0, 0]
            } else if (x + y) % 3 == 0 {
                [255, 255, 255, 255]
            } else {
                [0, 0, 0, 255]
            }
        })
        .collect();
    let file = prepare(&s, &dir, &want);
    for encodings in [
        [Encoding::Raw, Encoding::Cursor],
        [Encoding::Raw, Encoding::XCursor],
    ] {
        let c = cursor_with(&s, &encodings, &file);
        assert_eq!((c.hotspot_x, c.hotspot_y), (HOT.0 as u16, HOT.1 as u16));
        let got = pixels(&c);
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            if w[3] == 0 {
                assert_eq!(g[3], 0, "{encodings:?} pixel {i}: {g:?}");
            } else {
                assert_eq!(g, w, "{encodings:?} pixel {i}");
            }
        }
    }
}

#[test]
fn x11vnc_reports_where_an_x_client_moved_the_pointer() {
    require("xdotool", "xdotool");
    let s = XServer::x11vnc(None);
    vnc_tests::runtime().block_on(async {
        let address: Address = format!("127.0.0.1::{}", s.port).parse().unwrap();
        let mut conn = Connection::connect(&address, Config::default(), &ConnectOptions::default())
            .await
            .unwrap();
        // Wait for the first frame, so that the server's state for this client is set up.
        tokio::time::timeout(Duration::from_secs(30), async {
            while !matches!(
                conn.next_event().await.unwrap().unwrap(),
                Event::FramebufferUpdateEnd
            ) {}
        })
        .await
        .expect("a first frame");
        // Moves by another X client; each one is reported once x11vnc polls the pointer.
        for (x, y) in [(123u16, 45u16), (300, 250)] {
            s.run("xdotool", &["mousemove", &x.to_string(), &y.to_string()]);
            tokio::time::timeout(Duration::from_secs(30), async {
                loop {
                    if let Event::CursorMoved { x: gx, y: gy } =
                        conn.next_event().await.unwrap().unwrap()
                        && (gx, gy) == (x, y)
                    {
                        return;
                    }
                }
            })
            .await
            .unwrap_or_else(|_| panic!("no CursorMoved to ({x}, {y}) within 30 s"));
        }
    });
}
