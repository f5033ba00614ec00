//! Security types (RFC 6143 §7.2, VeNCrypt and anonymous TLS) and how the session picks one
//! from what the server offers.

use std::fmt;

/// A security type, or a VeNCrypt sub-type, this client can use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SecurityType {
    /// No authentication, no encryption (type 1).
    None,
    /// VNC authentication: a DES challenge-response (type 2). The password is not sent, but
    /// nothing is encrypted.
    VncAuth,
    /// VeNCrypt Plain (256): user name and password sent **without encryption**. Never in the
    /// default list; add it only when sending them in the clear is acceptable.
    Plain,
    /// VeNCrypt TLSNone (257): anonymous TLS, no authentication.
    TlsNone,
    /// VeNCrypt TLSVnc (258): anonymous TLS, then VNC authentication.
    TlsVnc,
    /// VeNCrypt TLSPlain (259): anonymous TLS, then user name and password.
    TlsPlain,
    /// VeNCrypt X509None (260): TLS with a verified certificate, no authentication.
    X509None,
    /// VeNCrypt X509Vnc (261): verified TLS, then VNC authentication.
    X509Vnc,
    /// VeNCrypt X509Plain (262): verified TLS, then user name and password.
    X509Plain,
    /// Anonymous TLS (type 18, as vino and x11vnc offer it), then None or VNC authentication.
    AnonTls,
    /// Apple Remote Desktop authentication (type 30, macOS Screen Sharing): user name and
    /// password encrypted with a key from an anonymous Diffie-Hellman exchange. An
    /// eavesdropper cannot read them, a server in the middle can, and the session is not
    /// encrypted. Last in the default list (after None).
    Ard,
    /// UltraVNC MS-Logon II (type 113): user name and password (often a Windows account's)
    /// encrypted with a key from a 64-bit Diffie-Hellman exchange, which an eavesdropper can
    /// break: as weak as Plain. Never in the default list; add it only when that is
    /// acceptable.
    MsLogonII,
    /// SASL (type 20, QEMU and libvirt): a SASL mechanism (DIGEST-MD5, SCRAM, GSSAPI, ...) run
    /// by the system's Cyrus SASL; without TLS the session then requires the mechanism's
    /// security layer (strength 56 or more), which encrypts everything after authentication.
    /// Needs the `sasl` feature.
    Sasl,
    /// VeNCrypt TLSSASL (264 in QEMU's and gtk-vnc's numbering): anonymous TLS, then SASL
    /// (QEMU also asks for SASL's security layer, which then runs inside TLS).
    TlsSasl,
    /// VeNCrypt X509SASL (263): verified TLS, then SASL.
    X509Sasl,
}

/// How much protection a security type gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Protection {
    /// Nothing is encrypted.
    Clear,
    /// Encrypted, but the server is not authenticated (anonymous TLS).
    EncryptedUnauthenticated,
    /// Encrypted to a server whose certificate was verified.
    Authenticated,
}

/// Which authentication runs inside (or without) TLS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Inner {
    None,
    Vnc,
    Plain,
    /// Type 18: a second security-type negotiation inside TLS.
    Negotiate,
    /// Apple Remote Desktop's key exchange, then user name and password.
    Ard,
    /// MS-Logon II's key exchange, then user name and password.
    MsLogonII,
    /// A SASL exchange (type 20, and VeNCrypt's SASL sub-types).
    Sasl,
}

impl SecurityType {
    /// The default preference: verified TLS first, then anonymous TLS, then VNC
    /// authentication, then none, then Apple Remote Desktop authentication. Plain without TLS
    /// and MS-Logon II (whose key exchange an eavesdropper breaks) are never in it.
    ///
    /// ARD comes last: it asks for an account's user name and password, which a server in
    /// the middle (not an eavesdropper) reads, so any other type the server offers is taken
    /// first, None included, which sends nothing. It is in the list because macOS Screen
    /// Sharing offers nothing else unless a VNC password is set.
    ///
    /// With the `sasl` feature, the SASL types follow the Plain ones of the same protection:
    /// X509SASL after X509Plain, TLSSASL after TLSPlain, and type 20 (which the session accepts
    /// only with an encrypting security layer) after anonymous TLS.
    pub fn default_preference() -> Vec<SecurityType> {
        use SecurityType::*;
        if cfg!(feature = "sasl") {
            vec![
                X509Vnc, X509Plain, X509Sasl, X509None, TlsVnc, TlsPlain, TlsSasl, TlsNone,
                AnonTls, Sasl, VncAuth, None, Ard,
            ]
        } else {
            vec![
                X509Vnc, X509Plain, X509None, TlsVnc, TlsPlain, TlsNone, AnonTls, VncAuth, None,
                Ard,
            ]
        }
    }

