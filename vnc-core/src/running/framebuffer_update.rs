//! The FramebufferUpdate reader: rectangle headers, dispatch to the decoder registered for
//! each encoding (see [`RectDecoder`]), what finished rectangles mean for the session, and
//! the end of the update.

use crate::encoding::desktop_size::{ResizeReason, ResizeStatus, Screen};
use crate::encoding::{Done, Encoding, RectDecoder};
use crate::error::{Error, ProtocolError, Step};
use crate::event::Event;
use crate::framebuffer::Rect;
use crate::handshake::init::check_size;
use crate::reader::Reader;
use crate::session::Context;

use super::update_flow::UpdateFlow;

/// Where the reader is inside one FramebufferUpdate.
pub(crate) struct UpdateReader {
    /// Rectangles still to come, this one included.
    left: u16,
    /// Rectangle headers read so far.
    seen: u32,
    /// The decoder of the rectangle being read; `None` before its header.
    rect: Option<RectDecoder>,
}

/// What one step of the reader did.
pub(crate) struct Progress {
    /// It consumed input or moved on.
    pub(crate) progressed: bool,
    /// The update has ended.
    pub(crate) ended: bool,
}

impl UpdateReader {
    /// An update of `rects` rectangles (at least one) begins.
    pub(crate) fn new(rects: u16) -> UpdateReader {
        UpdateReader {
            left: rects,
            seen: 0,
            rect: None,
        }
    }

    /// Reads what has arrived of a rectangle header or of the rectangle's data.
    pub(crate) fn advance(
        &mut self,
        cx: &mut Context,
        r: &mut Reader,
        flow: &mut UpdateFlow,
        layout: &mut Option<Vec<Screen>>,
    ) -> Result<Progress, Error> {
        let Some(dec) = self.rect.as_mut() else {
            let progressed = self.header(cx, r)?;
            return Ok(Progress {
                progressed,
                ended: false,
            });
        };
        let before = r.pos();
        let Some(done) = dec.decode(r, &mut cx.decode_context())? else {
            return Ok(Progress {
                progressed: r.pos() != before,
                ended: false,
            });
        };
        self.rect = None;
        match done {
            Done::Pixels(rect) => {
                if rect.area() > 0 {
                    cx.events.push_back(Event::FramebufferUpdated(rect));
                }
            }
            Done::Queued => {
                // A new pixel format applies after the update: draw it all first.
                let switch = self.left == 1 && flow.has_pending_format();
                cx.draw_zrle(switch)?;
            }
            Done::Cursor(c) => cx.events.push_back(Event::CursorChanged(c)),
            Done::CursorPosition { x, y } => cx.events.push_back(Event::CursorMoved { x, y }),
            Done::DesktopName(name) => {
                cx.name = name.clone();
                cx.events.push_back(Event::DesktopRenamed(name));
            }
            Done::DesktopSize { width, height } => {
                tracing::debug!(w = width, h = height, "DesktopSize");
                cx.fb.resize(width, height);
                flow.resized();
                cx.events.push_back(Event::DesktopResized { width, height });
            }
            Done::ExtendedDesktopSize { rect, screens } => {
                extended_desktop_size(cx, flow, layout, rect, screens)?;
            }
            Done::LastRect => self.left = 1,
            Done::ScancodesAcknowledged => cx.keyboard.acknowledged(&cx.config, &mut cx.events),
            Done::LedState(state) => {
                cx.keyboard.leds = Some(state);
                cx.events.push_back(Event::LedState(state));
            }
            Done::AudioAcknowledged => {
                cx.audio
                    .acknowledged(&cx.config, &mut cx.events, &mut cx.io.out)
            }
            Done::PointerMode { absolute } => {
                cx.pointer.mode(absolute, &cx.config.encodings);
                cx.events.push_back(Event::PointerMode { absolute });
            }
        }
        // One rectangle finished.
        self.left = self.left.saturating_sub(1);
        let ended = self.left == 0;
        if ended {
            flow.end_update(cx);
        }
        Ok(Progress {
            progressed: true,
            ended,
        })
    }

    /// Reads a rectangle header and picks its decoder; false until the header has arrived.
    fn header(&mut self, cx: &mut Context, r: &mut Reader) -> Result<bool, Error> {
        let mut t = *r;
        let (Some(x), Some(y), Some(w), Some(h), Some(enc)) =
            (t.u16(), t.u16(), t.u16(), t.u16(), t.i32())
        else {
            return Ok(false);
        };
        *r = t;
        self.seen += 1;
        let limit = cx.config.limits.max_rects_per_update;
        if self.seen > limit {
            return Err(Error::LimitExceeded {
                step: Step::FramebufferUpdate,
                what: "a number of rectangles in one update",
                value: self.seen.into(),
                limit: limit.into(),
            });
        }
        let rect = Rect::new(x, y, w, h);
        let encoding = Encoding::from_number(enc);
        if let Some(e) = encoding {
            cx.rects_read[e.index()] += 1;
        }
        let dec = encoding.map(|e| RectDecoder::new(e, rect, r, &mut cx.decode_context()));
        if !dec.as_ref().is_some_and(RectDecoder::is_threaded) {
            // Other rectangles draw over (or copy from) what ZRLE drew before them, and ZRLE
            // inflated here continues the helper's zlib stream.
            cx.draw_zrle(true)?;
        }
        let fail = |e| Error::protocol(Step::FramebufferUpdate, e);
        if encoding.is_some_and(|e| !e.is_pseudo()) && !rect.fits_in(cx.fb.width(), cx.fb.height())
        {
            return Err(fail(ProtocolError::RectOutOfBounds {
                rect,
                fb_width: cx.fb.width(),
                fb_height: cx.fb.height(),
            }));
        }
        let Some(dec) = dec else {
            return Err(fail(ProtocolError::UnsupportedEncoding {
                encoding: enc,
                rect,
            }));
        };
        self.rect = Some(dec);
        Ok(true)
    }
}

/// Applies an ExtendedDesktopSize rectangle: the new size (if the change succeeded) and the
/// screen layout.
fn extended_desktop_size(
    cx: &mut Context,
    flow: &mut UpdateFlow,
    layout: &mut Option<Vec<Screen>>,
    rect: Rect,
    screens: Vec<Screen>,
) -> Result<(), Error> {
    let reason = ResizeReason::from_wire(rect.x);
    let status = ResizeStatus::from_wire(rect.y);
    *layout = Some(screens.clone());
    let ok = status == ResizeStatus::Ok;
    if ok && (rect.width != cx.fb.width() || rect.height != cx.fb.height()) {
        check_size(
            rect.width,
            rect.height,
            &cx.config.limits,
            Step::FramebufferUpdate,
        )?;
        tracing::debug!(
            w = rect.width,
            h = rect.height,
            ?reason,
            "ExtendedDesktopSize"
        );
        cx.fb.resize(rect.width, rect.height);
        flow.resized();
        cx.events.push_back(Event::DesktopResized {
            width: rect.width,
            height: rect.height,
        });
    }
    cx.events.push_back(Event::DesktopLayout {
        reason,
        status,
        screens,
    });
    Ok(())
}
