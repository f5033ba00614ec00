//! Shared set-up for the fuzz targets: configurations chosen by a byte, and the handshake that
//! puts a session in its message phase.

use vnc_core::testing::Script;
use vnc_core::{
    AudioFormat, AudioSpec, Config, Credential, PixelFormat, PixelFormatRequest, SecurityType,
    Session, Threading,
};

/// Pixel formats the update fuzzer decodes in.
pub const FORMATS: [PixelFormat; 6] = [
    PixelFormat::RGB888,
    PixelFormat {
        big_endian: true,
        ..PixelFormat::RGB888
    },
    PixelFormat {
        depth: 32,
        ..PixelFormat::RGB888
    },
    PixelFormat::RGB565,
    PixelFormat::BGR233,
    PixelFormat {
        true_colour: false,
        ..PixelFormat::BGR233
    },
];

/// A configuration with small limits (so that limit paths are reachable) and no TLS types
/// (TLS would make the client's output random; the key exchanges of ARD and MS-Logon II are
/// made deterministic by [`session`]'s fixed random source).
pub fn config(selector: u8) -> Config {
    let pf = FORMATS[usize::from(selector) % FORMATS.len()];
    let mut config = Config::default();
    config.security_types = if selector & 0x80 != 0 {
        vec![
            SecurityType::VncAuth,
            SecurityType::Plain,
            SecurityType::Ard,
            SecurityType::MsLogonII,
            SecurityType::None,
        ]
    } else {
        vec![SecurityType::None, SecurityType::VncAuth]
    };
    config.pixel_format = if selector & 0x40 != 0 {
        PixelFormatRequest::ServerNative
    } else {
        PixelFormatRequest::Exact(if pf.true_colour {
            pf
        } else {
            PixelFormat::RGB888
        })
    };
    config.continuous_updates = selector & 0x20 != 0;
    let limits = &mut config.limits;
    limits.max_width = 512;
    limits.max_height = 512;
    limits.max_framebuffer_bytes = 512 * 512 * 4;
    limits.max_cut_text = 256;
    limits.max_name = 256;
    limits.max_reason = 256;
    limits.max_cursor_size = 64;
    limits.max_rects_per_update = 300;
    limits.max_audio_data = 256;
    config
}

/// Half the inputs hand every ZRLE rectangle that arrived whole to the helper thread, the
/// others inflate inline.
pub fn threading(selector: u8) -> Threading {
    if selector & 0x08 != 0 {
        Threading::InflateThread { min_input: 0 }
    } else {
        Threading::SingleThreaded
    }
}

/// The audio format sessions with [`AUDIO`] in their selector ask for.
pub const AUDIO_SPEC: AudioSpec = AudioSpec {
    format: AudioFormat::S16,
    channels: 2,
    frequency: 44100,
};

/// Selector bit: the session asks for QEMU audio, so that audio messages become events.
pub const AUDIO: u8 = 0x04;

/// A new session with credentials, so that authentication paths go on, random bytes that
/// are the same in every run (so that the split target can compare outputs), and for some
/// selectors a wish for audio.
pub fn session(selector: u8) -> Session {
    let now = std::time::Instant::now();
    let mut s = Session::with_threading(config(selector), threading(selector), now);
    s.set_random_source(|buf| buf.fill(0x5a));
    s.set_credential(Credential::Username, "user");
    s.set_credential(Credential::Password, "password");
    if selector & AUDIO != 0 {
        s.enable_audio(AUDIO_SPEC);
    }
    s
}

/// Version 3.8 and SASL (type 20) offered alone: what the `sasl` target puts before its
/// input.
pub const SASL_OFFER: &[u8] = b"RFB 003.008\n\x01\x14";

/// A session that accepts only SASL, with a user name and password for the mechanism's
/// prompts and small limits.
pub fn sasl_session() -> Session {
    let mut config = config(0);
    config.security_types = vec![SecurityType::Sasl];
    config.limits.max_sasl_data = 4096;
    let mut s = Session::new(config, std::time::Instant::now());
    s.set_credential(Credential::Username, "user");
    s.set_credential(Credential::Password, "password");
    s
}

/// Version, security None and ServerInit of a `w` x `h` desktop in the format `selector`
/// picks (native, so colour-map mode is reached too).
pub fn handshake(selector: u8, w: u16, h: u16) -> Vec<u8> {
    let pf = FORMATS[usize::from(selector) % FORMATS.len()];
    Script::new()
        .version("RFB 003.008\n")
        .security_types(&[1])
        .security_result(0)
        .server_init(w, h, &pf, "fuzz")
        .bytes()
        .to_vec()
}
