//! Benchmarks live in benches/decoders.rs (cargo bench -p vnc-benches); this library holds
//! what they share with the `inflate-floor` and `jpeg-floor` binaries.

pub mod jpeg;

/// Inflates the zlib payloads of a `../shared/perf` side file (`rec/zrle.zlib`,
/// `rec/tight.zlib`: records of u8 stream, u8 reset mask, u32 big-endian length, data; ZRLE
/// has one stream, Tight four, which a record with reset bits starts afresh) with the zlib
/// that vnc-core uses (zlib-rs through flate2) and an output window of the decoder's size, and
/// nothing else. Returns the bytes produced.
///
/// ```
/// // An empty file inflates to nothing.
/// assert_eq!(vnc_benches::inflate_side_file(&[]), 0);
/// ```
pub fn inflate_side_file(data: &[u8]) -> u64 {
    let mut streams: [Option<flate2::Decompress>; 4] = Default::default();
    let mut out = vec![0u8; 64 << 10];
    let mut produced = 0;
    let mut rest = data;
    while rest.len() >= 6 {
        let (stream, resets) = (usize::from(rest[0] & 3), rest[1]);
        let len = u32::from_be_bytes([rest[2], rest[3], rest[4], rest[5]]) as usize;
        let mut input = &rest[6..6 + len];
        rest = &rest[6 + len..];
        for (i, z) in streams.iter_mut().enumerate() {
            if resets & (1 << i) != 0 {
                *z = None;
            }
        }
        if input.is_empty() {
            continue;
        }
        let z = streams[stream].get_or_insert_with(|| flate2::Decompress::new(true));
        loop {
            let before = (z.total_in(), z.total_out());
            z.decompress(input, &mut out, flate2::FlushDecompress::Sync)
                .expect("inflate");
            input = &input[(z.total_in() - before.0) as usize..];
            let n = z.total_out() - before.1;
            produced += n;
            // Done with this payload once its input is taken and the window was not filled.
            if input.is_empty() && n < out.len() as u64 {
                break;
            }
        }
    }
    produced
}
