//! The key combination that grabs and releases keyboard and pointer (gtk-vnc's
//! `VncGrabSequence`): keys held together, the grab toggling when the last of them goes down.

use std::fmt;
use std::str::FromStr;

use gtk::gdk;
use gtk::glib;
use gtk::glib::translate::IntoGlib;

/// The most keys a grab sequence holds (gtk-vnc's combinations have two or three).
pub const MAX_GRAB_KEYS: usize = 8;

/// A grab sequence: the keys that, held together, grab keyboard and pointer into the display
/// or release them ([`VncDisplay::set_grab_sequence`](crate::VncDisplay::set_grab_sequence)).
///
/// Written as GDK key names joined by `+` (`Control_L+Alt_L`, the default), and shown to a
/// person with [`label`](Self::label) (`Ctrl+Alt`).
///
/// ```
/// use vnc_gtk::GrabSequence;
/// use gtk::gdk;
///
/// let seq: GrabSequence = "Control_R+Shift_R".parse().unwrap();
/// assert_eq!(seq.keys(), [gdk::Key::Control_R, gdk::Key::Shift_R]);
/// assert_eq!(seq.to_string(), "Control_R+Shift_R");
/// assert_eq!(seq.label(), "Right Ctrl+Right Shift");
/// assert_eq!(GrabSequence::default().label(), "Ctrl+Alt");
/// assert!("Control_L+NoSuchKey".parse::<GrabSequence>().is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, glib::Boxed)]
#[boxed_type(name = "VncRsGrabSequence")]
pub struct GrabSequence {
    keys: Vec<gdk::Key>,
}

/// Why a grab sequence could not be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GrabSequenceError {
    /// No key at all.
    #[error("a grab sequence needs at least one key")]
    Empty,
    /// More keys than [`MAX_GRAB_KEYS`].
    #[error("a grab sequence has at most {MAX_GRAB_KEYS} keys, not {0}")]
    TooLong(usize),
    /// A name GDK does not know (names as in `gdk/gdkkeysyms.h` without `GDK_KEY_`).
    #[error("{0:?} is not a GDK key name (such as Control_L, Alt_L, Shift_R, F12)")]
    UnknownKey(String),
    /// A key with no X11 keysym (GDK's `VoidSymbol`).
    #[error("{0:?} cannot be part of a grab sequence")]
    InvalidKey(String),
    /// The same key twice.
    #[error("{0} appears twice in the grab sequence")]
    Repeated(String),
}

impl GrabSequence {
    /// The sequence of `keys`, held in this order.
    pub fn new(keys: &[gdk::Key]) -> Result<Self, GrabSequenceError> {
        if keys.is_empty() {
            return Err(GrabSequenceError::Empty);
        }
        if keys.len() > MAX_GRAB_KEYS {
            return Err(GrabSequenceError::TooLong(keys.len()));
        }
        for (i, k) in keys.iter().enumerate() {
            if crate::keys::keysym(*k).is_none() {
                return Err(GrabSequenceError::InvalidKey(key_name(*k)));
            }
            if keys[..i].contains(k) {
                return Err(GrabSequenceError::Repeated(key_name(*k)));
            }
        }
        Ok(Self {
            keys: keys.to_vec(),
        })
    }

    /// The keys, in the order they are pressed.
    pub fn keys(&self) -> &[gdk::Key] {
        &self.keys
    }

    /// The keys' X11 keysyms (what gtk-vnc's `VncGrabSequence` holds).
    pub fn keysyms(&self) -> Vec<u32> {
        self.keys
            .iter()
            .filter_map(|k| crate::keys::keysym(*k))
            .collect()
    }

    /// The sequence as a person reads it: `Ctrl+Alt`, `Right Ctrl+Right Shift`, `Ctrl+F12`.
    pub fn label(&self) -> String {
        self.keys
            .iter()
            .map(|k| key_label(*k))
            .collect::<Vec<_>>()
            .join("+")
    }
}

impl Default for GrabSequence {
    /// Left Control and left Alt, as gtk-vnc's.
    fn default() -> Self {
        Self {
            keys: vec![gdk::Key::Control_L, gdk::Key::Alt_L],
        }
    }
}

impl FromStr for GrabSequence {
    type Err = GrabSequenceError;

    /// GDK key names joined by `+`; spaces around names are ignored.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let keys = s
            .split('+')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(|n| gdk::Key::from_name(n).ok_or_else(|| GrabSequenceError::UnknownKey(n.into())))
            .collect::<Result<Vec<_>, _>>()?;
        Self::new(&keys)
    }
}

impl fmt::Display for GrabSequence {
    /// GDK key names joined by `+`, as [`FromStr`] reads them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, k) in self.keys.iter().enumerate() {
            if i > 0 {
                f.write_str("+")?;
            }
            f.write_str(&key_name(*k))?;
        }
        Ok(())
    }
}

fn key_name(key: gdk::Key) -> String {
    key.name()
        .map(|n| n.to_string())
        .unwrap_or_else(|| format!("{:#x}", key.into_glib()))
}

/// A key's name for people: modifiers as keyboards label them, telling right from left where
/// the right one is asked for (the left is what "Ctrl" means to most people).
fn key_label(key: gdk::Key) -> String {
    let fixed = match key {
        gdk::Key::Control_L => "Ctrl",
        gdk::Key::Control_R => "Right Ctrl",
        gdk::Key::Alt_L => "Alt",
        gdk::Key::Alt_R => "Right Alt",
        gdk::Key::Shift_L => "Shift",
        gdk::Key::Shift_R => "Right Shift",
        gdk::Key::Super_L => "Super",
        gdk::Key::Super_R => "Right Super",
        gdk::Key::Meta_L => "Meta",
        gdk::Key::Meta_R => "Right Meta",
        gdk::Key::ISO_Level3_Shift => "AltGr",
        gdk::Key::Caps_Lock => "Caps Lock",
        _ => "",
    };
    if !fixed.is_empty() {
        return fixed.to_owned();
    }
    let label = gtk::accelerator_get_label(key, gdk::ModifierType::empty());
    if label.is_empty() {
        key_name(key)
    } else {
        label.to_string()
    }
}
