//! Every process a test starts dies with the test process, even when that process is killed
//! with SIGKILL and no destructor runs: the test runs its own binary again as a child that
//! starts an Xvfb (from a thread that ends at once, as a test's thread does while a shared
//! server lives on), an xterm on it and a private session bus, kills that child with SIGKILL
//! and waits for all of its descendants to go.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use vnc_tests::{XServer, process, wait_for};

/// Set in the child: be the test process that gets killed.
const CHILD: &str = "VNC_TESTS_KILLED_CHILD";
const TEST: &str = "children_die_with_a_test_process_killed_by_sigkill";

#[test]
fn children_die_with_a_test_process_killed_by_sigkill() {
    if std::env::var_os(CHILD).is_some() {
        be_the_killed_child();
    }
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", TEST, "--nocapture"])
        .env(CHILD, "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped());
    let mut child = process::spawn(cmd).expect("run this test binary again");
    let mut doomed = Vec::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        if line == "ready" {
            break;
        }
        if let Some(rest) = line.strip_prefix("descendant ") {
            let (pid, comm) = rest.split_once(' ').unwrap();
            doomed.push((pid.parse::<u32>().unwrap(), comm.to_owned()));
        }
    }
    let comms: Vec<&str> = doomed.iter().map(|(_, c)| c.as_str()).collect();
    for want in ["Xvfb", "xterm", "sleep", "dbus-daemon"] {
        assert!(comms.contains(&want), "no {want} among {doomed:?}");
    }
    child.kill().unwrap();
    child.wait().unwrap();
    for (pid, comm) in &doomed {
        wait_for(
            &format!("{comm} ({pid}) to end with the killed test process"),
            Duration::from_secs(20),
            || !alive(*pid, comm),
        );
    }
}

/// Starts the processes, prints them and waits to be killed.
fn be_the_killed_child() -> ! {
    let mut server = std::thread::spawn(|| XServer::xvfb("320x240"))
        .join()
        .unwrap();
    server.spawn_client("xterm", &["-e", "sleep", "100000"]);
    process::session_bus();
    let mut all = Vec::new();
    wait_for("the xterm's command", Duration::from_secs(20), || {
        all = descendants(std::process::id());
        all.iter().any(|(_, c)| c == "sleep")
    });
    for (pid, comm) in &all {
        println!("descendant {pid} {comm}");
    }
    println!("ready");
    loop {
        std::thread::park();
    }
}

/// The descendants of `pid` (children of each of its threads, recursively), with their
/// command names.
fn descendants(pid: u32) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return out;
    };
    for task in tasks.flatten() {
        let children = std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
        for child in children.split_whitespace() {
            let child: u32 = child.parse().unwrap();
            if let Some(comm) = comm(child) {
                out.push((child, comm));
                out.extend(descendants(child));
            }
        }
    }
    out
}

fn comm(pid: u32) -> Option<String> {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .ok()
        .map(|c| c.trim_end().to_owned())
}

/// Whether `pid` is still the running process `comm` (a zombie waiting for its new parent
/// to reap it is dead already).
fn alive(pid: u32, comm: &str) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    // The state follows the command name, which is in parentheses and may hold spaces.
    let state = stat
        .rsplit_once(") ")
        .and_then(|(_, rest)| rest.chars().next());
    state != Some('Z') && self::comm(pid).as_deref() == Some(comm)
}
