//! Listen (reverse) mode: servers connect to us, as with `vncviewer -listen` and x11vnc's
//! `-connect`. Only who dials differs: on every accepted stream we still speak RFB as the
//! client, so an accepted connection is an ordinary [`Connection`].

use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::task::Poll;

use ::tokio::net::{TcpListener, TcpStream};
use ::tokio::time::Instant;

use super::{ConnectOptions, Connection, Error, Stream};
use crate::{Config, Session};

/// The port viewers listen on by default (TigerVNC, libvncclient, UltraVNC).
pub const LISTEN_PORT: u16 = 5500;

/// Sockets that servers connect to, each accepted connection a session.
///
/// [`accept`](Self::accept) returns as soon as a peer's TCP connection is accepted, before
/// any RFB byte: the handshake runs in the returned [`Connection`] and is bounded by
/// [`Config::handshake_timeout`] from the moment of acceptance, so a peer that connects and
/// says nothing (or says garbage) ends with an error of that connection only and the listener
/// stays usable. To serve many servers, accept in a loop and run each connection on its own
/// task; each costs a socket and a 256 KiB read buffer until its handshake ends, so bound how
/// many run at once (for example with a `tokio::sync::Semaphore`) and keep a handshake
/// timeout when the port is reachable by strangers.
///
/// ```no_run
/// use vnc_core::{Config, Event};
/// use vnc_core::tokio::{ConnectOptions, LISTEN_PORT, Listener};
///
/// # async fn demo() -> std::io::Result<()> {
/// let listener = Listener::bind_any(LISTEN_PORT).await?;
/// loop {
///     let mut conn = match listener.accept(Config::default(), &ConnectOptions::default()).await {
///         Ok(conn) => conn,
///         Err(e) => {
///             // The listening socket's trouble (out of descriptors...): wait a little.
///             eprintln!("{e}");
///             tokio::time::sleep(std::time::Duration::from_secs(1)).await;
///             continue;
///         }
///     };
///     tokio::spawn(async move {
///         while let Ok(Some(event)) = conn.next_event().await {
///             if let Event::Initialized { name, .. } = event {
///                 println!("{} connected: {name}", conn.server());
///             }
///         }
///     });
/// }
/// # }
/// ```
#[derive(Debug)]
pub struct Listener {
    sockets: Vec<TcpListener>,
}

