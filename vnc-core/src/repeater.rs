//! The UltraVNC repeater's preamble, which a viewer speaks before RFB when it reaches a server
//! through a repeater. No I/O here: the tokio adapter reads and writes these bytes.
//!
//! A repeater greets the viewer with the RFB version 0.0 (`"RFB 000.000\n"`, which is how a
//! viewer tells a repeater from a server); the viewer answers with a 250-byte block, NUL
//! padded, naming where it wants to go: `"ID:nnnn"` to meet the server that registered the
//! same ID ("mode II"), or `"host:port"` for the repeater to connect to ("mode I"). From then
//! on the repeater relays bytes and the server's own RFB handshake follows. (Facts from
//! libvncclient's `ConnectToRFBRepeater`, UltraVNC's repeater documentation and x11vnc's
//! `-connect repeater=` option.)

use std::fmt;
use std::str::FromStr;

/// The greeting a repeater sends first: RFB version 0.0.
pub const REPEATER_GREETING: &[u8; 12] = b"RFB 000.000\n";

/// The size of the block that names the destination.
pub const REPEATER_BLOCK_LEN: usize = 250;

/// Where a repeater should take this viewer: a server by ID (mode II) or a host (mode I).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Repeater(String);

/// A repeater destination that cannot be sent.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid repeater destination {input:?}: {problem} (expected ID:NUMBER or host:port, at most 249 bytes)"
)]
pub struct RepeaterError {
    /// What was typed.
    pub input: String,
    /// What is wrong with it.
    pub problem: &'static str,
}

impl Repeater {
    /// Mode II: meet the server that registered `id` with the repeater.
    ///
    /// ```
    /// use vnc_core::repeater::Repeater;
    /// assert_eq!(Repeater::id(1234).to_string(), "ID:1234");
    /// assert_eq!("ID:1234".parse(), Ok(Repeater::id(1234)));
    /// assert!("ID:12a".parse::<Repeater>().is_err());
    /// ```
    pub fn id(id: u64) -> Repeater {
        Repeater(format!("ID:{id}"))
    }

    /// Parses `ID:NUMBER` (mode II) or `host:port` (mode I, sent as given).
    pub fn parse(input: &str) -> Result<Repeater, RepeaterError> {
        let err = |problem| RepeaterError {
            input: input.to_owned(),
            problem,
        };
        if input.is_empty() {
            return Err(err("it is empty"));
        }
        // One byte stays for the terminating NUL that C repeaters rely on.
        if input.len() >= REPEATER_BLOCK_LEN {
            return Err(err("it is too long"));
        }
        if input
            .bytes()
            .any(|b| b == 0 || b.is_ascii_control() || b == b' ')
        {
            return Err(err("it contains spaces or control characters"));
        }
        if let Some(id) = input.strip_prefix("ID:") {
            if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err("an ID is a number"));
            }
        } else if !input.contains(':') {
            return Err(err("neither ID:NUMBER nor host:port"));
        }
        Ok(Repeater(input.to_owned()))
    }

    /// The 250-byte block to send after the repeater's greeting.
    pub fn block(&self) -> [u8; REPEATER_BLOCK_LEN] {
        let mut block = [0u8; REPEATER_BLOCK_LEN];
        // `parse` and `id` keep the text shorter than the block.
        block[..self.0.len()].copy_from_slice(self.0.as_bytes());
        block
    }
}

impl FromStr for Repeater {
    type Err = RepeaterError;
    fn from_str(s: &str) -> Result<Repeater, RepeaterError> {
        Repeater::parse(s)
    }
}

impl fmt::Display for Repeater {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether the first 12 bytes from a repeater are its greeting. Anything else (a VNC server's
/// real version, an HTTP answer) means the address is not a repeater.
pub fn is_greeting(first: &[u8]) -> bool {
    first == REPEATER_GREETING
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_block_is_the_text_then_nul_padding() {
        let b = Repeater::parse("ID:1234").unwrap().block();
        assert_eq!(&b[..7], b"ID:1234");
        assert!(b[7..].iter().all(|&x| x == 0));
        let b = Repeater::parse("10.0.0.5:5901").unwrap().block();
        assert_eq!(&b[..13], b"10.0.0.5:5901");
        assert!(b[13..].iter().all(|&x| x == 0));
    }

    #[test]
    fn destinations_that_cannot_be_sent_are_refused() {
        for bad in ["", "ID:", "ID:x1", "ID:1 2", "nohost", "a:\0", "ID:1\n"] {
            assert!(Repeater::parse(bad).is_err(), "{bad:?}");
        }
        let long = format!("ID:{}", "9".repeat(246));
        assert_eq!(long.len(), 249);
        assert!(Repeater::parse(&long).is_ok());
        assert!(Repeater::parse(&format!("{long}9")).is_err());
    }

    #[test]
    fn only_version_zero_is_a_greeting() {
        assert!(is_greeting(b"RFB 000.000\n"));
        assert!(!is_greeting(b"RFB 003.008\n"));
        assert!(!is_greeting(b"RFB 000.000"));
        assert!(!is_greeting(b"HTTP/1.1 400"));
    }
}
