//! ClientInit and ServerInit (RFC 6143 §7.3): the shared flag out, the framebuffer size, pixel
//! format and desktop name in. ServerInit ends the handshake: the session answers with its
//! pixel format and encodings, asks for the first update, and starts its message loop.

use crate::config::Limits;
use crate::error::{Error, ProtocolError, Step};
use crate::event::Event;
use crate::messages::client;
use crate::pixel_format::PixelFormat;
use crate::reader::Reader;
use crate::running::Running;
use crate::session::{Context, State};

use super::{Handshake, Next, wait};

/// The last step: ServerInit.
pub(crate) fn advance(cx: &mut Context, r: &mut Reader) -> Result<Next, Error> {
    match parse_server_init(r, &cx.config.limits)? {
        None => wait(Handshake::ServerInit),
        Some(si) => Ok((State::Running(on_server_init(cx, si)?), true)),
    }
}

fn on_server_init(cx: &mut Context, si: ServerInit) -> Result<Running, Error> {
    tracing::debug!(width = si.width, height = si.height, pixel_format = ?si.pixel_format, name = %si.name, "ServerInit");
    cx.fb.resize(si.width, si.height);
    cx.server_pixel_format = si.pixel_format;
    cx.name = si.name.clone();
    // The server's own format matters only if rectangles will come in it.
    let (wanted, native) = cx.config.pixel_format.resolve(si.pixel_format);
    let pf = if native {
        wanted
            .validate()
            .map_err(|e| Error::protocol(Step::Initialization, e))?;
        wanted
    } else {
        let pf = if let Err(e) = wanted.validate() {
            tracing::warn!(pixel_format = ?wanted, error = %e, "the configured pixel format cannot be decoded; using RGB888");
            PixelFormat::RGB888
        } else {
            wanted
        };
        client::set_pixel_format(&mut cx.io.out, &pf);
        pf
    };
    cx.use_pixel_format(pf);
    cx.send_encodings();
    cx.deadline.clear();
    cx.events.push_back(Event::Initialized {
        width: si.width,
        height: si.height,
        name: si.name,
        server_pixel_format: si.pixel_format,
    });
    let mut running = Running::new();
    running.flow.first_request(cx);
    Ok(running)
}

/// What ServerInit says.
pub(crate) struct ServerInit {
    pub(crate) width: u16,
    pub(crate) height: u16,
    pub(crate) pixel_format: PixelFormat,
    pub(crate) name: String,
}

/// Parses ServerInit once all of it has arrived (`Ok(None)` until then).
pub(crate) fn parse_server_init(
    r: &mut Reader,
    limits: &Limits,
) -> Result<Option<ServerInit>, Error> {
    let mut t = *r;
    let (Some(width), Some(height), Some(pf), Some(name_len)) =
        (t.u16(), t.u16(), t.array::<16>(), t.u32())
    else {
        return Ok(None);
    };
    check_size(width, height, limits, Step::Initialization)?;
    // Validated by the session, and only if rectangles will come in it.
    let pixel_format = PixelFormat::from_bytes(&pf);
    if name_len > limits.max_name {
        return Err(Error::LimitExceeded {
            step: Step::Initialization,
            what: "a desktop name length",
            value: name_len.into(),
            limit: limits.max_name.into(),
        });
    }
    let Some(name) = t.take(name_len as usize) else {
        return Ok(None);
    };
    *r = t;
    Ok(Some(ServerInit {
        width,
        height,
        pixel_format,
        name: decode_text(name),
    }))
}

/// Checks a framebuffer size from the server against the limits.
pub(crate) fn check_size(
    width: u16,
    height: u16,
    limits: &Limits,
    step: Step,
) -> Result<(), Error> {
    if width == 0 || height == 0 {
        return Err(Error::protocol(
            step,
            ProtocolError::InvalidFramebufferSize { width, height },
        ));
    }
    let too_big = |what, value: u64, limit: u64| Error::LimitExceeded {
        step,
        what,
        value,
        limit,
    };
    if width > limits.max_width {
        return Err(too_big(
            "a framebuffer width",
            width.into(),
            limits.max_width.into(),
        ));
    }
    if height > limits.max_height {
        return Err(too_big(
            "a framebuffer height",
            height.into(),
            limits.max_height.into(),
        ));
    }
    let bytes = usize::from(width) * usize::from(height) * 4;
    if bytes > limits.max_framebuffer_bytes {
        return Err(too_big(
            "a framebuffer size in bytes",
            bytes as u64,
            limits.max_framebuffer_bytes as u64,
        ));
    }
    Ok(())
}

/// Decodes a name or reason string: UTF-8 where it is valid, else Latin-1. Never fails.
pub(crate) fn decode_text(b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(s) => s.to_owned(),
        Err(_) => latin1(b),
    }
}

/// Decodes Latin-1 (ISO 8859-1), where every byte is the code point of the same value.
pub(crate) fn latin1(b: &[u8]) -> String {
    b.iter().map(|&c| char::from(c)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_decode_as_utf8_or_latin1() {
        assert_eq!(decode_text("bürö".as_bytes()), "bürö");
        assert_eq!(decode_text(&[b'b', 0xFC, b'r']), "bür");
        assert_eq!(decode_text(&[0xFF, 0xFE]), "ÿþ");
    }

    #[test]
    fn sizes() {
        let l = Limits::default();
        assert!(check_size(1, 1, &l, Step::Initialization).is_ok());
        assert!(check_size(16384, 8192, &l, Step::Initialization).is_ok());
        assert!(matches!(
            check_size(0, 10, &l, Step::Initialization),
            Err(Error::Protocol {
                error: ProtocolError::InvalidFramebufferSize { .. },
                ..
            })
        ));
        assert!(matches!(
            check_size(65535, 65535, &l, Step::Initialization),
            Err(Error::LimitExceeded { .. })
        ));
        assert!(matches!(
            check_size(16384, 16384, &l, Step::Initialization),
            Err(Error::LimitExceeded {
                what: "a framebuffer size in bytes",
                ..
            })
        ));
    }
}
