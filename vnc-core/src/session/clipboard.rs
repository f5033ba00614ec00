//! Clipboard text both ways: plain RFB's Latin-1 ServerCutText and ClientCutText, and the
//! Extended Clipboard (rfbproto, pseudo-encoding 0xC0A1E5CE) with UTF-8 text once the server
//! has sent its caps.
//!
//! What TigerVNC's Xvnc 1.12 does decides the flow (observed in
//! `tests/tests/xvnc_clipboard.rs`): it sends its caps as the first message after a
//! SetEncodings that holds the pseudo-encoding, and the client answers with its own. A change
//! on either side goes out as a notify of the formats held; the other side asks with a
//! request and gets a provide, one zlib stream per message. This client asks for the text at
//! once on a notify, and answers a provide that came without a request too (a peer whose
//! caps lack notify sends provide directly). Text is CR LF and NUL-terminated on the wire,
//! LF in the application's strings.

use std::collections::VecDeque;

use flate2::{Compress, Compression, Decompress, FlushDecompress, Status};

use crate::config::Config;
use crate::encoding::Encoding;
use crate::encoding::extended_clipboard::{
    ACTION_CAPS, ACTION_NOTIFY, ACTION_PEEK, ACTION_PROVIDE, ACTION_REQUEST, FORMAT_TEXT,
};
use crate::error::{Error, ProtocolError, Step};
use crate::event::Event;
use crate::handshake::init::latin1;
use crate::messages::client;
use crate::messages::server::ExtendedClipboard;
use crate::messages::server::extended_clipboard;

use super::Session;

/// The server's Extended Clipboard capabilities.
#[derive(Clone, Copy)]
struct ServerCaps {
    actions: u32,
    /// Largest text the server takes (0: it did not say).
    max_text: u32,
}

/// The clipboard's state for one connection.
#[derive(Default)]
pub(crate) struct Clipboard {
    /// The server's caps, once it sent them while the pseudo-encoding is announced.
    server: Option<ServerCaps>,
    /// The client's clipboard text, kept to answer the server's request.
    local: Option<String>,
    /// Inflates each provide; reset, not rebuilt, per message. Made with the first one (a
    /// deflate stream takes hundreds of KiB, more than a small framebuffer), and freed by
    /// [`Clipboard::release_buffers`].
    inflate: Option<Decompress>,
    /// Deflates each provide; made and freed like `inflate`.
    deflate: Option<Compress>,
    /// The inflated text's bytes, reused.
    scratch: Vec<u8>,
}

fn malformed(what: &'static str) -> Error {
    Error::protocol(
        Step::ServerMessage,
        ProtocolError::MalformedExtendedClipboard(what),
    )
}

impl Clipboard {
    /// Frees the streams and the scratch buffer between messages (each message starts its
    /// streams afresh, so nothing is lost).
    pub(crate) fn release_buffers(&mut self) {
        self.inflate = None;
        self.deflate = None;
        self.scratch = Vec::new();
    }

    /// Whether anything is held: a zlib stream, or the scratch buffer's bytes.
    #[cfg(test)]
    pub(crate) fn holds_anything(&self) -> bool {
        self.inflate.is_some() || self.deflate.is_some() || self.scratch.capacity() > 0
    }

    /// A Latin-1 ServerCutText.
    pub(crate) fn latin1_text(&mut self, events: &mut VecDeque<Event>, text: &[u8]) {
        events.push_back(Event::ServerCutText(latin1(text)));
    }

