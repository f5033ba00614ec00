//! What the soak tests share: a real Xvnc whose screen never stops changing, and a meter
//! that prints updates per second and resident memory every 10 s and checks that memory is
//! flat after warm-up.

use std::time::{Duration, Instant};

use crate::{XServer, XvncOptions};

/// How long to soak: `SOAK_MINUTES` (default 2).
pub fn duration() -> Duration {
    let minutes: f64 = std::env::var("SOAK_MINUTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2.0);
    Duration::from_secs_f64(minutes * 60.0)
}

/// A 1024x768 Xvnc with a terminal that scrolls for ever.
pub fn busy_xvnc() -> XServer {
    let mut server = XServer::xvnc(XvncOptions {
        geometry: Some("1024x768"),
        ..Default::default()
    });
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
    server
}

/// Counts updates and samples memory.
pub struct Meter {
    start: Instant,
    end: Instant,
    last_report: Instant,
    updates: u64,
    window_updates: u64,
    samples: Vec<u64>,
}

impl Meter {
    /// A meter for a soak of [`duration`] from now.
    pub fn new() -> Meter {
        let now = Instant::now();
        Meter {
            start: now,
            end: now + duration(),
            last_report: now,
            updates: 0,
            window_updates: 0,
            samples: Vec::new(),
        }
    }

    /// True until the soak's time is up.
    pub fn running(&self) -> bool {
        Instant::now() < self.end
    }

    /// Time since the start.
    pub fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }

    /// One update arrived.
    pub fn update(&mut self) {
        self.updates += 1;
        self.window_updates += 1;
    }

    /// Prints and samples when 10 s have passed since the last report.
    pub fn tick(&mut self) {
        if self.last_report.elapsed() < Duration::from_secs(10) {
            return;
        }
        let rss = crate::status_kib("VmRSS:");
        let secs = self.last_report.elapsed().as_secs_f64();
        println!(
            "t={:>5.0}s updates/s={:>6.1} rss={} KiB",
            self.start.elapsed().as_secs_f64(),
            self.window_updates as f64 / secs,
            rss
        );
        self.samples.push(rss);
        self.window_updates = 0;
        self.last_report = Instant::now();
    }

    /// Prints the total and checks it: some updates, and memory flat after warm-up (the last
    /// sample within 10 % or 4 MiB of the second).
    pub fn finish(&self) {
        println!(
            "total updates: {} in {:.0} s, 0 errors",
            self.updates,
            self.start.elapsed().as_secs_f64()
        );
        assert!(self.updates > 0);
        if self.samples.len() >= 3 {
            let (warm, last) = (self.samples[1], *self.samples.last().unwrap());
            assert!(
                last <= warm + (warm / 10).max(4096),
                "RSS grew from {warm} KiB to {last} KiB"
            );
        }
    }
}

impl Default for Meter {
    fn default() -> Self {
        Meter::new()
    }
}
