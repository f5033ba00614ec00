//! Input into the session: bytes from the server, through TLS when it runs, split anywhere,
//! parsed from the caller's slice where possible and buffered only when a message is
//! unfinished; the end of the stream; and the state machine's loop over both.

use std::collections::VecDeque;
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

    /// Frees what the session keeps between messages only to go faster: the decoders'
    /// windows, an idle ZRLE helper thread (and its place among the process's helpers, see
    /// [`Threading::InflateThread`](crate::Threading::InflateThread)), emptied input buffers.
    /// The zlib streams stay, as they must for the whole connection, and everything freed is
    /// made again when needed: events, output and the framebuffer are the same whether or not
    /// this is called. In the middle of a message it does nothing.
    ///
    /// For adapters to call when the connection has been idle a while, so that many idle
    /// sessions cost little more than their framebuffers (the tokio adapter does it after a
    /// second without input).
    pub fn release_buffers(&mut self) {
        let State::Running(running) = &self.state else {
            return;
        };
        if !running.between_messages() || !self.cx.io.inbuf.is_empty() {
            return;
        }
        self.cx.io.release_buffers();
        if self.cx.events.is_empty() {
            self.cx.events = VecDeque::new();
        }
        self.cx.zrle.release_buffers();
        self.cx.tight.release_buffers();
        self.cx.zlib.release_buffers();
        self.cx.clipboard.release_buffers();
    }

    /// Bytes the decoders' and the transport's buffers and the event queue hold now: what
    /// [`release_buffers`](Self::release_buffers) frees (the zlib streams' own state is not
    /// counted: it lasts the connection). For adapters and applications that watch memory.
    pub fn buffer_bytes(&self) -> usize {
        self.cx.io.heap_bytes()
            + self.cx.zrle.heap_bytes()
            + self.cx.tight.heap_bytes()
            + self.cx.zlib.heap_bytes()
            + self.cx.events.capacity()
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

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use crate::testing::{
        CLIPBOARD_ALL_ACTIONS, Image, Script, TightEncoder, TightFilter, ZlibEncoder, ZrleEncoder,
        ZrleTile,
    };
    use crate::{Config, PixelFormat, Rect, Session, Threading};

    /// One update with a ZRLE, a Zlib and a Tight rectangle side by side, each continuing its
    /// encoder's zlib stream.
    fn update(encoders: &mut (ZrleEncoder, ZlibEncoder, TightEncoder), img: &Image) -> Script {
        let pf = PixelFormat::RGB888;
        let third = |i: u16| Rect::new(i * 32, 0, 32, 48);
        Script::new().update(&[
            encoders.0.rect(&pf, img, third(0), ZrleTile::PlainRle),
            encoders.1.rect(&pf, img, third(1)),
            encoders.2.rect(&pf, img, third(2), TightFilter::Copy, 0, 0),
        ])
    }

    #[test]
    fn an_idle_session_keeps_no_buffers_and_decodes_the_same_after() {
        let pf = PixelFormat::RGB888;
        let first = Image::pattern(96, 48);
        let mut second = Image::solid(96, 48, [40, 80, 120]);
        for i in 0..48 {
            second.set(2 * i, i, [250, 10, 10]);
        }
        let mut encoders = Default::default();
        let mut connect = Script::new()
            .version("RFB 003.008\n")
            .security_types(&[1])
            .security_result(0)
            .server_init(96, 48, &pf, "idle")
            .clipboard_caps(CLIPBOARD_ALL_ACTIONS, 1 << 20)
            .clipboard_provide(b"copied\0")
            .bytes()
            .to_vec();
        connect.extend_from_slice(update(&mut encoders, &first).bytes());
        let next = update(&mut encoders, &second).bytes().to_vec();

        let mut s =
            Session::with_threading(Config::default(), Threading::SingleThreaded, Instant::now());
        s.feed(&connect).unwrap();
        assert_eq!(s.framebuffer().to_rgba(), first.to_rgba());
        assert!(s.buffer_bytes() > 64 << 10, "the windows are allocated");
        assert!(s.cx.clipboard.holds_anything());
        while s.poll_event().is_some() {}
        s.take_output();

        s.release_buffers();
        assert_eq!(s.buffer_bytes(), 0);
        assert!(!s.cx.clipboard.holds_anything());

        // In the middle of a message nothing is freed, and the rest decodes.
        let (head, tail) = next.split_at(next.len() / 2);
        s.feed(head).unwrap();
        let held = s.buffer_bytes();
        s.release_buffers();
        assert_eq!(s.buffer_bytes(), held);
        s.feed(tail).unwrap();
        assert_eq!(s.framebuffer().to_rgba(), second.to_rgba());
    }
}
