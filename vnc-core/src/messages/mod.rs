//! RFB messages after initialisation, one module per direction: [`client`] writes what the
//! client sends (RFC 6143 §7.5).

pub(crate) mod client;
