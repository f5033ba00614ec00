//! Soak test (not in the default suite): our client connected through the tokio adapter to a
//! real Xvnc whose screen changes all the time, for SOAK_MINUTES (default 2). It reports
//! updates per second and the resident memory over time, and fails on any error or if memory
//! keeps growing after warm-up. `soak_widget.rs` does the same through the GTK widget.
//!
//!     SOAK_MINUTES=10 cargo test --release -p vnc-tests --test soak -- --ignored --nocapture

use std::time::Duration;

use vnc_core::tokio::{ConnectOptions, Connection};
use vnc_core::{Address, Config, Event};
use vnc_tests::soak::{Meter, busy_xvnc};

#[test]
#[ignore = "runs for minutes; see the module documentation"]
fn soak_tokio_client_against_a_busy_xvnc() {
    let server = busy_xvnc();
    let rt = vnc_tests::runtime();
    rt.block_on(async {
        let address: Address = format!("127.0.0.1::{}", server.port).parse().unwrap();
        let mut conn = Connection::connect(&address, Config::default(), &ConnectOptions::default())
            .await
            .unwrap();
        let mut meter = Meter::new();
        while meter.running() {
            match tokio::time::timeout(Duration::from_secs(10), conn.next_event()).await {
                Ok(Ok(Some(Event::FramebufferUpdateEnd))) => meter.update(),
                Ok(Ok(Some(_))) => {}
                Ok(Ok(None)) => panic!("the server closed the connection"),
                Ok(Err(e)) => panic!("error after {:?}: {e}", meter.elapsed()),
                Err(_) => panic!("no event for 10 s"),
            }
            meter.tick();
        }
        meter.finish();
    });
}
