//! Security types (RFC 6143 §7.2) and how the session picks one from the server's list.

use std::fmt;

/// A security type this client can use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SecurityType {
    /// No authentication and no encryption (type 1).
    None,
    /// VNC authentication: a DES challenge-response with a password of up to 8 characters
    /// (type 2). The password is not sent, but the session is not encrypted.
    VncAuth,
}

impl SecurityType {
    /// The number on the wire.
    pub fn number(self) -> u8 {
        match self {
            SecurityType::None => 1,
            SecurityType::VncAuth => 2,
        }
    }

    /// The type for a wire number, if this client supports it.
    pub fn from_number(n: u32) -> Option<SecurityType> {
        match n {
            1 => Some(SecurityType::None),
            2 => Some(SecurityType::VncAuth),
            _ => None,
        }
    }

    /// The default preference: authentication before none, as TigerVNC orders them.
    pub fn default_preference() -> Vec<SecurityType> {
        vec![SecurityType::VncAuth, SecurityType::None]
    }

    /// The credentials this type needs from the user.
    pub(crate) fn needs(self) -> CredentialsNeeded {
        match self {
            SecurityType::None => CredentialsNeeded::default(),
            SecurityType::VncAuth => CredentialsNeeded {
                password: true,
                ..Default::default()
            },
        }
    }
}

impl fmt::Display for SecurityType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecurityType::None => f.write_str("None (1)"),
            SecurityType::VncAuth => f.write_str("VncAuth (2)"),
        }
    }
}

/// Names a security-type number for logs and errors, known to this client or not.
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

/// Picks the first type of `preference` that the server offers.
pub(crate) fn choose(preference: &[SecurityType], offered: &[u8]) -> Option<SecurityType> {
    preference
        .iter()
        .copied()
        .find(|t| offered.contains(&t.number()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preference_order_wins_and_unknown_types_are_ignored() {
        let pref = SecurityType::default_preference();
        assert_eq!(choose(&pref, &[1, 2]), Some(SecurityType::VncAuth));
        assert_eq!(choose(&pref, &[250, 1, 99]), Some(SecurityType::None));
        assert_eq!(choose(&[SecurityType::None], &[2, 19]), None);
        assert_eq!(choose(&pref, &[]), None);
    }
}
