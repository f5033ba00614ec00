//! The update-request flow: which FramebufferUpdateRequests go out and when. One request is
//! kept outstanding (continuous updates), the next one is sent as soon as an update begins,
//! and a pixel format change waits until no update is in flight.

use std::mem;

use crate::event::Event;
use crate::framebuffer::Rect;
use crate::messages::client;
use crate::pixel_format::PixelFormat;
use crate::session::Context;

/// Keeps track of FramebufferUpdateRequests.
#[derive(Default)]
pub(crate) struct UpdateFlow {
    /// A request was sent and no FramebufferUpdate has begun since. Servers answer any
    /// number of pending requests with one update, so this is a flag, not a count.
    pub(crate) in_flight: bool,
    /// The next automatic request is a full one (after a resize or a pixel format change).
    want_full: bool,
    /// A pixel format to switch to once no update is in flight.
    pending_format: Option<PixelFormat>,
}

impl UpdateFlow {
    /// Whether requests go out by themselves.
    fn automatic(cx: &Context) -> bool {
        cx.config.continuous_updates && !cx.updates_paused
    }

    /// A FramebufferUpdate of `rects` rectangles begins.
    pub(crate) fn update_begins(&mut self, cx: &mut Context, rects: u16) {
        self.in_flight = false;
        // Ask for the next update at once, so that the server prepares it while this one is
        // decoded (as TigerVNC's viewer does); not while a pixel format change or a full
        // update after a resize waits.
        if rects > 0 && Self::automatic(cx) && self.pending_format.is_none() && !self.want_full {
            self.send_next_request(cx);
        }
    }

    /// The current update has ended.
    pub(crate) fn end_update(&mut self, cx: &mut Context) {
        // With ZRLE rectangles still being inflated, the end is reported after them.
        if !cx.zrle.end_update_after_last() {
            cx.events.push_back(Event::FramebufferUpdateEnd);
        }
        let automatic = Self::automatic(cx);
        if !self.in_flight {
            self.apply_pending_format(cx);
            if automatic {
                self.send_next_request(cx);
            }
        } else if automatic && self.want_full {
            // The desktop was resized during this update, after the early (incremental)
            // request went out: ask for all of it.
            self.send_next_request(cx);
        }
    }

    /// The framebuffer was resized: the next automatic request asks for all of it.
    pub(crate) fn resized(&mut self) {
        self.want_full = true;
    }

    /// True while a pixel format waits for the end of the update in flight.
    pub(crate) fn has_pending_format(&self) -> bool {
        self.pending_format.is_some()
    }

    fn apply_pending_format(&mut self, cx: &mut Context) {
        if let Some(pf) = self.pending_format.take() {
            tracing::debug!(pixel_format = ?pf, "switching pixel format");
            client::set_pixel_format(&mut cx.io.out, &pf);
            cx.use_pixel_format(pf);
            self.want_full = true;
        }
    }

    fn send_next_request(&mut self, cx: &mut Context) {
        let full = mem::take(&mut self.want_full);
        self.send_request(cx, !full, cx.full_rect());
    }

    /// Sends a FramebufferUpdateRequest.
    pub(crate) fn send_request(&mut self, cx: &mut Context, incremental: bool, rect: Rect) {
        client::framebuffer_update_request(&mut cx.io.out, incremental, rect);
        self.in_flight = true;
    }

    /// The application resumed updates (`receiving`: an update is being read).
    pub(crate) fn resume(&mut self, cx: &mut Context, receiving: bool) {
        if !self.in_flight && !receiving && cx.config.continuous_updates {
            self.apply_pending_format(cx);
            self.send_next_request(cx);
        }
    }

    /// The application asked for a new pixel format (`receiving`: an update is being read).
    pub(crate) fn set_pixel_format(&mut self, cx: &mut Context, pf: PixelFormat, receiving: bool) {
        self.pending_format = Some(pf);
        // Never in the middle of an update: its remaining rectangles are in the old format.
        if !self.in_flight && !receiving {
            self.apply_pending_format(cx);
            if Self::automatic(cx) {
                self.send_next_request(cx);
            }
        }
    }

    /// The first request, right after initialisation: all of the framebuffer.
    pub(crate) fn first_request(&mut self, cx: &mut Context) {
        self.send_request(cx, false, cx.full_rect());
    }
}
