//! The ProtocolVersion exchange (RFC 6143 §7.1.1): parse the server's 12 bytes and pick the
//! version to answer with.

use std::fmt;

use crate::error::Error;
use crate::event::Event;
use crate::reader::Reader;
use crate::session::Context;

use super::security::Security;
use super::{Handshake, Next, go, wait};

/// An RFB protocol version this client speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProtocolVersion {
    /// RFB 3.3: the server picks the security type.
    V3_3,
    /// RFB 3.7: the client picks from a list.
    V3_7,
    /// RFB 3.8: as 3.7, plus failure reasons and a SecurityResult after None.
    V3_8,
}

impl ProtocolVersion {
    /// The 12 bytes the client answers with.
    pub fn wire(self) -> &'static [u8; 12] {
        match self {
            ProtocolVersion::V3_3 => b"RFB 003.003\n",
            ProtocolVersion::V3_7 => b"RFB 003.007\n",
            ProtocolVersion::V3_8 => b"RFB 003.008\n",
        }
    }
}

impl fmt::Display for ProtocolVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ProtocolVersion::V3_3 => "3.3",
            ProtocolVersion::V3_7 => "3.7",
            ProtocolVersion::V3_8 => "3.8",
        })
    }
}

/// The first step: the server's version string in, ours out.
pub(crate) fn advance(cx: &mut Context, r: &mut Reader) -> Result<Next, Error> {
    let Some(bytes) = r.array::<12>() else {
        return wait(Handshake::Version);
    };
    let v = negotiate(&bytes)?;
    tracing::debug!(server = %bytes.escape_ascii(), chosen = %v, "protocol version");
    cx.version = Some(v);
    cx.io.out.extend_from_slice(v.wire());
    cx.events.push_back(Event::VersionNegotiated(v));
    go(Security::start(v, false))
}

/// Parses the server's version string and chooses ours.
///
/// 3.3 to 3.6 are answered as 3.3 (3.4 and 3.6 were vendor variants of it); 3.7 as 3.7; 3.8
/// and any later 3.x (Apple's 3.889 among them) as 3.8, the newest we know, as RFC 6143 asks;
/// 4.x and 5.x (RealVNC) as 3.8. Anything else is an error naming what was sent.
pub(crate) fn negotiate(bytes: &[u8; 12]) -> Result<ProtocolVersion, Error> {
    let not_rfb = || Error::NotRfb {
        got: bytes.escape_ascii().to_string(),
    };
    if &bytes[..4] != b"RFB " || bytes[7] != b'.' || bytes[11] != b'\n' {
        return Err(not_rfb());
    }
    let num = |s: &[u8]| -> Option<u16> {
        s.iter().try_fold(0u16, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u16::from(c - b'0'))
        })
    };
    let (Some(major), Some(minor)) = (num(&bytes[4..7]), num(&bytes[8..11])) else {
        return Err(not_rfb());
    };
    match (major, minor) {
        (3, 3..=6) => Ok(ProtocolVersion::V3_3),
        (3, 7) => Ok(ProtocolVersion::V3_7),
        (3, 8..) | (4 | 5, _) => Ok(ProtocolVersion::V3_8),
        _ => Err(Error::UnsupportedVersion { major, minor }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Result<ProtocolVersion, Error> {
        negotiate(s.as_bytes().try_into().unwrap())
    }

    #[test]
    fn known_versions() {
        use ProtocolVersion::*;
        assert_eq!(v("RFB 003.003\n").unwrap(), V3_3);
        assert_eq!(v("RFB 003.005\n").unwrap(), V3_3);
        assert_eq!(v("RFB 003.006\n").unwrap(), V3_3);
        assert_eq!(v("RFB 003.007\n").unwrap(), V3_7);
        assert_eq!(v("RFB 003.008\n").unwrap(), V3_8);
        assert_eq!(v("RFB 003.889\n").unwrap(), V3_8);
        assert_eq!(v("RFB 004.001\n").unwrap(), V3_8);
        assert_eq!(v("RFB 005.000\n").unwrap(), V3_8);
    }

    #[test]
    fn bad_versions_name_what_was_sent() {
        let e = v("RFB 003.002\n").unwrap_err();
        assert!(
            matches!(e, Error::UnsupportedVersion { major: 3, minor: 2 }),
            "{e}"
        );
        assert!(matches!(
            v("RFB 006.000\n"),
            Err(Error::UnsupportedVersion { major: 6, .. })
        ));
        let e = v("SSH-2.0-Open").unwrap_err();
        assert!(e.to_string().contains("SSH-2.0-Open"), "{e}");
        assert!(matches!(v("RFB 0x3.008\n"), Err(Error::NotRfb { .. })));
        assert!(matches!(v("RFB 003.008 "), Err(Error::NotRfb { .. })));
    }
}
