//! `VncDisplay`: a GTK 4 widget that shows a remote desktop and forwards keyboard and pointer,
//! the GTK 4 counterpart of gtk-vnc's `VncDisplay`.
//!
//! The widget drives a [`vnc_core::Session`] from the glib main loop: a gio socket read with
//! `glib::spawn_future_local`, writes as the session produces them, no second thread and no
//! other runtime. Properties and signals follow gtk-vnc's names where they make sense.
//!
//! Feature `audio` (off by default; needs `libpulse-dev` to build) plays a QEMU guest's sound
//! when the `audio` property is on, through PulseAudio's client library run on the same main
//! loop (PipeWire desktops serve it through pipewire-pulse):
//!
//! ```no_run
//! # let display = vnc_gtk::VncDisplay::new();
//! display.set_audio(true);
//! ```
//!
//! ```no_run
//! use gtk::prelude::*;
//! use vnc_gtk::VncDisplay;
//!
//! let app = gtk::Application::new(Some("org.example.Viewer"), Default::default());
//! app.connect_activate(|app| {
//!     let display = VncDisplay::new();
//!     display.connect_auth_credential(|display, _needs| {
//!         display.set_password("secret");
//!     });
//!     display.open_address("localhost:1").unwrap();
//!     let window = gtk::ApplicationWindow::new(app);
//!     window.set_child(Some(&display));
//!     window.present();
//! });
//! app.run();
//! ```

#![deny(unsafe_code)]

#[cfg(feature = "audio")]
mod audio;
mod certificate;
mod display;
mod grab_sequence;
pub mod keymap;
mod keys;
mod render;
mod sys;

pub use certificate::{Certificate, CertificateProblem};
pub use display::{CredentialFlags, Depth, DisplayCredential, KeyEvent, VncDisplay};
pub use grab_sequence::{GrabSequence, GrabSequenceError, MAX_GRAB_KEYS};
#[doc(hidden)]
pub use render::PixelMemory;
