//! The session's byte buffers: protocol input not yet parsed, protocol output, and the bytes
//! for the socket. Once VeNCrypt or anonymous TLS starts TLS, the [`TlsLayer`] sits between
//! the protocol bytes and the socket's.

use std::mem;

use crate::error::Error;
use crate::tls::TlsLayer;

#[derive(Default)]
pub(crate) struct Transport {
    /// Protocol input that began a message which has not all arrived.
    pub(crate) inbuf: Vec<u8>,
    /// Protocol bytes for the server, before TLS.
    pub(crate) out: Vec<u8>,
    /// Bytes for the socket (encrypted once TLS runs), from `wire_pos` on.
    wire: Vec<u8>,
    wire_pos: usize,
    pub(crate) tls: Option<TlsLayer>,
    /// Plaintext decrypted from one input, reused.
    pub(crate) plain_in: Vec<u8>,
}

impl Transport {
    /// Bytes written for the server and not yet sent.
    pub(crate) fn backlog(&self) -> usize {
        self.out.len() + self.wire.len() - self.wire_pos
    }

    /// Wraps what follows in TLS; what was written before goes out in the clear.
    pub(crate) fn start_tls(&mut self, layer: TlsLayer) -> Result<(), Error> {
        self.pump()?;
        self.tls = Some(layer);
        Ok(())
    }

    /// Moves protocol output to the socket buffer, through TLS when it runs.
    pub(crate) fn pump(&mut self) -> Result<(), Error> {
        match self.tls.as_mut() {
            Some(tls) => {
                if !self.out.is_empty() {
                    tls.write_plain(&self.out)?;
                    self.out.clear();
                }
                tls.write_tls(&mut self.wire)
            }
            None => {
                if self.wire_pos == self.wire.len() {
                    self.wire.clear();
                    self.wire_pos = 0;
                    mem::swap(&mut self.wire, &mut self.out);
                } else {
                    self.wire.extend_from_slice(&self.out);
                    self.out.clear();
                }
                Ok(())
            }
        }
    }

    /// Frees the buffers that hold nothing (the session is between messages and everything
    /// written has gone to the socket); each grows again with the next use.
    pub(crate) fn release_buffers(&mut self) {
        if self.inbuf.is_empty() {
            self.inbuf = Vec::new();
        }
        self.plain_in = Vec::new();
        if self.out.is_empty() {
            self.out = Vec::new();
        }
        if self.wire_pos == self.wire.len() {
            self.wire = Vec::new();
            self.wire_pos = 0;
        }
    }

    /// The bytes the buffers hold on the heap (their capacity), for tests of what an idle
    /// session keeps.
    #[cfg(test)]
    pub(crate) fn heap_bytes(&self) -> usize {
        self.inbuf.capacity()
            + self.plain_in.capacity()
            + self.out.capacity()
            + self.wire.capacity()
    }

    pub(crate) fn wants_write(&self) -> bool {
        self.wire_pos < self.wire.len()
    }

    pub(crate) fn pending_output(&self) -> &[u8] {
        &self.wire[self.wire_pos..]
    }

    pub(crate) fn consume_output(&mut self, n: usize) {
        self.wire_pos = (self.wire_pos + n).min(self.wire.len());
        if self.wire_pos == self.wire.len() {
            self.wire.clear();
            self.wire_pos = 0;
        }
    }

    pub(crate) fn take_output(&mut self) -> Vec<u8> {
        let v = self.wire.split_off(self.wire_pos);
        self.wire.clear();
        self.wire_pos = 0;
        v
    }
}
