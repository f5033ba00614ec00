//! Client-to-server messages (RFC 6143 §7.5), written into the session's output buffer. Every
//! byte is written explicitly, padding included, so nothing uninitialised ever leaves.

use crate::encoding::Encoding;
use crate::framebuffer::Rect;
use crate::pixel_format::PixelFormat;

pub(crate) fn set_pixel_format(out: &mut Vec<u8>, pf: &PixelFormat) {
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&pf.to_bytes());
}

/// SetEncodings: `encodings`, then the `extra` numbers (pseudo-encodings that are settings
/// rather than [`Encoding`]s, such as the JPEG ones); at most 65535 in all.
pub(crate) fn set_encodings(out: &mut Vec<u8>, encodings: &[Encoding], extra: &[i32]) {
    let numbers: Vec<i32> = encodings
        .iter()
        .map(|e| e.number())
        .chain(extra.iter().copied())
        .take(usize::from(u16::MAX))
        .collect();
    out.extend_from_slice(&[2, 0]);
    out.extend_from_slice(&(numbers.len() as u16).to_be_bytes());
    for n in numbers {
        out.extend_from_slice(&n.to_be_bytes());
    }
}

pub(crate) fn framebuffer_update_request(out: &mut Vec<u8>, incremental: bool, r: Rect) {
    out.extend_from_slice(&[3, incremental as u8]);
    for v in [r.x, r.y, r.width, r.height] {
        out.extend_from_slice(&v.to_be_bytes());
    }
}

/// EnableContinuousUpdates (rfbproto, 150): on (`enable`) for `r`, or off.
pub(crate) fn enable_continuous_updates(out: &mut Vec<u8>, enable: bool, r: Rect) {
    out.extend_from_slice(&[150, enable as u8]);
    for v in [r.x, r.y, r.width, r.height] {
        out.extend_from_slice(&v.to_be_bytes());
    }
}

/// Fence (rfbproto, 248): padding, the flags, the payload's length (at most 64, which the
/// callers keep to) and the payload.
pub(crate) fn fence(out: &mut Vec<u8>, flags: u32, payload: &[u8]) {
    let payload = &payload[..payload.len().min(64)];
    out.extend_from_slice(&[248, 0, 0, 0]);
    out.extend_from_slice(&flags.to_be_bytes());
    out.push(payload.len() as u8);
    out.extend_from_slice(payload);
}

pub(crate) fn key_event(out: &mut Vec<u8>, down: bool, keysym: u32) {
    out.extend_from_slice(&[4, down as u8, 0, 0]);
    out.extend_from_slice(&keysym.to_be_bytes());
}

/// QEMU Extended Key Event (rfbproto QEMU Client Message 255, submessage 0): the keysym and
/// the key's XT scancode in QEMU's numbering.
pub(crate) fn qemu_extended_key_event(out: &mut Vec<u8>, down: bool, keysym: u32, keycode: u32) {
    out.extend_from_slice(&[255, 0, 0, down as u8]);
    out.extend_from_slice(&keysym.to_be_bytes());
    out.extend_from_slice(&keycode.to_be_bytes());
}

/// xvp (rfbproto client message 250): padding, the xvp extension version, the action's code
/// (XVP_SHUTDOWN 2, XVP_REBOOT 3, XVP_RESET 4).
pub(crate) fn xvp(out: &mut Vec<u8>, version: u8, code: u8) {
    out.extend_from_slice(&[250, 0, version, code]);
}

/// A QEMU audio operation (rfbproto QEMU Client Message 255, submessage 1): Enable (0) or
/// Disable (1).
pub(crate) fn qemu_audio(out: &mut Vec<u8>, operation: u16) {
    out.extend_from_slice(&[255, 1]);
    out.extend_from_slice(&operation.to_be_bytes());
}

/// QEMU audio Enable: the server starts capturing the guest's sound for this client.
pub(crate) const AUDIO_ENABLE: u16 = 0;
/// QEMU audio Disable: the server stops.
pub(crate) const AUDIO_DISABLE: u16 = 1;

