//! The address parser: never a panic, and what it accepts prints to a form it parses back to
//! the same address. The same for an UltraVNC repeater destination (`ID:n`, `host:port`),
//! whose 250-byte block is its text then NUL padding.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(r) = vnc_core::repeater::Repeater::parse(s) {
        let text = r.to_string();
        assert_eq!(vnc_core::repeater::Repeater::parse(&text).as_ref(), Ok(&r));
        let block = r.block();
        assert_eq!(&block[..text.len()], text.as_bytes());
        assert!(block[text.len()..].iter().all(|&b| b == 0), "{s:?}");
    }
    if let Ok(a) = vnc_core::Address::parse(s) {
        if let vnc_core::Address::Unix(p) = &a {
            let p = p.to_string_lossy();
            if p.trim() != p || p.is_empty() {
                return; // surrounding blanks are trimmed when parsing
            }
        }
        if let vnc_core::Address::Tcp { host, .. } = &a {
            if host.contains('/')
                || host.contains('@')
                || host.contains(']')
                || host.contains('?')
                || host.contains('#')
            {
                return; // forms only vnc:// accepts; their printed form is not vnc://
            }
        }
        let again = vnc_core::Address::parse(&a.to_string());
        assert_eq!(again.as_ref(), Ok(&a), "{s:?} -> {a} -> {again:?}");
    }
});
