//! Colour maps, framebuffer sizes and pixel formats that the server gets wrong.

use crate::allocation::{SMALL_ALLOCATION, largest_allocation};
use crate::support::{COLOUR_MAP, H, PF, W, assert_fails, connected, one_rect};
use vnc_core::testing::{Chunking, Script, play, play_all};
use vnc_core::{Config, Error, PixelFormat, PixelFormatRequest, ProtocolError, Rect, Step};

#[test]
fn colour_map_in_true_colour() {
    // The header alone is enough.
    let bytes = connected().raw(&[1, 0, 0, 0, 0, 1]);
    assert_fails!(
        Config::default(),
        bytes.bytes(),
        Error::Protocol {
            step: Step::ServerMessage,
            error: ProtocolError::ColourMapInTrueColour,
        }
    );
}

fn colour_map_session() -> (Config, Script) {
    let mut config = Config::default();
    config.pixel_format = PixelFormatRequest::ServerNative;
    let script = Script::new()
        .version("RFB 003.008\n")
        .security_types(&[1])
        .security_result(0)
        .server_init(W, H, &COLOUR_MAP, "colour map");
    (config, script)
}

#[test]
fn colour_map_past_256_entries() {
    let (config, script) = colour_map_session();
    // A full map is fine.
    let run = play_all(
        &config,
        script.clone().colour_map(0, &[[0; 3]; 256]).bytes(),
    );
    assert!(run.error.is_none(), "{:?}", run.error);
    let run = play_all(
        &config,
        script.clone().colour_map(255, &[[0; 3]; 1]).bytes(),
    );
    assert!(run.error.is_none(), "{:?}", run.error);
    for (first, n) in [(0u16, 257u16), (250, 7), (256, 1), (65535, 65535)] {
        // The header alone is enough.
        let bytes = script
            .clone()
            .raw(&[1, 0])
            .raw(&first.to_be_bytes())
            .raw(&n.to_be_bytes());
        assert_fails!(
            config,
            bytes.bytes(),
            Error::Protocol {
                step: Step::ServerMessage,
                error: ProtocolError::ColourMapOutOfRange { first: f, end },
            } if f == first && end == u32::from(first) + u32::from(n)
        );
    }
}

#[test]
fn bad_framebuffer_sizes_in_server_init() {
    let init = |w: u16, h: u16| {
        Script::new()
            .version("RFB 003.008\n")
            .security_types(&[1])
            .security_result(0)
            .server_init(w, h, &PF, "size")
    };
    for (w, h) in [(0, 48), (64, 0), (0, 0)] {
        assert_fails!(
            Config::default(),
            init(w, h).bytes(),
            Error::Protocol {
                step: Step::Initialization,
                error: ProtocolError::InvalidFramebufferSize { width, height },
            } if width == w && height == h
        );
    }
    let (_, largest) = largest_allocation(|| {
        assert_fails!(
            Config::default(),
            init(65535, 65535).bytes(),
            Error::LimitExceeded {
                step: Step::Initialization,
                what: "a framebuffer width",
                value: 65535,
                ..
            }
        )
    });
    assert!(largest < SMALL_ALLOCATION, "allocated {largest} bytes");
}

#[test]
fn bad_framebuffer_sizes_in_desktop_size() {
    let resize = |w: u16, h: u16| one_rect(&Script::pseudo_rect(Rect::new(0, 0, w, h), -223));
    for (w, h) in [(0, 48), (64, 0), (0, 0)] {
        assert_fails!(
            Config::default(),
            &resize(w, h),
            Error::Protocol {
                step: Step::FramebufferUpdate,
                error: ProtocolError::InvalidFramebufferSize { width, height },
            } if width == w && height == h
        );
    }
    let (_, largest) = largest_allocation(|| {
        assert_fails!(
            Config::default(),
            &resize(65535, 65535),
            Error::LimitExceeded {
                step: Step::FramebufferUpdate,
                what: "a framebuffer width",
                value: 65535,
                ..
            }
        )
    });
    assert!(largest < SMALL_ALLOCATION, "allocated {largest} bytes");
}

#[test]
fn invalid_pixel_formats_in_server_init() {
    let bad = [
        PixelFormat {
            bits_per_pixel: 24,
            ..PF
        },
        PixelFormat {
            bits_per_pixel: 0,
            ..PF
        },
        PixelFormat { red_max: 0, ..PF },
        PixelFormat { green_max: 0, ..PF },
        PixelFormat { blue_max: 0, ..PF },
        PixelFormat {
            red_shift: 32,
            ..PF
        },
        PixelFormat {
            blue_shift: 255,
            ..PF
        },
        PixelFormat {
            green_shift: 16,
            ..PixelFormat::RGB565
        },
        PixelFormat {
            red_shift: 8,
            ..PixelFormat::BGR233
        },
        PixelFormat {
            bits_per_pixel: 16,
            ..COLOUR_MAP
        },
    ];
    for pf in bad {
        let bytes = Script::new()
            .version("RFB 003.008\n")
            .security_types(&[1])
            .security_result(0)
            .server_init(W, H, &pf, "bad format");
        // Decoding in the server's own format needs it to be valid.
        let mut config = Config::default();
        config.pixel_format = PixelFormatRequest::ServerNative;
        assert_fails!(
            config,
            bytes.bytes(),
            Error::Protocol {
                step: Step::Initialization,
                error: ProtocolError::InvalidPixelFormat(_),
            }
        );
        // Asking for RGB888 instead: the server's format is never used, so it does not matter,
        // and rectangles arrive in the format we asked for.
        let img = vnc_core::testing::Image::pattern(W, H);
        let update = bytes.clone().update(&[Script::raw_rect(
            &PixelFormat::RGB888,
            &img,
            Rect::new(0, 0, W, H),
        )]);
        for c in Chunking::ALL {
            let run = play(Config::default(), update.bytes(), c);
            assert!(run.error.is_none(), "{pf:?}: {:?}", run.error);
            assert_eq!(run.framebuffer.to_rgba(), img.to_rgba());
        }
    }
}