    /// True when this build can run the type (the SASL types need the `sasl` feature).
    pub fn is_available(self) -> bool {
        cfg!(feature = "sasl") || self.inner() != Inner::Sasl
    }

    /// The number on the wire: a top-level type (1, 2, 18) or a VeNCrypt sub-type (256+).
    pub fn number(self) -> u32 {
        use SecurityType::*;
        match self {
            None => 1,
            VncAuth => 2,
            AnonTls => 18,
            Sasl => 20,
            Ard => 30,
            MsLogonII => 113,
            Plain => 256,
            TlsNone => 257,
            TlsVnc => 258,
            TlsPlain => 259,
            X509None => 260,
            X509Vnc => 261,
            X509Plain => 262,
            X509Sasl => 263,
            TlsSasl => 264,
        }
    }

    /// The type for a number (top-level or VeNCrypt sub-type), if this client supports it.
    pub fn from_number(n: u32) -> Option<SecurityType> {
        use SecurityType::*;
        [
            None, VncAuth, AnonTls, Sasl, Ard, MsLogonII, Plain, TlsNone, TlsVnc, TlsPlain,
            X509None, X509Vnc, X509Plain, X509Sasl, TlsSasl,
        ]
        .into_iter()
        .find(|t| t.number() == n)
    }

    /// True for the VeNCrypt sub-types (256 and up).
    pub fn is_vencrypt(self) -> bool {
        self.number() >= 256
    }

    /// How much the type protects the session.
    pub fn protection(self) -> Protection {
        use SecurityType::*;
        match self {
            None | VncAuth | Plain | Ard | MsLogonII => Protection::Clear,
            // Type 20 is accepted only with SASL's encrypting layer (see `Sasl`).
            TlsNone | TlsVnc | TlsPlain | TlsSasl | AnonTls | Sasl => {
                Protection::EncryptedUnauthenticated
            }
            X509None | X509Vnc | X509Plain | X509Sasl => Protection::Authenticated,
        }
    }

    pub(crate) fn inner(self) -> Inner {
        use SecurityType::*;
        match self {
            None | TlsNone | X509None => Inner::None,
            VncAuth | TlsVnc | X509Vnc => Inner::Vnc,
            Plain | TlsPlain | X509Plain => Inner::Plain,
            AnonTls => Inner::Negotiate,
            Ard => Inner::Ard,
            MsLogonII => Inner::MsLogonII,
            Sasl | TlsSasl | X509Sasl => Inner::Sasl,
        }
    }

    /// The credentials this type needs from the user.
    pub(crate) fn needs(self) -> CredentialsNeeded {
        match self.inner() {
            Inner::Vnc => CredentialsNeeded {
                username: false,
                password: true,
            },
            Inner::Plain | Inner::Ard | Inner::MsLogonII => CredentialsNeeded {
                username: true,
                password: true,
            },
            // The mechanism says what it needs when it runs (GSSAPI needs nothing).
            Inner::None | Inner::Negotiate | Inner::Sasl => CredentialsNeeded::default(),
        }
    }
}

impl fmt::Display for SecurityType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.number();
        write!(f, "{} ({n})", security_type_name(n))
    }
}

/// Names a security-type or VeNCrypt sub-type number for logs and errors, known or not. SASL
/// uses the numbering of QEMU, gtk-vnc and libvncserver (263 X509SASL, 264 TLSSASL), the
/// opposite of the rfbproto text.
pub fn security_type_name(n: u32) -> &'static str {
    match n {
        0 => "Invalid",
        1 => "None",
        2 => "VncAuth",
        5 => "RA2",
        6 => "RA2ne",
        16 => "Tight",
        17 => "Ultra",
        18 => "TLS",
        19 => "VeNCrypt",
        20 => "SASL",
        21 => "MD5",
        22 => "xvp",
        30 => "Apple ARD",
        113 => "MSLogonII",
        129 => "Unix Login",
        256 => "Plain",
        257 => "TLSNone",
        258 => "TLSVnc",
        259 => "TLSPlain",
        260 => "X509None",
        261 => "X509Vnc",
        262 => "X509Plain",
        263 => "X509SASL",
        264 => "TLSSASL",
        _ => "unknown",
    }
}

