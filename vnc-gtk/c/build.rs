//! Gives the shared library the soname under which scripts/build-gir.sh installs it, so that
//! programs linked with `-lvncrs-0.1` and the typelib load the same file.

fn main() {
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libvncrs-0.1.so.0");
}
