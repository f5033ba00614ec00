//! The connection's ZRLE zlib stream behind one interface: inflated inline
//! ([`ZrleStream`]), or on the helper thread of [`zrle_thread`](super::zrle_thread) when the
//! session's [`Threading`] allows it. The session sees neither channels nor threads.

use std::collections::VecDeque;
use std::mem;

use crate::error::{Error, ProtocolError, Step};
use crate::event::Event;
use crate::framebuffer::{Framebuffer, Rect};
use crate::pixel_format::Converter;
use crate::reader::Reader;
use crate::threading::Threading;

use super::zrle::{Zrle, ZrleStream};
use super::zrle_thread::{SLOTS, ZrleThread};
use super::{Decode, DecodeContext, Done};

/// A ZRLE rectangle: decoded inline, or handed to the helper thread.
pub(crate) enum ZrleRect {
    Inline(Zrle),
    /// Through the helper; true until the rectangle is queued there.
    Threaded(Rect, bool),
}

impl Decode for ZrleRect {
    fn new(rect: Rect, r: &Reader, cx: &mut DecodeContext) -> ZrleRect {
        if cx.zrle.wants_thread(r) {
            ZrleRect::Threaded(rect, true)
        } else {
            ZrleRect::Inline(Zrle::new(rect))
        }
    }

    fn decode(&mut self, r: &mut Reader, cx: &mut DecodeContext) -> Result<Option<Done>, Error> {
        match self {
            ZrleRect::Inline(d) => {
                let done = cx
                    .zrle
                    .decode_inline(d, r, cx.fb, cx.conv)
                    .map_err(|e| Error::protocol(Step::FramebufferUpdate, e))?;
                Ok(done.then_some(Done::Pixels(d.rect)))
            }
            ZrleRect::Threaded(rect, new) => {
                let new = mem::take(new).then_some((*rect, cx.out_len));
                let queued = cx.zrle.take_input(r, new) == Some(true);
                Ok(queued.then_some(Done::Queued))
            }
        }
    }

    fn is_threaded(&self) -> bool {
        matches!(self, ZrleRect::Threaded(..))
    }
}

/// The connection's ZRLE state.
pub(crate) struct ZrleInflate {
    threading: Threading,
    /// The zlib stream and the inline window, once a ZRLE rectangle came.
    stream: Option<ZrleStream>,
    /// The helper, once a ZRLE rectangle went to it.
    thread: Option<ZrleThread>,
    /// Set when starting the helper failed: ZRLE is then inflated inline.
    thread_failed: bool,
    /// How many bytes the input being processed has.
    feed_len: usize,
}

impl ZrleInflate {
    pub(crate) fn new(threading: Threading) -> ZrleInflate {
        ZrleInflate {
            threading,
            stream: None,
            thread: None,
            thread_failed: false,
            feed_len: 0,
        }
    }

    /// A new input of `len` bytes is being processed.
    pub(crate) fn begin_feed(&mut self, len: usize) {
        self.feed_len = len;
    }

    /// Whether the ZRLE rectangle whose data starts at `r` goes to the helper thread (starting
    /// it on first use): when threading allows it, the feed is large, all of the rectangle's
    /// compressed bytes are in it, and the process runs fewer helpers than it has CPUs.
    pub(crate) fn wants_thread(&mut self, r: &Reader) -> bool {
        let Threading::InflateThread { min_input } = self.threading else {
            return false;
        };
        if self.thread_failed || self.feed_len < min_input {
            return false;
        }
        let mut t = *r;
        let Some(len) = t.u32() else { return false };
        if t.take(len as usize).is_none() {
            return false;
        }
        if self.thread.is_none() {
            let Some(slot) = SLOTS.try_acquire() else {
                return false;
            };
            let zs = self.stream.get_or_insert_with(ZrleStream::new);
            self.thread = ZrleThread::start(zs.z.clone(), slot);
            if self.thread.is_none() {
                tracing::debug!("cannot start the ZRLE inflating thread; inflating inline");
                self.thread_failed = true;
            }
        }
        self.thread.is_some()
    }

    /// Decodes what has arrived of an inline rectangle; true once it is complete.
    pub(crate) fn decode_inline(
        &mut self,
        d: &mut Zrle,
        r: &mut Reader,
        fb: &mut Framebuffer,
        conv: &Converter,
    ) -> Result<bool, ProtocolError> {
        let z = self.stream.get_or_insert_with(ZrleStream::new);
        d.decode(r, z, fb, conv)
    }

    /// Hands what has arrived of a threaded rectangle to the helper (a new rectangle if `new`
    /// gives it, with how much output the session had written). `None` if there is no helper;
    /// else true once all of the rectangle's bytes are handed over.
    pub(crate) fn take_input(
        &mut self,
        r: &mut Reader,
        new: Option<(Rect, usize)>,
    ) -> Option<bool> {
        self.thread.as_mut().map(|t| t.take_input(r, new))
    }

    /// Draws the rectangles whose bytes are back from the helper, pushing their events; with
    /// `settle`, waits for all whose input is complete. On failure, withdraws from `out` what
    /// the session wrote after the failed rectangle began, as if it had been decoded at once.
    pub(crate) fn draw(
        &mut self,
        fb: &mut Framebuffer,
        conv: &Converter,
        settle: bool,
        events: &mut VecDeque<Event>,
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        let Some(t) = self.thread.as_mut() else {
            return Ok(());
        };
        if !t.busy() {
            return Ok(());
        }
        let drawn = t.draw(fb, conv, settle, &mut |rect, update_ends| {
            if rect.area() > 0 {
                events.push_back(Event::FramebufferUpdated(rect));
            }
            for _ in 0..update_ends {
                events.push_back(Event::FramebufferUpdateEnd);
            }
        });
        drawn.map_err(|e| {
            if let Some(mark) = t.failed_out_mark() {
                out.truncate(mark);
            }
            Error::protocol(Step::FramebufferUpdate, e)
        })
    }

    /// Records that an update ends after the last rectangle on its way through the helper, so
    /// that its end is reported after that rectangle is drawn; false if none is.
    pub(crate) fn end_update_after_last(&mut self) -> bool {
        self.thread
            .as_mut()
            .is_some_and(ZrleThread::end_update_after_last)
    }

    /// The session's output was handed to the transport.
    pub(crate) fn output_sent(&mut self) {
        if let Some(t) = self.thread.as_mut() {
            t.output_sent();
        }
    }

    /// Ends the helper thread, if any (its rectangles can no longer matter).
    pub(crate) fn stop(&mut self) {
        self.thread = None;
    }

    /// Between messages: ends an idle helper (giving its place to another session) and frees
    /// the inline window, keeping the zlib stream. Both are made again when needed.
    /// The inline window's bytes on the heap (the helper's are its own).
    pub(crate) fn heap_bytes(&self) -> usize {
        self.stream.as_ref().map_or(0, ZrleStream::heap_bytes)
    }

    pub(crate) fn release_buffers(&mut self) {
        if !self.thread.as_ref().is_some_and(ZrleThread::busy) {
            self.thread = None;
        }
        if let Some(zs) = &mut self.stream {
            zs.release_window();
        }
    }
}