    /// An Extended Clipboard message (a negative-length ServerCutText's payload).
    pub(crate) fn extended(
        &mut self,
        config: &Config,
        events: &mut VecDeque<Event>,
        out: &mut Vec<u8>,
        payload: &[u8],
    ) -> Result<(), Error> {
        if !config.encodings.contains(&Encoding::ExtendedClipboard) {
            // The server may only use the extension once it is announced; a message after it
            // was dropped (or before) is skipped unread, as in flight.
            tracing::debug!("Extended Clipboard message while not announced; ignored");
            return Ok(());
        }
        let m = extended_clipboard::parse(payload)?;
        let max = config.limits.max_cut_text;
        match m {
            ExtendedClipboard::Caps {
                formats,
                actions,
                sizes,
            } => {
                tracing::debug!(formats, actions, ?sizes, "the server's clipboard caps");
                self.server = Some(ServerCaps {
                    actions: if formats & FORMAT_TEXT != 0 {
                        actions
                    } else {
                        0
                    },
                    max_text: sizes[0],
                });
                let actions = ACTION_CAPS | ACTION_REQUEST | ACTION_PEEK | ACTION_NOTIFY;
                client::clipboard_caps(out, FORMAT_TEXT, actions | ACTION_PROVIDE, &[max]);
            }
            ExtendedClipboard::Request { formats } => {
                if formats & FORMAT_TEXT == 0 {
                    return Ok(());
                }
                match &self.local {
                    Some(text) => {
                        let text = text.clone();
                        self.provide(&text, out);
                    }
                    None => tracing::debug!("the server asks for a clipboard we never set"),
                }
            }
            ExtendedClipboard::Peek => {
                let held = if self.local.is_some() { FORMAT_TEXT } else { 0 };
                client::clipboard_flags(out, ACTION_NOTIFY | held);
            }
            ExtendedClipboard::Notify { formats } => {
                let can_request = self.server.is_some_and(|s| s.actions & ACTION_REQUEST != 0);
                if formats & FORMAT_TEXT != 0 && can_request {
                    client::clipboard_flags(out, ACTION_REQUEST | FORMAT_TEXT);
                }
            }
            ExtendedClipboard::Provide { formats, zlib } => {
                if formats & FORMAT_TEXT != 0 {
                    if let Some(text) = self.inflate_text(zlib, max)? {
                        events.push_back(Event::ServerCutText(text));
                    }
                }
            }
            ExtendedClipboard::Unknown { flags } => {
                tracing::warn!(
                    flags,
                    "Extended Clipboard message without a known action; ignored"
                );
            }
        }
        Ok(())
    }

    /// The text of a provide (text is the first format, so the only one inflated): `None`
    /// when it is longer than `max`, which is found from its length before any of it is
    /// inflated. Nothing past the text is inflated, so a zlib bomb costs at most `max` bytes.
    fn inflate_text(&mut self, zlib: &[u8], max: u32) -> Result<Option<String>, Error> {
        let inflate = match &mut self.inflate {
            Some(z) => {
                z.reset(true);
                z
            }
            None => self.inflate.insert(Decompress::new(true)),
        };
        self.scratch.clear();
        let mut input = zlib;
        let mut want = 4usize;
        let mut have_len = false;
        loop {
            if self.scratch.len() >= want {
                if have_len {
                    break;
                }
                let len = u32::from_be_bytes([
                    self.scratch[0],
                    self.scratch[1],
                    self.scratch[2],
                    self.scratch[3],
                ]);
                if len > max {
                    tracing::warn!(
                        len,
                        limit = max,
                        "Extended Clipboard text above the limit; dropping it"
                    );
                    return Ok(None);
                }
                have_len = true;
                want = 4 + len as usize;
                continue;
            }
            // Output space for what is still wanted, and no more.
            self.scratch.reserve_exact(want - self.scratch.len());
            let (in0, out0) = (inflate.total_in(), inflate.total_out());
            let status = inflate
                .decompress_vec(input, &mut self.scratch, FlushDecompress::None)
                .map_err(|e| {
                    Error::protocol(
                        Step::ServerMessage,
                        ProtocolError::Zlib {
                            encoding: "Extended Clipboard",
                            detail: e.to_string(),
                        },
                    )
                })?;
            let consumed = (inflate.total_in() - in0) as usize;
            let produced = (inflate.total_out() - out0) as usize;
            input = &input[consumed..];
            if status == Status::StreamEnd || (consumed == 0 && produced == 0) {
                if self.scratch.len() >= want {
                    continue;
                }
                return Err(malformed("the provide's data ends before its text does"));
            }
        }
        let text = &self.scratch[4..want];
        // The text ends at its NUL; CR LF line ends become LF.
        let text = text.split(|&b| b == 0).next().unwrap_or_default();
        let text = match std::str::from_utf8(text) {
            Ok(s) => s.replace("\r\n", "\n"),
            Err(_) => {
                tracing::warn!(
                    "Extended Clipboard text is not UTF-8; undecodable bytes shown as U+FFFD"
                );
                String::from_utf8_lossy(text).replace("\r\n", "\n")
            }
        };
        Ok(Some(text))
    }

