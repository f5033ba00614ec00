//! jpeg-floor: the JPEG floor for Tight as a program, to time beside vncbench. It reads a
//! side file of a recording's JPEG images (records of u16 BE width, u16 BE height, u32 BE
//! length, then the JPEG) whole, then decodes every image with one decoder into one reused
//! BGRA buffer, timing the decoding only.
//!
//! Usage: `jpeg-floor [--decoder zune|turbo] [--repeat K] FILE`, for example
//! `hyperfine -N --runs 10 'target/release/jpeg-floor --decoder turbo /tmp/perf/rec/tight-q6.jpeg'`
//! (`turbo` needs `cargo build --release -p vnc-benches --features turbojpeg`).
//! `jpeg-floor --compare FILE` (with the feature) decodes every image with both decoders and
//! prints how far apart their pixels are.

use std::process::ExitCode;
use std::time::Instant;

use vnc_benches::jpeg::{Decoder, JpegRecord, side_file};

struct Args {
    decoder: String,
    repeat: u32,
    compare: bool,
    path: std::path::PathBuf,
}

fn args() -> Result<Args, String> {
    let mut decoder = "zune".to_string();
    let mut repeat = 1;
    let mut compare = false;
    let mut path = None;
    let mut it = std::env::args_os().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .and_then(|v| v.into_string().ok())
                .ok_or(format!("{name} needs a value"))
        };
        match a.to_str() {
            Some("--decoder") => decoder = value("--decoder")?,
            Some("--repeat") => {
                repeat = value("--repeat")?
                    .parse()
                    .map_err(|e| format!("--repeat: {e}"))?
            }
            Some("--compare") => compare = true,
            Some(s) if s.starts_with('-') => return Err(format!("unknown option {s}")),
            _ if path.is_none() => path = Some(a.into()),
            _ => return Err("more than one file".into()),
        }
    }
    Ok(Args {
        decoder,
        repeat,
        compare,
        path: path.ok_or("no file")?,
    })
}

fn main() -> ExitCode {
    let args = match args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("jpeg-floor: {e}");
            eprintln!("usage: jpeg-floor [--decoder zune|turbo] [--repeat K] [--compare] FILE");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("jpeg-floor: {}: {e}", args.path.display());
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    let data = std::fs::read(&args.path).map_err(|e| e.to_string())?;
    let records = side_file(&data)?;
    let largest = records
        .iter()
        .map(|r| usize::from(r.width) * usize::from(r.height) * 4)
        .max()
        .unwrap_or(0);
    if args.compare {
        return compare(&records, largest);
    }
    let mut decoder = Decoder::named(&args.decoder)?;
    let mut out = vec![0u8; largest];
    let mut pixels = 0u64;
    let start = Instant::now();
    for _ in 0..args.repeat {
        for (i, r) in records.iter().enumerate() {
            decoder
                .decode(r, &mut out)
                .map_err(|e| format!("image {i}: {e}"))?;
            pixels += u64::from(r.width) * u64::from(r.height);
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "images={} pixels={pixels} seconds={seconds:.4} Mpix/s={:.1} decoder={}",
        records.len() as u64 * u64::from(args.repeat),
        pixels as f64 / seconds / 1e6,
        decoder.name()
    );
    Ok(())
}

/// Decodes every image with zune-jpeg and libjpeg-turbo and prints the largest and the mean
/// difference of a colour channel between the two.
fn compare(records: &[JpegRecord], largest: usize) -> Result<(), String> {
    let mut zune = Decoder::named("zune")?;
    let mut turbo = Decoder::named("turbo")?;
    let (mut a, mut b) = (vec![0u8; largest], vec![0u8; largest]);
    let (mut max, mut sum, mut channels, mut over_4) = (0u8, 0u64, 0u64, 0u64);
    for (i, r) in records.iter().enumerate() {
        zune.decode(r, &mut a)
            .map_err(|e| format!("image {i}, zune: {e}"))?;
        turbo
            .decode(r, &mut b)
            .map_err(|e| format!("image {i}, turbo: {e}"))?;
        let n = usize::from(r.width) * usize::from(r.height) * 4;
        for (p, q) in a[..n].chunks_exact(4).zip(b[..n].chunks_exact(4)) {
            if p[3] != q[3] {
                return Err(format!("image {i}: alpha {} and {}", p[3], q[3]));
            }
            for c in 0..3 {
                let d = p[c].abs_diff(q[c]);
                max = max.max(d);
                sum += u64::from(d);
                over_4 += u64::from(d > 4);
            }
        }
        channels += n as u64 / 4 * 3;
    }
    println!(
        "images={} channels={channels} max_diff={max} mean_diff={:.4} over_4={over_4}",
        records.len(),
        sum as f64 / channels.max(1) as f64
    );
    Ok(())
}
