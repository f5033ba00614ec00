//! The update flow: how updates are asked for. By request and response, one incremental
//! FramebufferUpdateRequest kept outstanding (sent as soon as an update begins); or, once the
//! server has shown it supports them (EndOfContinuousUpdates), continuous updates over the
//! whole framebuffer, which the server pushes unasked. Pixel format changes are put where no
//! rectangle can be decoded in the wrong format: behind a SyncNext fence, or an
//! EndOfContinuousUpdates, or between requested updates.

use std::collections::VecDeque;
use std::mem;
use std::time::{Duration, Instant};

use crate::error::{Error, Step};
use crate::event::Event;
use crate::framebuffer::Rect;
use crate::messages::client;
use crate::messages::server::{Fence, fence};
use crate::pixel_format::PixelFormat;
use crate::session::Context;

/// The most output that may wait unsent when a Fence request is answered (see
/// [`Limits`](crate::Limits)).
pub(crate) const MAX_FENCE_BACKLOG: usize = 1 << 20;

/// Keeps track of FramebufferUpdateRequests and continuous updates.
#[derive(Default)]
pub(crate) struct UpdateFlow {
    /// A request was sent and no FramebufferUpdate has begun since. Servers answer any
    /// number of pending requests with one update, so this is a flag, not a count.
    pub(crate) in_flight: bool,
    /// The next automatic request is a full one (after a resize or a pixel format change).
    want_full: bool,
    /// A pixel format to switch to once no update is in flight (request and response).
    pending_format: Option<PixelFormat>,
    /// The server sent EndOfContinuousUpdates: it supports continuous updates.
    cu_supported: bool,
    /// Continuous updates are enabled (EnableContinuousUpdates sent, not yet disabled).
    cu_on: bool,
    /// The server sent a Fence request: it supports fences.
    fence_supported: bool,
    /// Pixel formats sent behind a SyncNext fence, with the fence's id, in order: each is
    /// switched to when the answer to its fence arrives.
    fenced: VecDeque<(u32, PixelFormat)>,
    /// One entry per EnableContinuousUpdates(off) sent and not yet answered by an
    /// EndOfContinuousUpdates, in order, with the pixel format sent after it, if any.
    ends: VecDeque<Option<PixelFormat>>,
    /// The id of the next fence this client sends.
    next_fence: u32,
    /// The round-trip measurement by fence.
    probe: Probe,
    /// The last round-trip time measured.
    pub(crate) rtt: Option<Duration>,
}

/// Where a round-trip measurement is. The engine has no clock: a measurement that needs the
/// time asks for [`Session::handle_timeout`](crate::Session::handle_timeout) at once.
#[derive(Default, Clone, Copy)]
enum Probe {
    #[default]
    Idle,
    /// A fence request is to be sent at the next `handle_timeout`.
    Due,
    /// The request with this id went out at `at`.
    Sent { id: u32, at: Instant },
    /// Its answer arrived; the next `handle_timeout` takes the time.
    Answered { at: Instant },
}

impl UpdateFlow {
    /// Whether updates are asked for by themselves.
    fn automatic(cx: &Context) -> bool {
        cx.config.continuous_updates && !cx.updates_paused
    }

    /// True while continuous updates are enabled.
    pub(crate) fn continuous(&self) -> bool {
        self.cu_on
    }

    /// True once the server has sent a Fence request (so it answers ours).
    pub(crate) fn fences(&self) -> bool {
        self.fence_supported
    }

    /// A FramebufferUpdate of `rects` rectangles begins.
    pub(crate) fn update_begins(&mut self, cx: &mut Context, rects: u16) {
        self.in_flight = false;
        // Ask for the next update at once, so that the server prepares it while this one is
        // decoded (as TigerVNC's viewer does); not while a pixel format change or a full
        // update after a resize waits, nor when the server pushes updates unasked.
        if rects > 0
            && !self.cu_on
            && Self::automatic(cx)
            && self.pending_format.is_none()
            && !self.want_full
        {
            self.send_next_request(cx);
        }
    }