    /// Sends `text` in a provide, if it fits the server's maximum.
    fn provide(&mut self, text: &str, out: &mut Vec<u8>) -> bool {
        let mut raw = text
            .replace("\r\n", "\n")
            .replace('\n', "\r\n")
            .into_bytes();
        raw.push(0);
        let max = self.server.map_or(0, |s| s.max_text);
        if max != 0 && raw.len() > max as usize {
            tracing::warn!(
                len = raw.len(),
                limit = max,
                "clipboard text above the server's maximum; not sent"
            );
            return false;
        }
        let deflate = match &mut self.deflate {
            Some(z) => {
                z.reset();
                z
            }
            None => self
                .deflate
                .insert(Compress::new(Compression::default(), true)),
        };
        client::clipboard_provide(out, deflate, FORMAT_TEXT, &raw);
        true
    }

    /// The application announces `encodings`: without the pseudo-encoding, the server's caps
    /// no longer hold.
    pub(crate) fn encodings_changed(&mut self, encodings: &[Encoding]) {
        if !encodings.contains(&Encoding::ExtendedClipboard) {
            self.server = None;
        }
    }
}

impl Session {
    /// Sends the local clipboard text, and returns how many of its characters the server will
    /// not get (0: all of them, exactly).
    ///
    /// With the Extended Clipboard ([`has_extended_clipboard`](Self::has_extended_clipboard))
    /// the text goes as UTF-8: a notify, and the text when the server asks for it (or at once
    /// in a provide if the server's caps lack notify). A text above the server's announced
    /// maximum is not sent, and all its characters count. Without it, plain RFB's
    /// ClientCutText carries Latin-1 only: characters outside it are sent as `?` and counted
    /// (and logged as a warning), CR LF becomes LF. Ignored before initialisation (returns 0).
    ///
    /// ```
    /// # use vnc_core::{Config, Session};
    /// let mut session = Session::new(Config::default(), std::time::Instant::now());
    /// // Not connected: nothing is sent, nothing is lost.
    /// assert_eq!(session.client_cut_text("Grüße, Ωμέγα"), 0);
    /// ```
    pub fn client_cut_text(&mut self, text: &str) -> usize {
        if !self.is_initialized() {
            return 0;
        }
        let clip = &mut self.cx.clipboard;
        let out = &mut self.cx.io.out;
        let lost = match clip.server.map(|s| s.actions) {
            Some(actions) if actions & (ACTION_NOTIFY | ACTION_PROVIDE) != 0 => {
                clip.local = Some(text.to_owned());
                if actions & ACTION_NOTIFY != 0 {
                    client::clipboard_flags(out, ACTION_NOTIFY | FORMAT_TEXT);
                    0
                } else if clip.provide(text, out) {
                    0
                } else {
                    text.chars().count()
                }
            }
            _ => {
                let lost = client::client_cut_text(out, text);
                if lost > 0 {
                    tracing::warn!(
                        lost,
                        "the server takes Latin-1 clipboard text only; characters outside it sent as '?'"
                    );
                }
                lost
            }
        };
        self.pump_or_close();
        lost
    }

    /// True once the server has sent its Extended Clipboard caps (with text among their
    /// formats), while [`Encoding::ExtendedClipboard`] stays announced: clipboard text then
    /// goes both ways as UTF-8.
    pub fn has_extended_clipboard(&self) -> bool {
        self.cx.clipboard.server.is_some_and(|s| s.actions != 0)
    }
}