impl Listener {
    /// Listens on every address of `addrs` (at least one). A port 0 lets the system pick a
    /// port for the first address; later addresses with port 0 take the same port.
    pub async fn bind(addrs: &[SocketAddr]) -> io::Result<Listener> {
        let mut sockets: Vec<TcpListener> = Vec::new();
        for &addr in addrs {
            let mut addr = addr;
            if addr.port() == 0 {
                if let Some(first) = sockets.first() {
                    addr.set_port(first.local_addr()?.port());
                }
            }
            sockets.push(TcpListener::bind(addr).await?);
        }
        if sockets.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "no address to listen on",
            ));
        }
        let listener = Listener { sockets };
        tracing::debug!(addresses = ?listener.local_addrs(), "listening");
        Ok(listener)
    }

    /// Listens on `port` (0: the system picks one) of 127.0.0.1, and of ::1 where the
    /// system has IPv6: only servers on this machine (or tunnelled to it) can connect.
    pub async fn bind_loopback(port: u16) -> io::Result<Listener> {
        let mut listener = Listener::bind(&[SocketAddr::from((Ipv4Addr::LOCALHOST, port))]).await?;
        listener.add_optional(SocketAddr::from((Ipv6Addr::LOCALHOST, listener.port())));
        Ok(listener)
    }

    /// Listens on `port` (0: the system picks one) of every address, IPv6 and IPv4, as
    /// TigerVNC's and libvncclient's viewers do.
    pub async fn bind_any(port: u16) -> io::Result<Listener> {
        match Listener::bind(&[SocketAddr::from((Ipv6Addr::UNSPECIFIED, port))]).await {
            Ok(mut listener) => {
                // A dual-stack socket has IPv4 already, and then this bind fails: that is fine.
                listener.add_optional(SocketAddr::from((Ipv4Addr::UNSPECIFIED, listener.port())));
                Ok(listener)
            }
            // No IPv6 on this system.
            Err(e) if e.kind() != io::ErrorKind::AddrInUse => {
                tracing::debug!(error = %e, "cannot listen on IPv6; IPv4 only");
                Listener::bind(&[SocketAddr::from((Ipv4Addr::UNSPECIFIED, port))]).await
            }
            Err(e) => Err(e),
        }
    }

    /// Adds a socket where the system allows one (the second address family).
    fn add_optional(&mut self, addr: SocketAddr) {
        let bound = std::net::TcpListener::bind(addr).and_then(|s| {
            s.set_nonblocking(true)?;
            TcpListener::from_std(s)
        });
        match bound {
            Ok(s) => self.sockets.push(s),
            Err(e) => tracing::debug!(%addr, error = %e, "not listening there"),
        }
    }

    /// The addresses listened on, with the ports the system picked.
    pub fn local_addrs(&self) -> Vec<SocketAddr> {
        self.sockets
            .iter()
            .filter_map(|s| s.local_addr().ok())
            .collect()
    }

    /// The port listened on (the first socket's; all share it unless given apart).
    pub fn port(&self) -> u16 {
        self.local_addrs().first().map_or(0, SocketAddr::port)
    }

    /// Waits for a peer to connect on any of the sockets; returns its stream and address.
    /// Failures that concern one incoming connection only (reset before it was accepted)
    /// are skipped.
    pub async fn accept_stream(&self) -> io::Result<(TcpStream, SocketAddr)> {
        loop {
            let accepted = std::future::poll_fn(|cx| {
                for s in &self.sockets {
                    if let Poll::Ready(r) = s.poll_accept(cx) {
                        return Poll::Ready(r);
                    }
                }
                Poll::Pending
            })
            .await;
            match accepted {
                Ok((stream, peer)) => {
                    let _ = stream.set_nodelay(true);
                    tracing::debug!(%peer, "accepted a connection");
                    return Ok((stream, peer));
                }
                Err(e) if is_per_connection(&e) => {
                    tracing::debug!(error = %e, "an incoming connection failed");
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Waits for a server to connect and starts a session with `config` on it, its handshake
    /// timer running from now. The connection is named by the peer's address in errors.
    /// `options` gives the read-ahead policy, threads and system roots as for
    /// [`Connection::connect`] (its timeout and repeater concern dialling out, not this). An
    /// x509 TLS server's certificate needs [`Config::server_name`] or a pinned fingerprint:
    /// an accepted peer has no host name to check.
    pub async fn accept(
        &self,
        mut config: Config,
        options: &ConnectOptions,
    ) -> Result<Connection, Error> {
        let (stream, peer) = self.accept_stream().await.map_err(|source| Error::Io {
            server: format!("listening on {:?}", self.local_addrs()),
            source,
        })?;
        if options.system_roots && config.tls.root_certificates.is_empty() {
            config.tls.system_roots_on_demand = true;
        }
        let session = Session::with_threading(config, options.threading, Instant::now().into_std());
        let mut conn = Connection::new(Stream::Tcp(stream), session, peer.to_string());
        conn.set_read_ahead(options.read_ahead);
        Ok(conn)
    }
}

/// Errors of `accept` that belong to one incoming connection, not to the listening socket.
fn is_per_connection(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionRefused
            | io::ErrorKind::Interrupted
            | io::ErrorKind::WouldBlock
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use ::tokio::io::{AsyncReadExt, AsyncWriteExt};

    fn runtime() -> ::tokio::runtime::Runtime {
        ::tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    #[test]
    fn loopback_listens_on_one_port_of_both_families() {
        runtime().block_on(async {
            let l = Listener::bind_loopback(0).await.unwrap();
            let port = l.port();
            assert_ne!(port, 0);
            for addr in l.local_addrs() {
                assert!(addr.ip().is_loopback(), "{addr}");
                assert_eq!(addr.port(), port);
            }
            // Each family reaches it (where the system has IPv6 loopback).
            for addr in l.local_addrs() {
                let mut c = TcpStream::connect(addr).await.unwrap();
                let (mut s, peer) = l.accept_stream().await.unwrap();
                assert_eq!(peer.is_ipv6(), addr.is_ipv6());
                s.write_all(b"x").await.unwrap();
                let mut b = [0u8; 1];
                c.read_exact(&mut b).await.unwrap();
                assert_eq!(&b, b"x");
            }
        });
    }

    #[test]
    fn an_accepted_peer_that_says_nothing_times_out_and_the_listener_lives_on() {
        runtime().block_on(async {
            let l = Listener::bind_loopback(0).await.unwrap();
            let addr = l.local_addrs()[0];
            let _silent = TcpStream::connect(addr).await.unwrap();
            let config = Config {
                handshake_timeout: Some(std::time::Duration::from_millis(50)),
                ..Config::default()
            };
            let mut conn = l
                .accept(config.clone(), &ConnectOptions::default())
                .await
                .unwrap();
            let e = conn.next_event().await.unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::Timeout, "{e}");
            // Garbage from the next one: its own protocol error.
            let mut junk = TcpStream::connect(addr).await.unwrap();
            junk.write_all(b"HTTP/1.1 200 OK\r\n\r\n").await.unwrap();
            let mut conn = l.accept(config, &ConnectOptions::default()).await.unwrap();
            let e = conn.next_event().await.unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::NotVnc, "{e}");
        });
    }
}
