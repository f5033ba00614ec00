//! Connecting through an UltraVNC repeater: the repeater's greeting is read and the
//! destination named (see [`vnc_core::repeater`]) before the session starts on the stream.

use gtk::gio;
use gtk::glib::{self, clone};
use gtk::prelude::*;
use gtk::subclass::prelude::*;

use vnc_core::repeater::{REPEATER_GREETING, Repeater, is_greeting};
use vnc_core::{Address, AddressError};

use super::VncDisplay;

impl VncDisplay {
    /// Connects to the UltraVNC repeater at `address` (any form
    /// [`open_address`](Self::open_address) takes) and asks it for `destination`: the server
    /// that registered an ID (`ID:1234`, mode II) or a host the repeater connects to
    /// (`host:port`, mode I). The greeting and the request are bounded by the handshake
    /// timeout; then the session runs as with [`open_stream`](Self::open_stream). The
    /// repeater's name is not the server's: an x509 TLS server behind it needs a pinned
    /// certificate.
    pub fn open_repeater(&self, address: &str, destination: &Repeater) -> Result<(), AddressError> {
        let address: Address = address.parse()?;
        let imp = self.imp();
        imp.disconnect(None);
        imp.disconnected_emitted.set(false);
        let server = address.to_string();
        // Behind the repeater the server is the destination reached through it.
        let name = format!("{server} ({destination})");
        imp.server.replace(name.clone());
        let connectable: gio::SocketConnectable = match &address {
            Address::Tcp { host, port } => gio::NetworkAddress::new(host, *port).upcast(),
            Address::Unix(path) => gio::UnixSocketAddress::new(path).upcast(),
        };
        let block = destination.block();
        let limit = imp.handshake_timeout.get();
        let attempt = imp.attempt.get();
        glib::spawn_future_local(clone!(
            #[weak(rename_to = obj)]
            self,
            async move {
                let preamble = preamble(connectable, block, server.clone());
                let result = match limit {
                    Some(t) => glib::future_with_timeout(t, preamble)
                        .await
                        .unwrap_or_else(|_| {
                            Err(format!(
                                "{server}: the repeater did not answer within {t:?}"
                            ))
                        }),
                    None => preamble.await,
                };
                let imp = obj.imp();
                if imp.attempt.get() != attempt {
                    // Closed or opened again meanwhile.
                    return;
                }
                match result {
                    Ok(conn) => {
                        // Still the same opening: no vnc-disconnected before the session.
                        imp.disconnected_emitted.set(true);
                        imp.open_stream(conn.upcast(), name, None);
                    }
                    Err(msg) => imp.disconnect(Some(msg)),
                }
            }
        ));
        Ok(())
    }
}

/// Connects, checks the repeater's greeting and sends the destination block.
async fn preamble(
    connectable: gio::SocketConnectable,
    block: [u8; vnc_core::repeater::REPEATER_BLOCK_LEN],
    server: String,
) -> Result<gio::SocketConnection, String> {
    let conn = gio::SocketClient::new()
        .connect_future(&connectable)
        .await
        .map_err(|e| format!("cannot connect to {server}: {e}"))?;
    let io_error = |e: glib::Error| format!("{server}: connection error: {e}");
    let (greeting, n, error) = conn
        .input_stream()
        .read_all_future(vec![0u8; REPEATER_GREETING.len()], glib::Priority::DEFAULT)
        .await
        .map_err(|(_, e)| io_error(e))?;
    if let Some(e) = error {
        return Err(io_error(e));
    }
    let greeting = &greeting[..n];
    if !is_greeting(greeting) {
        return Err(format!(
            "{server}: not an UltraVNC repeater: it sent {:?} instead of \"RFB 000.000\\n\"",
            String::from_utf8_lossy(greeting)
        ));
    }
    conn.output_stream()
        .write_all_future(block, glib::Priority::DEFAULT)
        .await
        .map_err(|(_, e)| io_error(e))?;
    Ok(conn)
}