/// Which credentials the session is waiting for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CredentialsNeeded {
    /// A user name is needed.
    pub username: bool,
    /// A password is needed.
    pub password: bool,
}

/// A kind of credential that [`Session::set_credential`](crate::Session::set_credential) accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Credential {
    /// The user name (for security types that need one).
    Username,
    /// The password.
    Password,
}

/// What to answer to the server's top-level list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TopChoice {
    /// A type chosen directly (1, 2, 18, 30 or 113).
    Direct(SecurityType),
    /// VeNCrypt (19); the sub-type is chosen from the server's next list.
    Vencrypt,
}

/// Picks from the server's top-level offer by the preference list: the first preferred type
/// that the server offers directly, or through VeNCrypt when it offers that.
pub(crate) fn choose(preference: &[SecurityType], offered: &[u8]) -> Option<TopChoice> {
    let vencrypt = offered.contains(&19);
    for &t in preference {
        if t.is_vencrypt() {
            if vencrypt {
                return Some(TopChoice::Vencrypt);
            }
        } else if offered.iter().any(|&o| u32::from(o) == t.number()) {
            return Some(TopChoice::Direct(t));
        }
    }
    // TigerVNC lists None and VncAuth inside VeNCrypt too.
    (vencrypt
        && preference
            .iter()
            .any(|t| matches!(t, SecurityType::None | SecurityType::VncAuth)))
    .then_some(TopChoice::Vencrypt)
}

/// Picks a VeNCrypt sub-type.
pub(crate) fn choose_subtype(preference: &[SecurityType], offered: &[u32]) -> Option<SecurityType> {
    preference
        .iter()
        .copied()
        .filter(|t| *t != SecurityType::AnonTls)
        .find(|t| offered.contains(&t.number()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use SecurityType::*;

    #[test]
    fn preference_order_wins_and_unknown_types_are_ignored() {
        let pref = SecurityType::default_preference();
        assert_eq!(choose(&pref, &[1, 2]), Some(TopChoice::Direct(VncAuth)));
        assert_eq!(choose(&pref, &[250, 1, 99]), Some(TopChoice::Direct(None)));
        assert_eq!(choose(&pref, &[1, 2, 19]), Some(TopChoice::Vencrypt));
        assert_eq!(choose(&pref, &[1, 18]), Some(TopChoice::Direct(AnonTls)));
        assert_eq!(choose(&[None], &[2, 16]), Option::None);
        assert_eq!(choose(&[VncAuth], &[19]), Some(TopChoice::Vencrypt));
        assert_eq!(choose(&pref, &[]), Option::None);
        assert_eq!(choose_subtype(&pref, &[256, 257, 262]), Some(X509Plain));
        assert_eq!(choose_subtype(&pref, &[256, 2]), Some(VncAuth));
        assert_eq!(choose_subtype(&[X509None], &[256, 263, 264]), Option::None);
    }

    #[test]
    fn names_follow_real_world_sasl_numbering() {
        assert_eq!(security_type_name(263), "X509SASL");
        assert_eq!(security_type_name(264), "TLSSASL");
        assert_eq!(X509Vnc.to_string(), "X509Vnc (261)");
        assert_eq!(AnonTls.protection(), Protection::EncryptedUnauthenticated);
        assert_eq!(Ard.to_string(), "Apple ARD (30)");
        assert_eq!(MsLogonII.to_string(), "MSLogonII (113)");
    }

    #[test]
    fn ard_is_offered_last_and_ms_logon_ii_only_when_listed() {
        let pref = SecurityType::default_preference();
        assert_eq!(pref.last(), Some(&Ard));
        assert!(!pref.contains(&MsLogonII));
        assert_eq!(choose(&pref, &[30, 2]), Some(TopChoice::Direct(VncAuth)));
        assert_eq!(choose(&pref, &[30, 1]), Some(TopChoice::Direct(None)));
        assert_eq!(choose(&pref, &[30]), Some(TopChoice::Direct(Ard)));
        assert_eq!(choose(&pref, &[113]), Option::None);
        assert_eq!(
            choose(&[MsLogonII], &[1, 113]),
            Some(TopChoice::Direct(MsLogonII))
        );
        for t in [Ard, MsLogonII] {
            assert_eq!(SecurityType::from_number(t.number()), Some(t));
            assert_eq!(t.protection(), Protection::Clear);
            assert_eq!(
                t.needs(),
                CredentialsNeeded {
                    username: true,
                    password: true
                }
            );
        }
    }
}
