//! inflate-floor: the zlib floor for ZRLE and Tight as a program, to time beside vncbench the way the
//! lab times its own `floor inflate` (process start and reading the file included).
//!
//! Usage: `inflate-floor /tmp/perf/rec/zrle.zlib` (or `tight.zlib`), for example under
//! `hyperfine -N --runs 5 'target/release/inflate-floor /tmp/perf/rec/zrle.zlib'`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: inflate-floor FILE.zlib");
        return ExitCode::from(2);
    };
    match std::fs::read(&path) {
        Ok(data) => {
            let out = vnc_benches::inflate_side_file(&data);
            println!("in_bytes={} out_bytes={out}", data.len());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("inflate-floor: {}: {e}", path.to_string_lossy());
            ExitCode::FAILURE
        }
    }
}
