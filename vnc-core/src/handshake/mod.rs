//! The handshake, one file per step: the version exchange, VNC authentication, and the
//! ClientInit/ServerInit exchange. The session's state machine calls into these.

pub(crate) mod init;
pub mod version;
pub(crate) mod vnc_auth;
