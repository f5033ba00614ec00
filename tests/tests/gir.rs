//! The widget from other languages: libvncrs-0.1 with its header, pkg-config file and
//! introspection data, as `scripts/build-gir.sh` builds them into target/gir (scripts/test.sh
//! runs it before the tests). The Python example (PyGObject) and the C example (compiled here
//! with nothing but `pkg-config --cflags --libs vncrs-0.1`) run against a real Xvnc on their
//! own Xvfb: the remote screen appears pixel-exact in the window, typed text reaches an xterm
//! on the server, a password asked in the Python example's window opens a VNC-authenticated
//! session, and the end of the server ends the viewer through `vnc-disconnected`. The Vala
//! example (compiled with the generated vapi) does the same as the C one, the JavaScript
//! example (GJS) saves the server's screen pixel-exact, a Python script calls every kind of
//! function through introspection alone, and a C program checks the panic boundary.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use vnc_tests::gtk_support::{
    gtk_program, pointer, spawn_typing_sink, wait_desktop_shown, xdotool,
};
use vnc_tests::{TempDir, XServer, XvncOptions, assert_same, process, read_png, require, wait_for};

/// target/gir, checked to hold what the tests use.
fn gir_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/gir");
    assert!(
        dir.join("VncRs-0.1.typelib").is_file() && dir.join("vncrs-0.1.pc").is_file(),
        "{} lacks the typelib or the .pc file: run scripts/build-gir.sh --debug (scripts/test.sh does)",
        dir.display()
    );
    dir.canonicalize().unwrap()
}

/// Python with PyGObject: Debian's own, whatever `python3` is first on the PATH (pyenv).
fn python() -> Command {
    let mut cmd = Command::new("/usr/bin/python3");
    let gir = gir_dir();
    cmd.env("GI_TYPELIB_PATH", &gir)
        .env("LD_LIBRARY_PATH", &gir);
    cmd
}

/// Compiles `sources` into `out` with gcc and only `pkg-config --cflags --libs vncrs-0.1`
/// (with target/gir on PKG_CONFIG_PATH), as a C user would.
fn compile_c(sources: &[&Path], out: &Path) {
    require("gcc", "gcc");
    let gir = gir_dir();
    let mut pc = Command::new("pkg-config");
    pc.args(["--cflags", "--libs", "vncrs-0.1"])
        .env("PKG_CONFIG_PATH", &gir);
    let flags = process::output(pc).unwrap();
    assert!(flags.status.success(), "pkg-config vncrs-0.1 failed");
    let flags = String::from_utf8(flags.stdout).unwrap();
    let mut gcc = Command::new("gcc");
    gcc.args(["-Wall", "-Wextra", "-Werror", "-o"])
        .arg(out)
        .args(sources)
        .args(flags.split_whitespace());
    let built = process::output(gcc).unwrap();
    assert!(
        built.status.success(),
        "gcc: {}",
        String::from_utf8_lossy(&built.stderr)
    );
}