/// QEMU audio SetFormat (operation 2): the sample format, the channels and the frequency of
/// the stream the next Enable starts.
pub(crate) fn qemu_audio_set_format(out: &mut Vec<u8>, spec: &crate::AudioSpec) {
    out.extend_from_slice(&[255, 1, 0, 2, spec.format.code(), spec.channels]);
    out.extend_from_slice(&spec.frequency.to_be_bytes());
}

pub(crate) fn pointer_event(out: &mut Vec<u8>, buttons: u8, x: u16, y: u16) {
    out.extend_from_slice(&[5, buttons]);
    out.extend_from_slice(&x.to_be_bytes());
    out.extend_from_slice(&y.to_be_bytes());
}

/// SetDesktopSize (rfbproto, 251) with the given screen layout.
pub(crate) fn set_desktop_size(
    out: &mut Vec<u8>,
    width: u16,
    height: u16,
    screens: &[crate::Screen],
) {
    out.extend_from_slice(&[251, 0]);
    out.extend_from_slice(&width.to_be_bytes());
    out.extend_from_slice(&height.to_be_bytes());
    out.extend_from_slice(&[screens.len().min(255) as u8, 0]);
    for s in screens.iter().take(255) {
        out.extend_from_slice(&s.id.to_be_bytes());
        for v in [s.x, s.y, s.width, s.height] {
            out.extend_from_slice(&v.to_be_bytes());
        }
        out.extend_from_slice(&s.flags.to_be_bytes());
    }
}

/// ClientCutText with `text` in Latin-1: characters outside it become `?`, and CR LF line
/// ends become LF, as RFC 6143 §7.5.6 asks. Returns how many characters became `?`.
pub(crate) fn client_cut_text(out: &mut Vec<u8>, text: &str) -> usize {
    let start = out.len();
    out.extend_from_slice(&[6, 0, 0, 0, 0, 0, 0, 0]);
    let mut lost = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            continue;
        }
        out.push(u8::try_from(u32::from(c)).unwrap_or_else(|_| {
            lost += 1;
            b'?'
        }));
    }
    let len = (out.len() - start - 8) as u32;
    out[start + 4..start + 8].copy_from_slice(&len.to_be_bytes());
    lost
}

/// An Extended Clipboard ClientCutText: the header with the payload's size as a negative
/// length. `payload_len` is at most `i32::MAX` (callers bound it far below).
fn extended_cut_text_header(out: &mut Vec<u8>, payload_len: usize) {
    let len = -(payload_len.min(i32::MAX as usize) as i32);
    out.extend_from_slice(&[6, 0, 0, 0]);
    out.extend_from_slice(&len.to_be_bytes());
}

/// Extended Clipboard caps: `flags` (formats and actions), then one maximum size per format
/// bit set, in bit order (`sizes` holds them).
pub(crate) fn clipboard_caps(out: &mut Vec<u8>, formats: u32, actions: u32, sizes: &[u32]) {
    extended_cut_text_header(out, 4 + 4 * sizes.len());
    out.extend_from_slice(&(formats | actions).to_be_bytes());
    for s in sizes {
        out.extend_from_slice(&s.to_be_bytes());
    }
}

/// An Extended Clipboard message that is its flags alone (request, peek, notify).
pub(crate) fn clipboard_flags(out: &mut Vec<u8>, flags: u32) {
    extended_cut_text_header(out, 4);
    out.extend_from_slice(&flags.to_be_bytes());
}

