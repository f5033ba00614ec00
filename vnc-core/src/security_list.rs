//! The security-type policy as a user writes it: a list such as `x509vnc,vnc,none` (names or
//! numbers, case-insensitive) on a command line or in a widget property, parsed into
//! [`Config::security_types`](crate::Config::security_types) and checked against
//! [`Config::require_encryption`](crate::Config::require_encryption). One parser for every
//! front end, so that the same words mean the same types everywhere.

use std::str::FromStr;

use crate::security::{Protection, SecurityType};

/// Every type a list can name, in the order the error message lists them.
const ALL: [SecurityType; 15] = {
    use SecurityType::*;
    [
        X509Vnc, X509Plain, X509Sasl, X509None, TlsVnc, TlsPlain, TlsSasl, TlsNone, AnonTls, Sasl,
        VncAuth, None, Ard, MsLogonII, Plain,
    ]
};

/// Why a user's list of security types cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SecurityTypesError {
    /// A name or number that is no security type this client speaks.
    #[error(
        "unknown security type {0:?}; known: {known} (or their numbers)",
        known = known_names()
    )]
    Unknown(String),
    /// The list names no type at all.
    #[error("the list of security types is empty; known: {known}", known = known_names())]
    Empty,
    /// Encryption is required, and every listed type sends the password or the screen in the
    /// clear: no server could ever be accepted.
    #[error(
        "encryption is required, but none of the listed security types ({listed}) encrypts; \
         list one of x509vnc, x509plain, x509sasl, x509none, tlsvnc, tlsplain, tlssasl, \
         tlsnone, anontls, sasl",
        listed = SecurityType::format_list(.0)
    )]
    NothingEncrypted(Vec<SecurityType>),
}

fn known_names() -> String {
    ALL.iter()
        .map(|t| t.short_name())
        .collect::<Vec<_>>()
        .join(", ")
}

impl SecurityType {
    /// The name lists use for this type: lower case, after TigerVNC's `-SecurityTypes`
    /// names where it has one (`x509vnc`, `tlsplain`, `none`), `vnc` for VNC authentication,
    /// `anontls` for type 18, `ard` for Apple Remote Desktop, `mslogonii` for type 113, `sasl`
    /// for type 20 and `tlssasl`/`x509sasl` for VeNCrypt's SASL sub-types.
    pub fn short_name(self) -> &'static str {
        use SecurityType::*;
        match self {
            None => "none",
            VncAuth => "vnc",
            Plain => "plain",
            TlsNone => "tlsnone",
            TlsVnc => "tlsvnc",
            TlsPlain => "tlsplain",
            X509None => "x509none",
            X509Vnc => "x509vnc",
            X509Plain => "x509plain",
            AnonTls => "anontls",
            Ard => "ard",
            MsLogonII => "mslogonii",
            Sasl => "sasl",
            TlsSasl => "tlssasl",
            X509Sasl => "x509sasl",
        }
    }

    /// Parses a comma-separated list of security types, most preferred first: names as
    /// [`short_name`](Self::short_name) gives them (also `vncauth`, `tls` for type 18,
    /// `mslogon2`), or numbers (top-level types and VeNCrypt sub-types), in any case, with
    /// spaces allowed around them. A type listed twice keeps its first place. An empty
    /// string gives an empty list, which callers usually take as "the default preference".
    ///
    /// ```
    /// use vnc_core::SecurityType;
    /// assert_eq!(
    ///     SecurityType::parse_list("X509Vnc, vnc,1")?,
    ///     [SecurityType::X509Vnc, SecurityType::VncAuth, SecurityType::None]
    /// );
    /// assert!(SecurityType::parse_list("vnc,rsa-aes").is_err());
    /// # Ok::<(), vnc_core::SecurityTypesError>(())
    /// ```
    pub fn parse_list(list: &str) -> Result<Vec<SecurityType>, SecurityTypesError> {
        let mut types = Vec::new();
        for word in list.split(',').map(str::trim).filter(|w| !w.is_empty()) {
            let t: SecurityType = word.parse()?;
            if !types.contains(&t) {
                types.push(t);
            }
        }
        Ok(types)
    }

    /// The list in the form [`parse_list`](Self::parse_list) reads: short names joined by
    /// commas.
    pub fn format_list(types: &[SecurityType]) -> String {
        types
            .iter()
            .map(|t| t.short_name())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Checks a policy before connecting: the list is not empty, and when encryption is
    /// required at least one listed type encrypts (otherwise every server would be refused,
    /// whatever it offers).
    pub fn check_policy(
        types: &[SecurityType],
        require_encryption: bool,
    ) -> Result<(), SecurityTypesError> {
        if types.is_empty() {
            return Err(SecurityTypesError::Empty);
        }
        if require_encryption && types.iter().all(|t| t.protection() == Protection::Clear) {
            return Err(SecurityTypesError::NothingEncrypted(types.to_vec()));
        }
        Ok(())
    }
}