/// The repository's file `path`.
fn source(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

/// A viewer running on `local`, its standard output and error in files.
struct Viewer {
    child: Child,
    out: PathBuf,
    err: PathBuf,
    _dir: TempDir,
}

impl Viewer {
    fn start(mut cmd: Command, local: &XServer) -> Viewer {
        let dir = TempDir::new("gir-viewer");
        let (out, err) = (dir.path().join("out"), dir.path().join("err"));
        cmd.stdout(Stdio::from(std::fs::File::create(&out).unwrap()))
            .stderr(Stdio::from(std::fs::File::create(&err).unwrap()))
            .env("LD_LIBRARY_PATH", gir_dir());
        gtk_program(&mut cmd, &local.display);
        let child = process::spawn(cmd).expect("start the viewer");
        Viewer {
            child,
            out,
            err,
            _dir: dir,
        }
    }

    fn stdout(&self) -> String {
        std::fs::read_to_string(&self.out).unwrap_or_default()
    }

    fn stderr(&self) -> String {
        std::fs::read_to_string(&self.err).unwrap_or_default()
    }

    /// Waits for the viewer to end by itself; its exit code.
    fn wait_exit(&mut self) -> Option<i32> {
        let mut status = None;
        wait_for("the viewer to end", Duration::from_secs(20), || {
            status = self.child.try_wait().unwrap();
            status.is_some()
        });
        status.unwrap().code()
    }
}

impl Drop for Viewer {
    fn drop(&mut self) {
        process::stop(&mut self.child);
        // A test that fails shows what its viewer printed (a viewer that died or hung says
        // why).
        if std::thread::panicking() {
            eprintln!(
                "the viewer's standard output:\n{}\nits standard error:\n{}",
                self.stdout(),
                self.stderr()
            );
        }
    }
}

/// An Xvnc of 640x400 with the typing sink, its pointer in the corner (see
/// `wait_desktop_shown`), and an Xvfb larger than it for the viewer, its pointer parked
/// outside where the window will be.
fn servers(opts: XvncOptions, sink: &Path) -> (XServer, XServer) {
    let mut server = XServer::xvnc(XvncOptions {
        geometry: Some("640x400"),
        ..opts
    });
    spawn_typing_sink(&mut server, sink);
    xdotool(&server.display, &["mousemove", "0", "0"]);
    // Without a window manager the window sits at (0, 0) on the root: a white root, unlike
    // the widget's black background, tells a fitted window from a letterboxed one.
    let local = XServer::xvfb_with("1280x1024", &["-wr"]);
    xdotool(&local.display, &["mousemove", "1279", "1023"]);
    (server, local)
}

/// With the desktop shown at `at` on `local` in the window titled `title`: points at the
/// sink xterm, types a line and checks that the server got it.
fn type_into_sink(local: &XServer, server: &XServer, at: (u32, u32), title: &str, sink: &Path) {
    let wid = xdotool(
        &local.display,
        &["search", "--onlyvisible", "--name", title],
    );
    let wid = wid.lines().next().expect("the viewer's window").to_owned();
    xdotool(&local.display, &["windowfocus", "--sync", &wid]);
    let (x, y) = (at.0 as i32 + 120, at.1 as i32 + 240);
    xdotool(
        &local.display,
        &["mousemove", &x.to_string(), &y.to_string()],
    );
    wait_for(
        "the remote pointer over the xterm",
        Duration::from_secs(20),
        || pointer(&server.display) == (120, 240),
    );
    let text = "Typed through VncRs: ~|{}<>?";
    xdotool(&local.display, &["type", "--delay", "30", text]);
    xdotool(&local.display, &["key", "Return"]);
    wait_for(
        "the typed text on the server",
        Duration::from_secs(20),
        || std::fs::read_to_string(sink).is_ok_and(|s| s == format!("{text}\n")),
    );
}

/// The server ends: the viewer hears `vnc-disconnected` (it prints "disconnected") and exits
/// with status 0: a server that closes the connection after the handshake is no error.
fn server_ends(server: XServer, mut viewer: Viewer) {
    drop(server);
    let code = viewer.wait_exit();
    assert!(
        viewer.stdout().lines().any(|l| l == "disconnected"),
        "no vnc-disconnected: stdout {:?}, stderr {:?}",
        viewer.stdout(),
        viewer.stderr()
    );
    assert_eq!(code, Some(0), "stderr: {}", viewer.stderr());
}

#[test]
fn python_viewer_shows_the_desktop_takes_typing_and_hears_the_disconnect() {
    let dir = TempDir::new("gir-python");
    let sink = dir.path().join("typed.txt");
    let (server, local) = servers(XvncOptions::default(), &sink);
    let mut cmd = python();
    cmd.arg(source("examples/python/vncviewer.py"))
        .arg(format!("127.0.0.1::{}", server.port));
    let viewer = Viewer::start(cmd, &local);
    let at = wait_desktop_shown(&local, &server);
    assert!(viewer.stdout().contains("initialized 640x400"));
    type_into_sink(&local, &server, at, "vncviewer.py$", &sink);
    server_ends(server, viewer);
}

#[test]
fn python_viewer_asks_the_password_in_a_window() {
    let dir = TempDir::new("gir-python-auth");
    let sink = dir.path().join("typed.txt");
    let (server, local) = servers(
        XvncOptions {
            security: Some("VncAuth"),
            password: Some("pyth0n!"),
            ..Default::default()
        },
        &sink,
    );
    let mut cmd = python();
    cmd.arg(source("examples/python/vncviewer.py"))
        .arg(format!("127.0.0.1::{}", server.port));
    let viewer = Viewer::start(cmd, &local);
    // The example's credentials window: typed into, answered with set_credential.
    let mut ask = String::new();
    wait_for("the password window", Duration::from_secs(30), || {
        let out = vnc_tests::gtk_support::run_xdotool(
            &local.display,
            &["search", "--onlyvisible", "--name", "^Authentication$"],
        );
        ask = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        out.status.success() && !ask.is_empty()
    });
    xdotool(&local.display, &["windowfocus", "--sync", &ask]);
    xdotool(&local.display, &["type", "--delay", "30", "pyth0n!"]);
    xdotool(&local.display, &["key", "Return"]);
    wait_desktop_shown(&local, &server);
    assert!(
        viewer.stdout().contains("initialized 640x400"),
        "stderr: {}",
        viewer.stderr()
    );
    server_ends(server, viewer);
}

/// Runs the compiled viewer `exe` (the C or the Vala example) against Xvnc: the desktop
/// pixel-exact in its window titled "... - `name`", typing, the disconnect.
fn compiled_viewer_shows_the_desktop(exe: &Path, name: &str, sink: &Path) {
    let (server, local) = servers(XvncOptions::default(), sink);
    let mut cmd = Command::new(exe);
    cmd.arg(format!("127.0.0.1::{}", server.port));
    let viewer = Viewer::start(cmd, &local);
    let at = wait_desktop_shown(&local, &server);
    type_into_sink(&local, &server, at, &format!("{name}$"), sink);
    server_ends(server, viewer);
}

#[test]
fn c_viewer_built_with_pkg_config_shows_the_desktop() {
    let dir = TempDir::new("gir-c");
    let exe = dir.path().join("vncviewer-c");
    compile_c(&[&source("examples/c/vncviewer.c")], &exe);
    compiled_viewer_shows_the_desktop(&exe, "vncviewer-c", &dir.path().join("typed.txt"));
}

#[test]
fn vala_viewer_built_with_the_vapi_shows_the_desktop() {
    require("valac", "valac");
    let dir = TempDir::new("gir-vala");
    let exe = dir.path().join("vncviewer-vala");
    let gir = gir_dir();
    let mut valac = Command::new("valac");
    valac
        .arg(format!("--vapidir={}", gir.display()))
        .args(["--pkg", "gtk4", "--pkg", "vncrs-0.1", "-o"])
        .arg(&exe)
        .arg(source("examples/vala/vncviewer.vala"))
        .env("PKG_CONFIG_PATH", &gir);
    let built = process::output(valac).unwrap();
    assert!(
        built.status.success(),
        "valac: {}{}",
        String::from_utf8_lossy(&built.stdout),
        String::from_utf8_lossy(&built.stderr)
    );
    compiled_viewer_shows_the_desktop(&exe, "vncviewer-vala", &dir.path().join("typed.txt"));
}

#[test]
fn javascript_example_saves_the_screen_pixel_exact() {
    require("gjs", "gjs");
    let dir = TempDir::new("gir-gjs");
    let png = dir.path().join("screen.png");
    let server = XServer::xvnc(XvncOptions::default());
    let truth = server.settle();
    let local = XServer::xvfb("640x480");
    let mut cmd = Command::new("gjs");
    let gir = gir_dir();
    cmd.env("GI_TYPELIB_PATH", &gir)
        .arg("-m")
        .arg(source("examples/js/vncshot.js"))
        .arg(format!("127.0.0.1::{}", server.port))
        .arg(&png);
    let mut shot = Viewer::start(cmd, &local);
    assert_eq!(shot.wait_exit(), Some(0), "stderr: {}", shot.stderr());
    assert_same(&read_png(&png), &truth, "the screen saved by vncshot.js");
}

#[test]
fn python_calls_every_kind_of_function_through_introspection() {
    let server = XServer::xvnc(XvncOptions::default());
    let local = XServer::xvfb("640x480");
    let mut cmd = python();
    cmd.arg(source("tests/python/api.py"))
        .arg(format!("127.0.0.1::{}", server.port));
    let mut run = Viewer::start(cmd, &local);
    let code = run.wait_exit();
    assert_eq!(
        (code, run.stdout().trim()),
        (Some(0), "ok"),
        "stderr: {}",
        run.stderr()
    );
}

#[test]
fn the_introspection_data_leaves_nothing_out() {
    let gir = std::fs::read_to_string(gir_dir().join("VncRs-0.1.gir")).unwrap();
    assert!(
        !gir.contains("introspectable=\"0\""),
        "a function is not introspectable"
    );
    for needle in [
        "<class name=\"Display\"",
        "c:type=\"VncRsDisplay\"",
        "<glib:signal name=\"vnc-auth-credential\"",
        "<bitfield name=\"CredentialFlags\"",
        "<class name=\"Certificate\"",
        "<enumeration name=\"CertificateProblem\"",
        "<property name=\"grab-keys\"",
        "<property name=\"rotation\"",
        "<record name=\"GrabSequence\"",
        "c:identifier=\"vnc_rs_display_set_grab_sequence\"",
        "<property name=\"security-types\"",
        "<property name=\"require-encryption\"",
        "shared-library=\"libvncrs-0.1.so.0\"",
        "glib:error-domain=\"vnc-rs-display-error-quark\"",
    ] {
        assert!(gir.contains(needle), "the GIR lacks {needle}");
    }
}

#[test]
fn a_panic_under_a_c_call_becomes_vnc_error() {
    let dir = TempDir::new("gir-boundary");
    let exe = dir.path().join("boundary");
    compile_c(&[&source("tests/c/boundary.c")], &exe);
    let local = XServer::xvfb("640x480");
    let mut viewer = Viewer::start(Command::new(&exe), &local);
    let code = viewer.wait_exit();
    assert_eq!(
        code,
        Some(0),
        "stdout {:?}, stderr {:?}",
        viewer.stdout(),
        viewer.stderr()
    );
    let out = viewer.stdout();
    assert!(
        out.contains("vnc-error: ")
            && out.contains("internal error while vnc_rs_display_test_panic")
            && out.contains("a panic on purpose"),
        "{out}"
    );
}
