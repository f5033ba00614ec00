//! The session's byte buffers: protocol input not yet parsed, protocol output, and the bytes
//! for the socket. Once VeNCrypt or anonymous TLS starts TLS, the [`TlsLayer`] sits between
//! the protocol bytes and the socket's. After SASL, its security layer (when one was agreed)
//! sits between the protocol bytes and TLS, or the socket's when there is no TLS.

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
    /// SASL's security layer, once the SecurityResult has been read.
    #[cfg(feature = "sasl")]
    pub(crate) sasl: Option<vnc_sasl::Client>,
    /// SASL's security layer, negotiated and waiting for the SecurityResult.
    #[cfg(feature = "sasl")]
    pub(crate) sasl_pending: Option<vnc_sasl::Client>,
}

#[cfg(feature = "sasl")]
fn sasl_error(e: vnc_sasl::Error) -> Error {
    Error::Sasl { message: e.message }
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

    /// How many layers (TLS, SASL's) wrap the stream: a change while protocol bytes are
    /// parsed means that what follows is wrapped once more.
    pub(crate) fn layers(&self) -> u8 {
        #[cfg(feature = "sasl")]
        let sasl = u8::from(self.sasl.is_some());
        #[cfg(not(feature = "sasl"))]
        let sasl = 0;
        u8::from(self.tls.is_some()) + sasl
    }

    /// Wraps what follows in SASL's security layer; what was written before goes out as it is.
    #[cfg(feature = "sasl")]
    pub(crate) fn start_sasl(&mut self, client: vnc_sasl::Client) -> Result<(), Error> {
        self.pump()?;
        self.sasl = Some(client);
        Ok(())
    }

    /// Unwraps bytes from the socket (TLS records, SASL frames, or SASL frames inside TLS
    /// records) into `plain`.
    pub(crate) fn read_layer(&mut self, data: &[u8], plain: &mut Vec<u8>) -> Result<(), Error> {
        #[cfg(feature = "sasl")]
        if self.sasl.is_some() {
            let Some(tls) = self.tls.as_mut() else {
                return self.read_sasl(data, plain);
            };
            let mut frames = Vec::with_capacity(data.len());
            tls.read_tls(data, &mut frames)?;
            return self.read_sasl(&frames, plain);
        }
        match self.tls.as_mut() {
            Some(tls) => tls.read_tls(data, plain),
            None => Ok(()),
        }
    }

    /// Unwraps SASL's security layer only: for bytes that TLS already decrypted when SASL's
    /// layer started in their middle.
    #[cfg(feature = "sasl")]
    pub(crate) fn read_sasl(&mut self, frames: &[u8], plain: &mut Vec<u8>) -> Result<(), Error> {
        match self.sasl.as_mut() {
            Some(sasl) => sasl.decode(frames, plain).map_err(sasl_error),
            None => Ok(()),
        }
    }

    /// Moves protocol output to the socket buffer, through SASL's layer and TLS when they
    /// run.
    pub(crate) fn pump(&mut self) -> Result<(), Error> {
        #[cfg(feature = "sasl")]
        if let Some(sasl) = self.sasl.as_mut() {
            if !self.out.is_empty() {
                let mut frames = Vec::with_capacity(self.out.len() + 64);
                sasl.encode(&self.out, &mut frames).map_err(sasl_error)?;
                self.out = frames;
            }
        }
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
