//! Listen (reverse) mode for the widget: wait on a TCP port for one server to connect (as
//! with `vncviewer -listen` and x11vnc's `-connect`), then run the session on that stream.
//! Only who dials differs; on the accepted stream the widget is the RFB client as always.

use std::net::{IpAddr, SocketAddr};

use gtk::gio;
use gtk::glib::{self, clone};
use gtk::prelude::*;
use gtk::subclass::prelude::*;

use super::VncDisplay;

impl VncDisplay {
    /// Waits for one server to connect to `port` (0: the system picks a free one) on
    /// `address`, or on every address (IPv6 and IPv4) when `None`; returns the port. When a
    /// server connects, the listening socket is closed and the session starts on the
    /// connection as with [`open_stream`](Self::open_stream) (`vnc-connected`, then the
    /// handshake, bounded by the handshake timeout from that moment). The widget counts as
    /// open while it waits: [`close`](Self::close) or another `open_*` stops waiting and
    /// closes the port (with `vnc-disconnected`). An x509 TLS server needs a pinned
    /// certificate: an incoming connection has no host name to check. 5500 is the usual port
    /// (`vnc_core::tokio::LISTEN_PORT`).
    pub fn listen(&self, address: Option<IpAddr>, port: u16) -> Result<u16, glib::Error> {
        let imp = self.imp();
        let listener = gio::SocketListener::new();
        let port = match address {
            Some(ip) => {
                let wanted = gio::InetSocketAddress::from(SocketAddr::new(ip, port));
                let bound = listener.add_address(
                    &wanted,
                    gio::SocketType::Stream,
                    gio::SocketProtocol::Tcp,
                    None::<&glib::Object>,
                )?;
                bound
                    .downcast::<gio::InetSocketAddress>()
                    .map_or(port, |a| a.port())
            }
            None if port == 0 => listener.add_any_inet_port(None::<&glib::Object>)?,
            None => {
                listener.add_inet_port(port, None::<&glib::Object>)?;
                port
            }
        };
        imp.disconnect(None);
        // Open from now on: close() ends the wait with vnc-disconnected.
        imp.disconnected_emitted.set(false);
        imp.server.replace(format!("listening on port {port}"));
        tracing::debug!(port, "listening for a server");
        let attempt = imp.attempt.get();
        // close() and open_* announce the end with vnc-disconnected: close the port then, so
        // the pending accept ends instead of holding it.
        let closer = self.connect_disconnected(clone!(
            #[weak]
            listener,
            move |_| listener.close()
        ));
        glib::spawn_future_local(clone!(
            #[weak(rename_to = obj)]
            self,
            async move {
                let accepted = listener.accept_future().await;
                obj.disconnect(closer);
                listener.close();
                if obj.imp().attempt.get() != attempt {
                    // Closed or opened again meanwhile.
                    return;
                }
                let imp = obj.imp();
                match accepted {
                    Ok((conn, _)) => {
                        let name = conn
                            .remote_address()
                            .ok()
                            .and_then(|a| a.downcast::<gio::InetSocketAddress>().ok())
                            .map(|a| SocketAddr::from(a).to_string())
                            .unwrap_or_else(|| format!("the server on port {port}"));
                        tracing::debug!(peer = %name, "a server connected");
                        // Still the same opening: no vnc-disconnected between waiting and
                        // the session.
                        imp.disconnected_emitted.set(true);
                        imp.open_stream(conn.upcast(), name, None);
                    }
                    Err(e) => imp.disconnect(Some(format!("listening on port {port}: {e}"))),
                }
            }
        ));
        Ok(port)
    }
}