impl FromStr for SecurityType {
    type Err = SecurityTypesError;

    /// One name or number of [`SecurityType::parse_list`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let word = s.trim().to_ascii_lowercase();
        let alias = match word.as_str() {
            "vncauth" => Some(SecurityType::VncAuth),
            "tls" => Some(SecurityType::AnonTls),
            "mslogon2" => Some(SecurityType::MsLogonII),
            _ => Option::None,
        };
        alias
            .or_else(|| ALL.into_iter().find(|t| t.short_name() == word))
            .or_else(|| word.parse().ok().and_then(SecurityType::from_number))
            .ok_or_else(|| SecurityTypesError::Unknown(s.trim().to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use SecurityType::*;

    #[test]
    fn names_and_numbers_in_any_case_parse_to_the_same_types() {
        assert_eq!(
            SecurityType::parse_list("x509vnc,tlsvnc,vnc,none,ard,mslogonii,plain").unwrap(),
            [X509Vnc, TlsVnc, VncAuth, None, Ard, MsLogonII, Plain]
        );
        assert_eq!(
            SecurityType::parse_list(" 261 , TLSVnc,VncAuth,1,30,113,256 ").unwrap(),
            [X509Vnc, TlsVnc, VncAuth, None, Ard, MsLogonII, Plain]
        );
        assert_eq!(
            SecurityType::parse_list("tls,18,anontls,mslogon2").unwrap(),
            [AnonTls, MsLogonII]
        );
        assert_eq!(SecurityType::parse_list("").unwrap(), []);
        assert_eq!(SecurityType::parse_list(" , ").unwrap(), []);
    }

    #[test]
    fn every_type_round_trips_through_its_name_and_number() {
        for t in ALL {
            assert_eq!(t.short_name().parse::<SecurityType>(), Ok(t));
            assert_eq!(t.number().to_string().parse::<SecurityType>(), Ok(t));
            assert_eq!(t.short_name().to_uppercase().parse::<SecurityType>(), Ok(t));
        }
        let all = SecurityType::format_list(&ALL);
        assert_eq!(SecurityType::parse_list(&all).unwrap(), ALL);
        for t in SecurityType::default_preference() {
            assert!(ALL.contains(&t), "{t} cannot be named in a list");
        }
    }

    #[test]
    fn unknown_names_are_an_error_that_lists_the_known_ones() {
        for bad in ["vnc,rsa-aes", "19", "0", "sasl2", "x509", "4294967297"] {
            let e = SecurityType::parse_list(bad).unwrap_err();
            assert!(matches!(e, SecurityTypesError::Unknown(_)), "{bad}: {e:?}");
            let text = e.to_string();
            assert!(
                text.contains("x509vnc") && text.contains("mslogonii"),
                "{text}"
            );
        }
        assert_eq!(
            SecurityType::parse_list("SASL,x509sasl,264"),
            Ok(vec![
                SecurityType::Sasl,
                SecurityType::X509Sasl,
                SecurityType::TlsSasl
            ])
        );
        assert_eq!(
            "RSA-AES".parse::<SecurityType>(),
            Err(SecurityTypesError::Unknown("RSA-AES".into()))
        );
    }

    #[test]
    fn a_policy_that_can_accept_nothing_is_refused() {
        assert_eq!(
            SecurityType::check_policy(&[], false),
            Err(SecurityTypesError::Empty)
        );
        assert_eq!(
            SecurityType::check_policy(&[VncAuth, Plain], true),
            Err(SecurityTypesError::NothingEncrypted(vec![VncAuth, Plain]))
        );
        assert!(
            SecurityType::check_policy(&[VncAuth, Plain], true)
                .unwrap_err()
                .to_string()
                .contains("(vnc,plain)")
        );
        assert_eq!(SecurityType::check_policy(&[VncAuth, TlsVnc], true), Ok(()));
        assert_eq!(SecurityType::check_policy(&[VncAuth], false), Ok(()));
        assert_eq!(SecurityType::format_list(&[X509Vnc, None]), "x509vnc,none");
    }
}
