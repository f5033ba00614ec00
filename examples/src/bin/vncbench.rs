//! vncbench: the decode benchmark client of `../shared/perf` ("Adapter contract"), built on
//! vnc-core and its tokio adapter exactly as an application would use them.
//!
//! Usage: `BENCH_ENCODING=zrle vncbench HOST PORT`. It connects with security None, keeps the
//! server's pixel format (sends no SetPixelFormat), announces the one encoding, decodes every
//! update into the framebuffer, asks for the next update after each one, and exits 0 when the
//! server closes the connection. Last line: `updates=N rects=N pixels=N crc=XXXXXXXX` (CRC-32
//! of the final framebuffer as 0x00RRGGBB little-endian words), preceded by the throughput.
//! `BENCH_READ_AHEAD=never|always` overrides the adapter's default read-ahead policy
//! (`ReadAhead::WhenDecodeBound`), to measure each side by side.

use std::process::ExitCode;
use std::time::Instant;

use vnc_core::tokio::{ConnectOptions, Connection, ReadAhead};
use vnc_core::{Address, Config, Encoding, Event, PixelFormatRequest, SecurityType};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [host, port] = args.as_slice() else {
        eprintln!("usage: BENCH_ENCODING=raw|hextile|zrle vncbench HOST PORT");
        return ExitCode::from(2);
    };
    let name = std::env::var("BENCH_ENCODING").unwrap_or_else(|_| "zrle".into());
    let encoding: Encoding = match name.parse() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("vncbench: {e}");
            return ExitCode::from(2);
        }
    };
    let Ok(port) = port.parse::<u16>() else {
        eprintln!("vncbench: bad port {port:?}");
        return ExitCode::from(2);
    };
    let address = Address::Tcp {
        host: host.clone(),
        port,
    };
    let mut config = Config::default();
    config.security_types = vec![SecurityType::None];
    config.encodings = vec![encoding, Encoding::Raw];
    config.pixel_format = PixelFormatRequest::ServerNative;
    config.continuous_updates = true;
    let read_ahead = match std::env::var("BENCH_READ_AHEAD").as_deref() {
        Err(_) | Ok("auto") => ReadAhead::WhenDecodeBound,
        Ok("never") => ReadAhead::Never,
        Ok("always") => ReadAhead::Always,
        Ok(other) => {
            eprintln!("vncbench: BENCH_READ_AHEAD={other:?}: expected never, auto or always");
            return ExitCode::from(2);
        }
    };
    let mut options = ConnectOptions::default();
    options.read_ahead = read_ahead;
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("vncbench: {e}");
            return ExitCode::FAILURE;
        }
    };
    rt.block_on(async {
        let start = Instant::now();
        let mut conn = match Connection::connect(&address, config, &options).await {
            Ok(c) => c,
            Err(e) => {
                eprintln!("vncbench: {e}");
                return ExitCode::FAILURE;
            }
        };
        let (mut updates, mut rects, mut pixels) = (0u64, 0u64, 0u64);
        loop {
            match conn.next_event().await {
                Ok(Some(Event::FramebufferUpdated(r))) => {
                    rects += 1;
                    pixels += r.area() as u64;
                }
                Ok(Some(Event::FramebufferUpdateEnd)) => updates += 1,
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(e) => {
                    eprintln!("vncbench: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
        let secs = start.elapsed().as_secs_f64();
        let fb = conn.session().framebuffer();
        println!("{:.1} Mpix/s in {secs:.3} s", pixels as f64 / secs / 1e6);
        println!(
            "updates={updates} rects={rects} pixels={pixels} crc={:08x}",
            vnc_examples::frame_crc(fb.data())
        );
        ExitCode::SUCCESS
    })
}
