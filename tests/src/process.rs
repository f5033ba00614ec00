//! Every process a test starts is started here, so that it dies with the test process even
//! when that process is killed with SIGKILL: children get `PR_SET_PDEATHSIG(SIGKILL)`, and
//! they are forked by one thread that lives as long as the process (the kernel sends that
//! signal when the *thread* that forked the child ends, and cargo test runs each test on a
//! thread of its own while servers may be shared between tests). Also here: the guard that
//! kills processes when dropped, and the private session bus of GTK programs.

use std::io::{self, BufRead, BufReader, Read};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, ChildStdout, Command, ExitStatus, Output, Stdio};
use std::sync::OnceLock;
use std::sync::mpsc;

use crate::TempDir;

type Job = (Command, mpsc::Sender<io::Result<Child>>);

/// The channel to the spawner thread. The sender lives in a static and is never dropped, so
/// the thread's loop never ends.
fn spawner() -> &'static mpsc::Sender<Job> {
    static SPAWNER: OnceLock<mpsc::Sender<Job>> = OnceLock::new();
    SPAWNER.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("vnc-tests-spawner".into())
            .spawn(move || {
                for (mut cmd, reply) in rx {
                    let _ = reply.send(cmd.spawn());
                }
            })
            .expect("start the spawner thread");
        tx
    })
}

/// Starts `cmd` (as [`Command::spawn`] does) as a child that is killed when this process
/// ends, however it ends. The standard streams are as `cmd` sets them (inherited if unset).
pub fn spawn(mut cmd: Command) -> io::Result<Child> {
    let parent = std::process::id() as libc::pid_t;
    // SAFETY: the hook runs in the child between fork and exec, where only async-signal-safe
    // calls are allowed: prctl and getppid are, and nothing here allocates (an OS error is
    // a plain number). The signal survives exec (none of the programs is set-user-ID).
    unsafe {
        cmd.pre_exec(move || {
            if libc::prctl(
                libc::PR_SET_PDEATHSIG,
                libc::SIGKILL as libc::c_ulong,
                0,
                0,
                0,
            ) != 0
            {
                return Err(io::Error::last_os_error());
            }
            // The parent may have died before the prctl: then no signal will ever come.
            if libc::getppid() != parent {
                return Err(io::Error::from_raw_os_error(libc::ESRCH));
            }
            Ok(())
        });
    }
    let (tx, rx) = mpsc::channel();
    spawner()
        .send((cmd, tx))
        .expect("the spawner thread lives as long as the process");
    rx.recv().expect("the spawner thread answers")
}

/// Runs `cmd` to completion (as [`Command::output`] does: standard input empty, output and
/// errors collected), as a child that dies with this process.
pub fn output(mut cmd: Command) -> io::Result<Output> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    spawn(cmd)?.wait_with_output()
}

/// Runs `cmd` to completion with its standard output discarded; returns its exit status,
/// its standard error and its peak resident memory in KiB (from `wait4`, so without a
/// wrapper process such as GNU time that would outlive a killed test).
#[expect(
    clippy::zombie_processes,
    reason = "the child is reaped by wait4, not Child::wait"
)]
pub fn run_measured(mut cmd: Command) -> (ExitStatus, Vec<u8>, u64) {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = spawn(cmd).expect("start the measured program");
    let mut stderr = Vec::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_end(&mut stderr)
        .unwrap();
    let mut status = 0;
    // SAFETY: plain system call on our own child (std's `Child` is not waited on after this,
    // so the pid is not reaped twice); both out-pointers are to live locals.
    let (pid, usage) = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        let pid = libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage);
        (pid, usage)
    };
    assert_eq!(
        pid,
        child.id() as libc::pid_t,
        "wait4: {}",
        io::Error::last_os_error()
    );
    // ru_maxrss is in KiB on Linux.
    (ExitStatus::from_raw(status), stderr, usage.ru_maxrss as u64)
}

/// Ends a child the way a user's session would: SIGTERM, so that it can release what
/// outlives processes (x11vnc's System V shared memory segments, an X server's lock file),
/// then SIGKILL if it is still there after `GRACE`; and reaps it.
///
/// Killing x11vnc outright leaks its 13-15 segments each time; the kernel's limit of 4,096
/// is reached after ~270 runs, and then every x11vnc on the machine fails to start.
pub fn stop(child: &mut Child) {
    const GRACE: std::time::Duration = std::time::Duration::from_secs(5);
    if let Ok(Some(_)) = child.try_wait() {
        return;
    }
    // SAFETY: a plain kill(2) on our own child, which is not reaped yet (try_wait said so),
    // so its pid cannot have been reused.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGTERM);
    }
    let start = std::time::Instant::now();
    while start.elapsed() < GRACE {
        match child.try_wait() {
            Ok(Some(_)) | Err(_) => return,
            Ok(None) => std::thread::sleep(std::time::Duration::from_millis(5)),
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// A child killed (SIGKILL) and reaped when the guard is dropped: for programs that hold
/// nothing beyond their life, such as vncviewer.
pub struct KillOnDrop(pub Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Processes stopped (see [`stop`]) and reaped when the guard is dropped, the last started
/// first.
#[derive(Default)]
pub struct Procs(pub Vec<Child>);

impl Drop for Procs {
    fn drop(&mut self) {
        for c in self.0.iter_mut().rev() {
            stop(c);
        }
    }
}

/// A D-Bus session bus of this process's own, for the GTK programs it runs (GTK itself in
/// the GTK tests, vncviewer as a child): its address, for `DBUS_SESSION_BUS_ADDRESS`.
///
/// Without one, GLib asks `dbus-launch --autolaunch` (package dbus-x11, on every desktop) for
/// a bus bound to the X display of the moment, the test's Xvfb; when the test stops that
/// Xvfb the bus goes too, and GDBus ends the process with SIGTERM. This bus lives exactly as
/// long as this process. It activates no services, so it has no children of its own.
pub fn session_bus() -> &'static str {
    struct Bus {
        address: String,
        _daemon: Child,
        // Kept open: a closed pipe would kill the daemon if it ever wrote there again.
        _stdout: BufReader<ChildStdout>,
    }
    static BUS: OnceLock<Bus> = OnceLock::new();
    &BUS.get_or_init(|| {
        crate::require("dbus-daemon", "dbus");
        let dir = TempDir::new("dbus");
        let config = dir.path().join("session.conf");
        std::fs::write(
            &config,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:abstract={}</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
                // Abstract: no socket file is left behind when the daemon is killed.
                dir.path().file_name().unwrap().to_string_lossy()
            ),
        )
        .unwrap();
        let mut cmd = Command::new("dbus-daemon");
        cmd.arg("--nofork")
            .arg("--print-address=1")
            .arg(format!("--config-file={}", config.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            // It complains that it cannot raise its descriptor limit when run as root without
            // that capability (as in containers); a failure to start shows as no address.
            .stderr(Stdio::null());
        let mut daemon = spawn(cmd).expect("start dbus-daemon");
        let mut stdout = BufReader::new(daemon.stdout.take().unwrap());
        let mut address = String::new();
        stdout
            .read_line(&mut address)
            .expect("dbus-daemon's address");
        let address = address.trim().to_owned();
        assert!(!address.is_empty(), "dbus-daemon printed no address");
        Bus {
            address,
            _daemon: daemon,
            _stdout: stdout,
        }
    })
    .address
}
