//! A zlib stream that lives as long as the connection, inflating into a reusable buffer with a
//! hard upper bound: a server cannot make one rectangle expand past what it needs.

use flate2::{Decompress, FlushDecompress, Status};

pub(crate) enum InflateError {
    /// The data would inflate past the bound.
    Overflow,
    /// zlib rejected the data.
    Corrupt(String),
}

pub(crate) struct Inflater {
    z: Decompress,
    /// Output space, grown (and zeroed) only when a rectangle needs more than ever before.
    buf: Vec<u8>,
    /// Bytes of `buf` holding output for the current rectangle.
    filled: usize,
}

impl Inflater {
    pub(crate) fn new() -> Inflater {
        Inflater {
            z: Decompress::new(true),
            buf: Vec::new(),
            filled: 0,
        }
    }

    /// Starts the output of a new rectangle.
    pub(crate) fn reset_output(&mut self) {
        self.filled = 0;
    }

    /// The output of the current rectangle so far.
    pub(crate) fn output(&self) -> &[u8] {
        &self.buf[..self.filled]
    }

    /// Inflates all of `input`, appending to the output, which may not grow past `bound`.
    pub(crate) fn inflate(&mut self, mut input: &[u8], bound: usize) -> Result<(), InflateError> {
        while !input.is_empty() {
            if self.filled == self.buf.len() && self.buf.len() < bound {
                let want = (self.buf.len() * 2).max(64 << 10).min(bound);
                self.buf.resize(want, 0);
            }
            let end = self.buf.len().min(bound);
            let mut probe = [0u8; 1];
            // At the bound, inflate into a 1-byte probe: any output at all is an overflow.
            let out: &mut [u8] = if self.filled < end {
                &mut self.buf[self.filled..end]
            } else {
                &mut probe
            };
            let at_bound = self.filled >= end;
            let (in0, out0) = (self.z.total_in(), self.z.total_out());
            let status = self
                .z
                .decompress(input, out, FlushDecompress::None)
                .map_err(|e| InflateError::Corrupt(e.to_string()))?;
            let consumed = (self.z.total_in() - in0) as usize;
            let produced = (self.z.total_out() - out0) as usize;
            if at_bound && produced > 0 {
                return Err(InflateError::Overflow);
            }
            self.filled += produced;
            input = &input[consumed..];
            if status == Status::StreamEnd && !input.is_empty() {
                return Err(InflateError::Corrupt(
                    "data after the end of the zlib stream".into(),
                ));
            }
            if consumed == 0 && produced == 0 {
                // zlib can always make progress with input and output space; if it does not,
                // the stream is stuck and looping would never end.
                return Err(InflateError::Corrupt(
                    "the zlib stream made no progress".into(),
                ));
            }
        }
        Ok(())
    }
}
