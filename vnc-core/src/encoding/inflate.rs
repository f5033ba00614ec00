//! A zlib stream that lives as long as the connection. It inflates into a caller's window and
//! reports how much it consumed and produced; it never allocates per call.

use flate2::{Decompress, FlushDecompress, Status};

/// The result of one [`Inflater::inflate`] call.
pub(crate) struct Inflated {
    pub(crate) consumed: usize,
    pub(crate) produced: usize,
    pub(crate) error: Option<String>,
}

pub(crate) struct Inflater {
    z: Decompress,
    ended: bool,
}

impl Inflater {
    pub(crate) fn new() -> Inflater {
        Inflater {
            z: Decompress::new(true),
            ended: false,
        }
    }

    /// Inflates from `input` into `out`; returns bytes consumed and produced, and an error for
    /// corrupt data, data past the end of the stream, or a stream that makes no progress. What
    /// was produced before an error is valid output (so the caller can use it first and report
    /// errors in stream order).
    pub(crate) fn inflate(&mut self, input: &[u8], out: &mut [u8]) -> Inflated {
        let (in0, out0) = (self.z.total_in(), self.z.total_out());
        let result = self.inflate_inner(input, out);
        Inflated {
            consumed: (self.z.total_in() - in0) as usize,
            produced: (self.z.total_out() - out0) as usize,
            error: result.err(),
        }
    }

    fn inflate_inner(&mut self, input: &[u8], out: &mut [u8]) -> Result<(), String> {
        if self.ended {
            return if input.is_empty() {
                Ok(())
            } else {
                Err("data after the end of the zlib stream".into())
            };
        }
        let (in0, out0) = (self.z.total_in(), self.z.total_out());
        let status = self
            .z
            .decompress(input, out, FlushDecompress::None)
            .map_err(|e| e.to_string())?;
        let consumed = (self.z.total_in() - in0) as usize;
        let produced = (self.z.total_out() - out0) as usize;
        if status == Status::StreamEnd {
            self.ended = true;
            if consumed < input.len() {
                return Err("data after the end of the zlib stream".into());
            }
        }
        if consumed == 0 && produced == 0 && !input.is_empty() && !out.is_empty() {
            // zlib can always make progress with input and output space; if it does not,
            // the stream is stuck and looping would never end.
            return Err("the zlib stream made no progress".into());
        }
        Ok(())
    }
}
