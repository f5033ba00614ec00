//! Input into the session: bytes from the server, through TLS when it runs, split anywhere,
//! parsed from the caller's slice where possible and buffered only when a message is
//! unfinished; the end of the stream; and the state machine's loop over both.

use std::mem;

use crate::error::{Error, Step};
use crate::event::Event;
use crate::reader::Reader;

use super::{Session, State};

impl Session {
    /// Feeds bytes received from the server. Any length, split anywhere.
    ///
    /// After an error the session is closed and the transport should be closed too.
    pub fn feed(&mut self, data: &[u8]) -> Result<(), Error> {
        if matches!(self.state, State::Closed) {
            return Err(Error::Closed);
        }
        // What the protocol wrote before an error still goes out, as without the error.
        let result = self.feed_inner(data);
        let pumped = self.cx.io.pump();
        self.cx.zrle.output_sent();
        let result = result.and(pumped);
        if let Err(e) = &result {
            tracing::debug!(error = %e, "session failed");
            self.close();
        }
        result
    }

    fn feed_inner(&mut self, data: &[u8]) -> Result<(), Error> {
        if self.cx.io.layers() > 0 {
            return self.feed_layer(data);
        }
        if let Some(rest) = self.feed_plain(data)? {
            // TLS (or SASL's layer) started in the middle of this input: the rest is wrapped.
            self.feed_layer(&rest)?;
        }
        Ok(())
    }

    /// Feeds bytes that TLS or SASL's security layer (or both) wrap.
    pub(super) fn feed_layer(&mut self, data: &[u8]) -> Result<(), Error> {
        let mut plain = mem::take(&mut self.cx.io.plain_in);
        plain.clear();
        let result = self.cx.io.read_layer(data, &mut plain);
        // The handshake may have ended with no plaintext yet: the state machine looks anyway.
        let result = result.and_then(|()| match self.feed_plain(&plain)? {
            // SASL's layer started inside TLS: the rest is already out of TLS, still in
            // SASL's frames. No further layer can start.
            #[cfg(feature = "sasl")]
            Some(rest) => {
                let mut inner = Vec::new();
                self.cx.io.read_sasl(&rest, &mut inner)?;
                self.feed_plain(&inner).map(|_| ())
            }
            #[cfg(not(feature = "sasl"))]
            Some(_) => Ok(()),
            None => Ok(()),
        });
        self.cx.io.plain_in = plain;
        result
    }

    /// Feeds protocol bytes; returns what is left unparsed if TLS (or SASL's layer) started
    /// on the way.
    pub(super) fn feed_plain(&mut self, mut data: &[u8]) -> Result<Option<Vec<u8>>, Error> {
        let layers = self.cx.io.layers();
        loop {
            if self.cx.io.inbuf.is_empty() {
                // Common case: parse straight from the caller's slice, keep only the tail.
                let used = self.process(data)?;
                if self.cx.io.layers() != layers {
                    return Ok(Some(data[used..].to_vec()));
                }
                self.cx.io.inbuf.extend_from_slice(&data[used..]);
                return Ok(None);
            }
            // A message began in earlier input. Add only a head of the new input (at least as
            // much as is pending, so a large message still grows geometrically): once the
            // pending bytes are consumed, the rest is parsed from the caller's slice again
            // instead of being copied.
            let old = self.cx.io.inbuf.len();
            let head = data.len().min(old.max(64 << 10));
            self.cx.io.inbuf.extend_from_slice(&data[..head]);
            let buf = mem::take(&mut self.cx.io.inbuf);
            let result = self.process(&buf);
            self.cx.io.inbuf = buf;
            let used = result?;
            if self.cx.io.layers() != layers {
                let mut rest = self.cx.io.inbuf.split_off(used);
                rest.extend_from_slice(&data[head..]);
                self.cx.io.inbuf.clear();
                return Ok(Some(rest));
            }
            if used >= old {
                self.cx.io.inbuf.clear();
                data = &data[used - old..];
                continue;
            }
            self.cx.io.inbuf.drain(..used);
            data = &data[head..];
            if data.is_empty() {
                return Ok(None);
            }
        }
    }

    /// Runs the state machine over `input`; returns how many bytes it consumed.
    fn process(&mut self, input: &[u8]) -> Result<usize, Error> {
        self.cx.zrle.begin_feed(input.len());
        let mut r = Reader::new(input);
        let layers = self.cx.io.layers();
        loop {
            match self.advance(&mut r) {
                Ok(true) => {}
                Ok(false) => break,
                // A ZRLE rectangle that came before what failed, and fails itself, is the
                // error to report: it is the first in the stream.
                Err(e) => return Err(self.cx.draw_zrle(true).err().unwrap_or(e)),
            }
            if self.cx.io.layers() != layers {
                // What follows is TLS, not protocol bytes.
                break;
            }
        }
        // The application sees every rectangle that has fully arrived drawn.
        self.cx.draw_zrle(true)?;
        Ok(r.pos())
    }

    /// One step of the state machine. `Ok(false)` means: waiting for more input (or for the
    /// application). Every `Ok(true)` either consumed input or moved to another state, so the
    /// loop in `process` ends.
    fn advance(&mut self, r: &mut Reader) -> Result<bool, Error> {
        match &mut self.state {
            State::Running(running) => return running.advance(&mut self.cx, r),
            State::Closed => return Err(Error::Closed),
            State::Handshake(_) => {}
        }
        let State::Handshake(handshake) = mem::replace(&mut self.state, State::Closed) else {
            unreachable!("matched above")
        };
        let (next, progressed) = handshake.advance(&mut self.cx, r)?;
        self.state = next;
        Ok(progressed)
    }

    /// Tells the session that the server closed the connection. Before initialisation, or in
    /// the middle of a message, that is an error; between messages it ends the session with
    /// [`Event::Closed`].
    pub fn feed_eof(&mut self) -> Result<(), Error> {
        let error = match &self.state {
            State::Closed => return Err(Error::Closed),
            State::Running(running)
                if running.between_messages() && self.cx.io.inbuf.is_empty() =>
            {
                None
            }
            State::Handshake(h) => Some(h.eof_error(self.cx.io.tls.is_some())),
            State::Running(_) => Some(Error::UnexpectedEof { step: self.step() }),
        };
        self.close();
        match error {
            None => {
                self.cx.events.push_back(Event::Closed);
                Ok(())
            }
            Some(e) => Err(e),
        }
    }

    pub(super) fn close(&mut self) {
        self.state = State::Closed;
        self.cx.io.inbuf = Vec::new();
        // Ends the ZRLE helper thread (its rectangles can no longer matter).
        self.cx.zrle.stop();
        self.cx.deadline.clear();
    }

    /// Which step the session is in, for errors.
    pub(super) fn step(&self) -> Step {
        match &self.state {
            State::Handshake(h) => h.step(),
            State::Running(running) => running.step(),
            State::Closed => Step::ServerMessage,
        }
    }
}
