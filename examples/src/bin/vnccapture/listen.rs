//! vnccapture's listen mode: wait, for a bounded time, for one server to connect to us.

use std::net::{IpAddr, SocketAddr};

use vnc_core::tokio::{Connection, Listener};

use super::{Args, Failure, connect_options, exit, failure, session_config};

/// Listens on `port` of `ip` (else of every address), says where on stderr, and accepts the
/// first server within `--listen-timeout`. Its session's handshake starts now.
pub(super) async fn accept(
    args: &Args,
    ip: Option<IpAddr>,
    port: u16,
) -> Result<Connection, Failure> {
    let bound = match ip {
        Some(ip) => Listener::bind(&[SocketAddr::new(ip, port)]).await,
        None => Listener::bind_any(port).await,
    };
    let listener =
        bound.map_err(|e| Failure(exit::CONNECT, format!("cannot listen on port {port}: {e}")))?;
    let port = listener.port();
    if args.verbosity >= 0 {
        let addrs: Vec<String> = listener
            .local_addrs()
            .iter()
            .map(ToString::to_string)
            .collect();
        // Tests and scripts read the port from this line when they asked for port 0.
        eprintln!(
            "vnccapture: listening on port {port} ({}) for a server to connect",
            addrs.join(", ")
        );
    }
    let accepted = tokio::time::timeout(
        args.listen_timeout,
        listener.accept(session_config(args), &connect_options(args)),
    )
    .await;
    match accepted {
        Ok(r) => r.map_err(failure),
        Err(_) => Err(Failure(
            exit::TIMEOUT,
            format!(
                "no server connected to port {port} within {:?} (--listen-timeout)",
                args.listen_timeout
            ),
        )),
    }
}
