//! The security-type policy of the widget: the `security-types` property (the list a user
//! writes, as vnccapture's and vncviewer's `--security-types` take it) and
//! `require-encryption`, both applied at the next connection.

use vnc_core::SecurityType;

use super::imp::VncDisplay;

impl VncDisplay {
    /// The `security-types` property: kept in the canonical form of
    /// [`SecurityType::format_list`]; a list naming an unknown type is refused (with a
    /// warning) and the previous one kept, as an unknown name in `grab-keys` is.
    pub(super) fn set_security_types(&self, list: String) {
        match SecurityType::parse_list(&list) {
            Ok(types) => {
                self.security_types
                    .replace(SecurityType::format_list(&types));
            }
            Err(e) => {
                glib_warning(&format!(
                    "security-types {list:?}: {e}; keeping {:?}",
                    self.security_types.borrow()
                ));
            }
        }
    }

    /// The preference list the next connection uses: the property's, or the engine's default
    /// when it is empty.
    pub(super) fn security_preference(&self) -> Vec<SecurityType> {
        // The property holds only lists that parsed.
        match SecurityType::parse_list(&self.security_types.borrow()) {
            Ok(types) if !types.is_empty() => types,
            _ => SecurityType::default_preference(),
        }
    }
}

/// A programming error of the application: logged where GLib logs them (stderr by default),
/// and through tracing.
fn glib_warning(msg: &str) {
    tracing::warn!("{msg}");
    gtk::glib::g_warning!("vnc-gtk", "{}", msg);
}
