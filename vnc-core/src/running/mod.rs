//! The session after ServerInit: each server message is parsed into a [`ServerMessage`] and
//! applied here. FramebufferUpdates are read by [`framebuffer_update`], and the requests that
//! ask for them are sent by [`update_flow`].

pub(crate) mod framebuffer_update;
pub(crate) mod update_flow;

use crate::encoding::desktop_size::Screen;
use crate::error::{Error, Step};
use crate::event::Event;
use crate::messages::server::{
    FramebufferUpdate, ParseContext, ServerCutText, ServerMessage, SetColourMapEntries,
};
use crate::reader::Reader;
use crate::session::Context;

use self::framebuffer_update::UpdateReader;
use self::update_flow::UpdateFlow;

/// The message loop's state.
pub(crate) struct Running {
    msg: Msg,
    pub(crate) flow: UpdateFlow,
    /// The last screen layout the server sent; `Some` once it has sent ExtendedDesktopSize,
    /// so it takes SetDesktopSize.
    pub(crate) layout: Option<Vec<Screen>>,
}

/// Where the message parser is.
enum Msg {
    /// Between messages.
    Idle,
    /// Inside a FramebufferUpdate.
    Update(UpdateReader),
    /// Dropping a ServerCutText that is above the limit.
    SkipCutText { left: u32 },
}

impl Running {
    pub(crate) fn new() -> Running {
        Running {
            msg: Msg::Idle,
            flow: UpdateFlow::default(),
            layout: None,
        }
    }

    /// True between messages.
    pub(crate) fn between_messages(&self) -> bool {
        matches!(self.msg, Msg::Idle)
    }

    /// True between a FramebufferUpdate's header and its last rectangle.
    pub(crate) fn receiving_update(&self) -> bool {
        matches!(self.msg, Msg::Update(_))
    }

    /// Which step the session is in, for errors.
    pub(crate) fn step(&self) -> Step {
        match self.msg {
            Msg::Update(_) => Step::FramebufferUpdate,
            _ => Step::ServerMessage,
        }
    }

    /// One step of the message loop; false when waiting for more input.
    pub(crate) fn advance(&mut self, cx: &mut Context, r: &mut Reader) -> Result<bool, Error> {
        match &mut self.msg {
            Msg::Idle => self.message(cx, r),
            Msg::SkipCutText { left } => {
                let n = r.take_up_to(*left as usize).len() as u32;
                *left -= n;
                if *left == 0 {
                    self.msg = Msg::Idle;
                    return Ok(true);
                }
                Ok(n > 0)
            }
            Msg::Update(update) => {
                let step = update.advance(cx, r, &mut self.flow, &mut self.layout)?;
                if step.ended {
                    self.msg = Msg::Idle;
                }
                Ok(step.progressed)
            }
        }
    }

    /// Parses and applies one message.
    fn message(&mut self, cx: &mut Context, r: &mut Reader) -> Result<bool, Error> {
        let pcx = ParseContext {
            true_colour: cx.pixel_format.true_colour,
            max_cut_text: cx.config.limits.max_cut_text,
            max_audio_data: cx.config.limits.max_audio_data,
            continuous_updates: cx.announced_continuous_updates,
            fence: cx.announced_fence,
        };
        let Some(msg) = ServerMessage::parse(r, &pcx)? else {
            return Ok(false);
        };
        if !matches!(msg, ServerMessage::FramebufferUpdate(_)) {
            // Other messages' events come after the updates before them.
            cx.draw_zrle(true)?;
        }
        match msg {
            ServerMessage::FramebufferUpdate(FramebufferUpdate { rects }) => {
                self.flow.update_begins(cx, rects);
                if rects == 0 {
                    if self.flow.has_pending_format() {
                        // The switch at the end needs earlier ZRLE rectangles drawn.
                        cx.draw_zrle(true)?;
                    }
                    self.flow.end_update(cx);
                } else {
                    self.msg = Msg::Update(UpdateReader::new(rects));
                }
            }
            ServerMessage::SetColourMapEntries(SetColourMapEntries { first, rgb }) => {
                cx.conv.set_colour_map(first.into(), rgb);
            }
            ServerMessage::Bell => cx.events.push_back(Event::Bell),
            ServerMessage::Xvp(m) => cx.power.message(&cx.config, &mut cx.events, m),
            ServerMessage::QemuAudio(m) => cx.audio.message(&mut cx.events, m),
            ServerMessage::EndOfContinuousUpdates(_) => self.flow.end_of_continuous_updates(cx),
            ServerMessage::Fence(f) => self.flow.fence(cx, f)?,
            ServerMessage::ServerCutText(ServerCutText::Text(text)) => {
                cx.clipboard.latin1_text(&mut cx.events, text);
            }
            ServerMessage::ServerCutText(ServerCutText::Extended(payload)) => {
                let Context {
                    config,
                    events,
                    io,
                    clipboard,
                    ..
                } = cx;
                clipboard.extended(config, events, &mut io.out, payload)?;
            }
            ServerMessage::ServerCutText(ServerCutText::TooLong { len, extended }) => {
                tracing::warn!(
                    len,
                    extended,
                    limit = cx.config.limits.max_cut_text,
                    "ServerCutText above the limit; dropping it"
                );
                self.msg = Msg::SkipCutText { left: len };
            }
        }
        Ok(true)
    }
}
