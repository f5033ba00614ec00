//! Benchmarks live in benches/decoders.rs (cargo bench -p vnc-benches).
