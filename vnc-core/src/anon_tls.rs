//! Anonymous Diffie-Hellman TLS (VeNCrypt TLSNone/TLSVnc/TLSPlain and security type 18), which
//! rustls does not implement, through the system OpenSSL. The only module that names OpenSSL.
//! It is sans-IO like the rest: OpenSSL reads and writes memory buffers, never a socket.
//! Such a session is encrypted but the server is not authenticated.

use std::io::{self, Read, Write};

use openssl::ssl::{
    ErrorCode, HandshakeError, MidHandshakeSslStream, Ssl, SslContext, SslMethod, SslStream,
    SslVersion,
};

use crate::error::Error;

/// The memory "socket" OpenSSL talks to.
#[derive(Default, Debug)]
struct Pipe {
    incoming: Vec<u8>,
    pos: usize,
    outgoing: Vec<u8>,
}

impl Read for Pipe {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let avail = &self.incoming[self.pos..];
        if avail.is_empty() {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        let n = avail.len().min(buf.len());
        buf[..n].copy_from_slice(&avail[..n]);
        self.pos += n;
        if self.pos == self.incoming.len() {
            self.incoming.clear();
            self.pos = 0;
        }
        Ok(n)
    }
}

impl Write for Pipe {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.outgoing.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

enum State {
    Handshaking(MidHandshakeSslStream<Pipe>),
    Ready(SslStream<Pipe>),
    Failed,
}

pub(crate) struct AnonTls {
    state: State,
    /// Plaintext written before the handshake finished.
    pending: Vec<u8>,
}

fn err(step: &str, e: impl std::fmt::Display) -> Error {
    Error::Tls {
        message: format!("anonymous TLS {step}: {e}"),
    }
}

impl AnonTls {
    pub(crate) fn new() -> Result<AnonTls, Error> {
        let mut ctx = SslContext::builder(SslMethod::tls_client()).map_err(|e| err("setup", e))?;
        // Anonymous key exchange exists only up to TLS 1.2, and OpenSSL 3 hides it below
        // security level 0. The session is still encrypted; it is the server that is not
        // authenticated, which the application is told.
        ctx.set_security_level(0);
        ctx.set_max_proto_version(Some(SslVersion::TLS1_2))
            .map_err(|e| err("setup", e))?;
        ctx.set_cipher_list("aNULL:!eNULL:@SECLEVEL=0")
            .map_err(|e| err("setup", e))?;
        let ssl = Ssl::new(&ctx.build()).map_err(|e| err("setup", e))?;
        let state = match ssl.connect(Pipe::default()) {
            Ok(s) => State::Ready(s),
            Err(HandshakeError::WouldBlock(mid)) => State::Handshaking(mid),
            Err(e) => return Err(err("handshake", e)),
        };
        Ok(AnonTls {
            state,
            pending: Vec::new(),
        })
    }

    fn pipe(&mut self) -> Option<&mut Pipe> {
        match &mut self.state {
            State::Handshaking(m) => Some(m.get_mut()),
            State::Ready(s) => Some(s.get_mut()),
            State::Failed => None,
        }
    }

    fn advance_handshake(&mut self) -> Result<(), Error> {
        if let State::Handshaking(_) = self.state {
            let State::Handshaking(mid) = std::mem::replace(&mut self.state, State::Failed) else {
                unreachable!()
            };
            self.state = match mid.handshake() {
                Ok(s) => State::Ready(s),
                Err(HandshakeError::WouldBlock(mid)) => State::Handshaking(mid),
                Err(e) => return Err(err("handshake", e)),
            };
        }
        if let State::Ready(_) = self.state {
            if !self.pending.is_empty() {
                let p = std::mem::take(&mut self.pending);
                self.write_plain(&p)?;
            }
        }
        Ok(())
    }

    pub(crate) fn read_tls(&mut self, data: &[u8], plain: &mut Vec<u8>) -> Result<(), Error> {
        let Some(pipe) = self.pipe() else {
            return Err(err("read", "the session failed earlier"));
        };
        pipe.incoming.extend_from_slice(data);
        self.advance_handshake()?;
        if let State::Ready(s) = &mut self.state {
            let mut buf = [0u8; 16 << 10];
            loop {
                match s.ssl_read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => plain.extend_from_slice(&buf[..n]),
                    Err(e) if e.code() == ErrorCode::WANT_READ => break,
                    Err(e) if e.code() == ErrorCode::ZERO_RETURN => break,
                    Err(e) => return Err(err("read", e)),
                }
            }
        }
        Ok(())
    }

    pub(crate) fn write_plain(&mut self, plain: &[u8]) -> Result<(), Error> {
        match &mut self.state {
            State::Ready(s) => s.write_all(plain).map_err(|e| err("write", e)),
            _ => {
                self.pending.extend_from_slice(plain);
                Ok(())
            }
        }
    }

    pub(crate) fn write_tls(&mut self, wire: &mut Vec<u8>) -> Result<(), Error> {
        if let Some(p) = self.pipe() {
            wire.append(&mut p.outgoing);
        }
        Ok(())
    }

    pub(crate) fn is_handshaking(&self) -> bool {
        !matches!(self.state, State::Ready(_))
    }

    pub(crate) fn describe(&self) -> String {
        match &self.state {
            State::Ready(s) => format!(
                "{} {} (anonymous)",
                s.ssl().version_str(),
                s.ssl().current_cipher().map(|c| c.name()).unwrap_or("?")
            ),
            _ => "handshaking".into(),
        }
    }
}
