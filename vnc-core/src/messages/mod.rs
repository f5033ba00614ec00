//! RFB messages after initialisation, one module per direction: [`client`] writes what the
//! client sends (RFC 6143 §7.5), [`server`] parses what the server sends (§7.6).

pub(crate) mod client;
pub(crate) mod server;