/// An Extended Clipboard provide of one format: its u32 length and `data`, deflated by `z`
/// (freshly reset: one zlib stream per message) to the stream's end.
pub(crate) fn clipboard_provide(
    out: &mut Vec<u8>,
    z: &mut flate2::Compress,
    format: u32,
    data: &[u8],
) {
    let start = out.len();
    extended_cut_text_header(out, 0);
    out.extend_from_slice(
        &(crate::encoding::extended_clipboard::ACTION_PROVIDE | format).to_be_bytes(),
    );
    let len = (data.len() as u32).to_be_bytes();
    let mut input: [&[u8]; 2] = [&len, data];
    for (i, part) in input.iter_mut().enumerate() {
        let flush = if i == 1 {
            flate2::FlushCompress::Finish
        } else {
            flate2::FlushCompress::None
        };
        loop {
            out.reserve(part.len() / 2 + 64);
            let before = z.total_in();
            let status = z.compress_vec(part, out, flush);
            *part = &part[(z.total_in() - before) as usize..];
            match status {
                Ok(flate2::Status::StreamEnd) => break,
                Ok(_) if flush == flate2::FlushCompress::None && part.is_empty() => break,
                Ok(_) => {}
                // Deflating into memory cannot fail; stop rather than loop.
                Err(_) => break,
            }
        }
    }
    let payload = out.len() - start - 8;
    let len = -(payload.min(i32::MAX as usize) as i32);
    out[start + 4..start + 8].copy_from_slice(&len.to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_forms() {
        let mut o = Vec::new();
        framebuffer_update_request(&mut o, true, Rect::new(1, 2, 640, 480));
        assert_eq!(o, [3, 1, 0, 1, 0, 2, 2, 128, 1, 224]);
        o.clear();
        enable_continuous_updates(&mut o, true, Rect::new(0, 0, 1024, 768));
        assert_eq!(o, [150, 1, 0, 0, 0, 0, 4, 0, 3, 0]);
        o.clear();
        fence(&mut o, 0x8000_0004, b"ab");
        assert_eq!(o, [248, 0, 0, 0, 0x80, 0, 0, 4, 2, b'a', b'b']);
        o.clear();
        key_event(&mut o, true, 0xff0d);
        assert_eq!(o, [4, 1, 0, 0, 0, 0, 0xff, 0x0d]);
        o.clear();
        qemu_extended_key_event(&mut o, false, 0xff53, 0xcd);
        assert_eq!(o, [255, 0, 0, 0, 0, 0, 0xff, 0x53, 0, 0, 0, 0xcd]);
        o.clear();
        xvp(&mut o, 1, 3);
        assert_eq!(o, [250, 0, 1, 3]);
        o.clear();
        let spec = crate::AudioSpec {
            format: crate::AudioFormat::U8,
            channels: 1,
            frequency: 8000,
        };
        qemu_audio_set_format(&mut o, &spec);
        qemu_audio(&mut o, AUDIO_ENABLE);
        qemu_audio(&mut o, AUDIO_DISABLE);
        assert_eq!(
            o,
            [
                255, 1, 0, 2, 0, 1, 0, 0, 0x1f, 0x40, 255, 1, 0, 0, 255, 1, 0, 1
            ]
        );
        o.clear();
        pointer_event(&mut o, 0b1000_0001, 300, 2);
        assert_eq!(o, [5, 0x81, 1, 44, 0, 2]);
        o.clear();
        set_encodings(&mut o, &[Encoding::Zrle, Encoding::Cursor], &[]);
        assert_eq!(o, [2, 0, 0, 2, 0, 0, 0, 16, 0xff, 0xff, 0xff, 0x11]);
        o.clear();
        set_pixel_format(&mut o, &PixelFormat::RGB565);
        assert_eq!(
            o,
            [
                0, 0, 0, 0, 16, 16, 0, 1, 0, 31, 0, 63, 0, 31, 11, 5, 0, 0, 0, 0
            ]
        );
    }

    #[test]
    fn cut_text_is_latin1() {
        let mut o = Vec::new();
        client_cut_text(&mut o, "a\u{e9}\u{20ac}\r\nb");
        assert_eq!(o, [6, 0, 0, 0, 0, 0, 0, 5, b'a', 0xe9, b'?', b'\n', b'b']);
    }
}
