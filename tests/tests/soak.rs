//! Soak test (not in the default suite): our client connected through the tokio adapter to a
//! real Xvnc whose screen changes all the time, for SOAK_MINUTES (default 2). It reports
//! updates per second and the resident memory over time, and fails on any error or if memory
//! keeps growing after warm-up.
//!
//!     SOAK_MINUTES=10 cargo test --release -p vnc-tests --test soak -- --ignored --nocapture

use std::time::{Duration, Instant};

use vnc_core::tokio::{ConnectOptions, Connection};
use vnc_core::{Address, Config, Event};
use vnc_tests::{XServer, XvncOptions};

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

#[test]
#[ignore = "runs for minutes; see the module documentation"]
fn soak_tokio_client_against_a_busy_xvnc() {
    let minutes: f64 = std::env::var("SOAK_MINUTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2.0);
    let mut server = XServer::xvnc(XvncOptions {
        geometry: Some("1024x768"),
        ..Default::default()
    });
    // A terminal that never stops scrolling.
    server.spawn_client(
        "xterm",
        &[
            "-geometry",
            "120x45+0+0",
            "-e",
            "sh",
            "-c",
            "while :; do ls -lR /usr/share/doc; done",
        ],
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let address: Address = format!("127.0.0.1::{}", server.port).parse().unwrap();
        let mut conn = Connection::connect(&address, Config::default(), &ConnectOptions::default())
            .await
            .unwrap();
        let start = Instant::now();
        let end = start + Duration::from_secs_f64(minutes * 60.0);
        let mut updates = 0u64;
        let mut window_updates = 0u64;
        let mut last_report = start;
        let mut samples = Vec::new();
        while Instant::now() < end {
            match tokio::time::timeout(Duration::from_secs(10), conn.next_event()).await {
                Ok(Ok(Some(Event::FramebufferUpdateEnd))) => {
                    updates += 1;
                    window_updates += 1;
                }
                Ok(Ok(Some(_))) => {}
                Ok(Ok(None)) => panic!("the server closed the connection"),
                Ok(Err(e)) => panic!("error after {:?}: {e}", start.elapsed()),
                Err(_) => panic!("no event for 10 s"),
            }
            if last_report.elapsed() >= Duration::from_secs(10) {
                let rss = rss_kib();
                let secs = last_report.elapsed().as_secs_f64();
                println!(
                    "t={:>5.0}s updates/s={:>6.1} rss={} KiB",
                    start.elapsed().as_secs_f64(),
                    window_updates as f64 / secs,
                    rss
                );
                samples.push(rss);
                window_updates = 0;
                last_report = Instant::now();
            }
        }
        println!(
            "total updates: {updates} in {:.0} s, 0 errors",
            start.elapsed().as_secs_f64()
        );
        assert!(updates > 0);
        // Flat after warm-up: the last sample within 10 % (or 4 MiB) of the second.
        if samples.len() >= 3 {
            let (warm, last) = (samples[1], *samples.last().unwrap());
            assert!(
                last <= warm + (warm / 10).max(4096),
                "RSS grew from {warm} KiB to {last} KiB"
            );
        }
    });
}
