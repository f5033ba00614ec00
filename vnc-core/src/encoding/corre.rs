//! CoRRE encoding (rfbproto "CoRRE"): RRE whose subrectangle positions and sizes are one byte
//! each, so servers send rectangles of at most 255x255. Decoded by [`Rre`] in its compact form.

use crate::error::{Error, Step};
use crate::framebuffer::Rect;
use crate::reader::Reader;

use super::rre::Rre;
use super::{Decode, DecodeContext, Done};

pub(crate) struct CoRre(Rre);

impl Decode for CoRre {
    fn new(rect: Rect, _: &Reader, _: &mut DecodeContext) -> CoRre {
        CoRre(Rre::new_compact(rect))
    }

    fn decode(&mut self, r: &mut Reader, cx: &mut DecodeContext) -> Result<Option<Done>, Error> {
        let done = self
            .0
            .decode(r, cx.fb, cx.conv)
            .map_err(|e| Error::protocol(Step::FramebufferUpdate, e))?;
        Ok(done.then_some(Done::Pixels(self.0.rect)))
    }
}
