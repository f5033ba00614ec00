//! `--security-types`, `--require-encryption` and `--allow-insecure` as vnccapture and
//! vncviewer read them: one policy, checked before connecting, so that a list that can accept
//! no server is a usage error rather than a refused connection.

use vnc_core::SecurityType;

/// The policy a command line asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SecurityPolicy {
    /// [`vnc_core::Config::security_types`].
    pub security_types: Vec<SecurityType>,
    /// [`vnc_core::Config::require_encryption`].
    pub require_encryption: bool,
}

/// Reads the value of `--security-types` (see [`SecurityType::parse_list`]).
pub fn parse_security_types(list: &str) -> Result<Vec<SecurityType>, String> {
    SecurityType::parse_list(list).map_err(|e| format!("--security-types: {e}"))
}

/// The policy: the listed types, or the default preference (with Plain and MS-Logon II
/// under `allow_insecure`); encryption required when asked for or `implied` (vnccapture's TLS
/// options), unless `allow_insecure`.
///
/// ```
/// use vnc_core::SecurityType;
/// use vnc_examples::security_args::security_policy;
/// let p = security_policy(Some(vec![SecurityType::TlsVnc, SecurityType::VncAuth]), true, false, false)?;
/// assert!(p.require_encryption);
/// assert!(security_policy(Some(vec![SecurityType::VncAuth]), true, false, false).is_err());
/// # Ok::<(), String>(())
/// ```
pub fn security_policy(
    listed: Option<Vec<SecurityType>>,
    require_encryption: bool,
    implied: bool,
    allow_insecure: bool,
) -> Result<SecurityPolicy, String> {
    if require_encryption && allow_insecure {
        return Err("--require-encryption and --allow-insecure contradict each other".into());
    }
    let require = (require_encryption || implied) && !allow_insecure;
    let security_types = listed.unwrap_or_else(|| {
        let mut types = SecurityType::default_preference();
        if allow_insecure {
            types.extend([SecurityType::Plain, SecurityType::MsLogonII]);
        }
        types
    });
    SecurityType::check_policy(&security_types, require).map_err(|e| {
        let why = if require && !require_encryption {
            " (TLS options imply --require-encryption; --allow-insecure lifts it)"
        } else {
            ""
        };
        format!("--security-types: {e}{why}")
    })?;
    Ok(SecurityPolicy {
        security_types,
        require_encryption: require,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use SecurityType::{MsLogonII, Plain, VncAuth, X509Vnc};

    #[test]
    fn defaults_and_lists() {
        let p = security_policy(None, false, false, false).unwrap();
        assert_eq!(p.security_types, SecurityType::default_preference());
        assert!(!p.require_encryption);
        let p = security_policy(None, false, true, true).unwrap();
        assert!(p.security_types.ends_with(&[Plain, MsLogonII]));
        assert!(!p.require_encryption);
        let p = security_policy(Some(vec![X509Vnc, VncAuth]), false, true, false).unwrap();
        assert_eq!(p.security_types, [X509Vnc, VncAuth]);
        assert!(p.require_encryption);
    }

    #[test]
    fn policies_that_accept_nothing_are_refused_with_the_reason() {
        let e = security_policy(Some(vec![VncAuth]), true, false, false).unwrap_err();
        assert!(e.contains("none of the listed security types (vnc)"), "{e}");
        let e = security_policy(Some(vec![VncAuth]), false, true, false).unwrap_err();
        assert!(e.contains("--allow-insecure lifts it"), "{e}");
        assert!(security_policy(Some(vec![]), false, false, false).is_err());
        assert!(security_policy(None, true, false, true).is_err());
    }
}
