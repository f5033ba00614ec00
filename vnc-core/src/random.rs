//! Randomness for the handshake's Diffie-Hellman key exchanges (ARD, MS-Logon II): the
//! system's generator through ring (already here for rustls), or under test a fixed source,
//! so that known-answer vectors are deterministic while the engine stays sans-IO.

use ring::rand::{SecureRandom, SystemRandom};

use crate::error::Error;

/// A fixed source of bytes, for tests: it fills each buffer it is handed.
#[cfg(any(test, feature = "testing"))]
pub(crate) type FixedSource = Box<dyn FnMut(&mut [u8]) + Send + Sync>;

/// Where the session's random bytes come from.
#[derive(Default)]
pub(crate) struct Random {
    #[cfg(any(test, feature = "testing"))]
    pub(crate) fixed: Option<FixedSource>,
}

impl Random {
    /// Fills `buf`; a system generator that fails is an error, never weak bytes.
    pub(crate) fn fill(&mut self, buf: &mut [u8]) -> Result<(), Error> {
        #[cfg(any(test, feature = "testing"))]
        if let Some(f) = &mut self.fixed {
            f(buf);
            return Ok(());
        }
        SystemRandom::new()
            .fill(buf)
            .map_err(|_| Error::RandomnessUnavailable)
    }
}