    /// The current update has ended.
    pub(crate) fn end_update(&mut self, cx: &mut Context) {
        // With ZRLE rectangles still being inflated, the end is reported after them.
        if !cx.zrle.end_update_after_last() {
            cx.events.push_back(Event::FramebufferUpdateEnd);
        }
        if self.cu_on {
            if mem::take(&mut self.want_full) {
                // Resized: continuous updates over the new size, and all of it at once.
                let all = cx.full_rect();
                client::enable_continuous_updates(&mut cx.io.out, true, all);
                self.send_request(cx, false, all);
            }
            return;
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

    /// The application paused updates: continuous updates are disabled (the server answers
    /// with EndOfContinuousUpdates); requests simply stop.
    pub(crate) fn pause(&mut self, cx: &mut Context) {
        if self.cu_on {
            let all = cx.full_rect();
            client::enable_continuous_updates(&mut cx.io.out, false, all);
            self.ends.push_back(None);
            self.cu_on = false;
            self.in_flight = false;
            cx.events
                .push_back(Event::ContinuousUpdates { enabled: false });
        }
    }

    /// The application resumed updates (`receiving`: an update is being read).
    pub(crate) fn resume(&mut self, cx: &mut Context, receiving: bool) {
        if self.cu_supported && cx.config.continuous_updates {
            self.enable(cx);
        } else if !self.in_flight && !receiving && cx.config.continuous_updates {
            self.apply_pending_format(cx);
            self.send_next_request(cx);
        }
    }

    /// The application asked for a new pixel format (`receiving`: an update is being read).
    pub(crate) fn set_pixel_format(&mut self, cx: &mut Context, pf: PixelFormat, receiving: bool) {
        // Updates may be pushed while continuous updates are on, and until the server has
        // answered their disabling.
        if self.cu_on || !self.ends.is_empty() {
            self.switch_continuous(cx, pf);
            return;
        }
        self.pending_format = Some(pf);
        // Never in the middle of an update: its remaining rectangles are in the old format.
        if !self.in_flight && !receiving {
            self.apply_pending_format(cx);
            if Self::automatic(cx) {
                self.send_next_request(cx);
            }
        }
    }

    /// A pixel format change while updates may come unasked: SetPixelFormat goes out at once,
    /// behind a barrier that comes back at the exact point where the server switched, and
    /// the session switches there. With fences, a SyncNext fence request just before it (the
    /// server answers it right after the SetPixelFormat); otherwise continuous updates are
    /// disabled before it (and, if on, enabled again after it), and the
    /// EndOfContinuousUpdates that answers the disable is the barrier. A full update in the
    /// new format follows, at once or when updates are resumed.
    fn switch_continuous(&mut self, cx: &mut Context, pf: PixelFormat) {
        let all = cx.full_rect();
        if self.fence_supported {
            let id = self.next_fence;
            self.next_fence = id.wrapping_add(1);
            client::fence(
                &mut cx.io.out,
                fence::REQUEST | fence::SYNC_NEXT,
                &id.to_be_bytes(),
            );
            client::set_pixel_format(&mut cx.io.out, &pf);
            self.fenced.push_back((id, pf));
        } else if self.cu_on {
            client::enable_continuous_updates(&mut cx.io.out, false, all);
            client::set_pixel_format(&mut cx.io.out, &pf);
            client::enable_continuous_updates(&mut cx.io.out, true, all);
            self.ends.push_back(Some(pf));
        } else if let Some(last) = self.ends.back_mut() {
            // Paused, the disable not answered yet: its answer is the barrier.
            client::set_pixel_format(&mut cx.io.out, &pf);
            *last = Some(pf);
        }
        tracing::debug!(pixel_format = ?pf, "pixel format sent; switching at its barrier");
        if self.cu_on && Self::automatic(cx) {
            self.send_request(cx, false, all);
        } else {
            self.want_full = true;
        }
    }

    fn switch(cx: &mut Context, pf: PixelFormat) {
        tracing::debug!(pixel_format = ?pf, "switching pixel format");
        cx.use_pixel_format(pf);
    }

    /// The first request, right after initialisation: all of the framebuffer.
    pub(crate) fn first_request(&mut self, cx: &mut Context) {
        self.send_request(cx, false, cx.full_rect());
    }

    /// Turns continuous updates on over the whole framebuffer.
    fn enable(&mut self, cx: &mut Context) {
        if self.cu_on {
            return;
        }
        let all = cx.full_rect();
        client::enable_continuous_updates(&mut cx.io.out, true, all);
        self.cu_on = true;
        cx.events
            .push_back(Event::ContinuousUpdates { enabled: true });
        if mem::take(&mut self.want_full) {
            // The pixel format changed while paused: all of the picture in the new one.
            self.send_request(cx, false, all);
        }
        // A format that waited for a requested update goes behind a barrier now: the
        // update still to come was asked for before it.
        if let Some(pf) = self.pending_format.take() {
            self.switch_continuous(cx, pf);
        }
    }

    /// An EndOfContinuousUpdates arrived.
    pub(crate) fn end_of_continuous_updates(&mut self, cx: &mut Context) {
        if let Some(expected) = self.ends.pop_front() {
            // The answer to a disable of this client's.
            if let Some(pf) = expected {
                Self::switch(cx, pf);
            }
            return;
        }
        if !self.cu_supported {
            self.cu_supported = true;
            tracing::debug!("the server supports continuous updates");
            if Self::automatic(cx) {
                self.enable(cx);
            }
        } else if self.cu_on {
            // The server ended them by itself: back to requests.
            tracing::debug!("the server ended continuous updates; asking for updates again");
            self.cu_on = false;
            cx.events
                .push_back(Event::ContinuousUpdates { enabled: false });
            if Self::automatic(cx) {
                self.send_request(cx, true, cx.full_rect());
            }
        }
    }

    /// A Fence arrived: a request is answered with its payload and the flags this client
    /// understands; an answer may be the barrier of a pixel format change.
    pub(crate) fn fence(&mut self, cx: &mut Context, f: Fence) -> Result<(), Error> {
        if f.flags & fence::REQUEST != 0 {
            // A server that sends requests and never reads the answers would make them pile
            // up here without end.
            let backlog = cx.io.backlog();
            if backlog > MAX_FENCE_BACKLOG {
                return Err(Error::LimitExceeded {
                    step: Step::ServerMessage,
                    what: "Fence requests without reading the answers, leaving unsent bytes",
                    value: backlog as u64,
                    limit: MAX_FENCE_BACKLOG as u64,
                });
            }
            if !self.fence_supported {
                tracing::debug!("the server supports fences");
                self.fence_supported = true;
                // Measure the link once at the start.
                self.probe = Probe::Due;
            }
            // Everything before the fence has been processed (BlockBefore), and nothing
            // after it will be before the answer is written (BlockAfter, SyncNext).
            client::fence(&mut cx.io.out, f.flags & fence::UNDERSTOOD, f.payload);
            return Ok(());
        }
        let id = <[u8; 4]>::try_from(f.payload).ok().map(u32::from_be_bytes);
        match (self.fenced.front(), self.probe) {
            (Some(&(first, pf)), _) if id == Some(first) => {
                self.fenced.pop_front();
                Self::switch(cx, pf);
            }
            (_, Probe::Sent { id: probe, at }) if id == Some(probe) => {
                self.probe = Probe::Answered { at };
            }
            _ => tracing::debug!(flags = f.flags, "an unexpected Fence answer; ignored"),
        }
        Ok(())
    }

    /// Asks for a round-trip measurement, if the server supports fences and none is under
    /// way.
    pub(crate) fn measure(&mut self) {
        if self.fence_supported && matches!(self.probe, Probe::Idle) {
            self.probe = Probe::Due;
        }
    }

    /// True when a measurement needs the time (a `handle_timeout` call) now.
    pub(crate) fn wants_time(&self) -> bool {
        matches!(self.probe, Probe::Due | Probe::Answered { .. })
    }

    /// The time is `now`: sends a due measurement's fence (BlockBefore, so that the server
    /// answers after everything before it), or takes the time of an answered one.
    pub(crate) fn tick(&mut self, cx: &mut Context, now: Instant) {
        match self.probe {
            Probe::Due => {
                let id = self.next_fence;
                self.next_fence = id.wrapping_add(1);
                client::fence(
                    &mut cx.io.out,
                    fence::REQUEST | fence::BLOCK_BEFORE,
                    &id.to_be_bytes(),
                );
                self.probe = Probe::Sent { id, at: now };
            }
            Probe::Answered { at } => {
                let rtt = now.saturating_duration_since(at);
                tracing::debug!(?rtt, "fence round trip");
                self.rtt = Some(rtt);
                cx.events.push_back(Event::RoundTrip(rtt));
                self.probe = Probe::Idle;
            }
            Probe::Idle | Probe::Sent { .. } => {}
        }
    }
}
