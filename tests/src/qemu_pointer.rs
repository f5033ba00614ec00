//! QEMU for the pointer tests: a PC that runs (input reaches the guest only while it runs),
//! with its PS/2 mouse alone (relative) or with a USB tablet (absolute), tracing the input
//! events QEMU's input core receives; and those events read back from the trace.

use crate::qemu::{Qemu, QemuSetup};

/// What [`IDLE`] writes to the debug console once it runs.
const IDLE_READY: &str = "idle\n";

/// A boot sector (x86 real mode, hand-assembled) that writes [`IDLE_READY`] to the debug
/// console (port 0x402), then halts with interrupts on, for ever.
const IDLE: [u8; 512] = idle();

const fn idle() -> [u8; 512] {
    let mut s = [0u8; 512];
    // mov dx, 0x402
    s[0] = 0xBA;
    s[1] = 0x02;
    s[2] = 0x04;
    let mut at = 3;
    let msg = IDLE_READY.as_bytes();
    let mut i = 0;
    while i < msg.len() {
        // mov al, c; out dx, al
        s[at] = 0xB0;
        s[at + 1] = msg[i];
        s[at + 2] = 0xEE;
        at += 3;
        i += 1;
    }
    // sti; halt: hlt; jmp halt
    s[at] = 0xFB;
    s[at + 1] = 0xF4;
    s[at + 2] = 0xEB;
    s[at + 3] = 0xFD;
    s[510] = 0x55;
    s[511] = 0xAA;
    s
}

/// The QEMU trace events of pointer input (QEMU 7.2's names).
pub const POINTER_TRACE: [&str; 3] = ["input_event_rel", "input_event_abs", "input_event_btn"];

/// Starts QEMU running an idle boot sector and tracing [`POINTER_TRACE`]; with `tablet`, a USB tablet
/// too (`-usb -device usb-tablet`), which makes the pointer absolute.
pub fn start_pointer_qemu(tablet: bool) -> Qemu {
    let args: &[&str] = if tablet {
        &["-usb", "-device", "usb-tablet"]
    } else {
        &[]
    };
    Qemu::start_setup(QemuSetup {
        trace: &POINTER_TRACE,
        boot: Some((&IDLE, IDLE_READY)),
        args,
        ..QemuSetup::default()
    })
}

/// Makes the USB tablet QEMU's active mouse, as the guest's USB driver would by polling it
/// (no guest here has one): the HMP command `mouse_set` with the tablet's index from
/// `info mice`. QEMU's pointer mode turns absolute.
pub fn activate_tablet(q: &Qemu) {
    let hmp = |line: &str| {
        q.qmp(&format!(
            "{{\"execute\":\"human-monitor-command\",\"arguments\":{{\"command-line\":\"{line}\"}}}}"
        ))
    };
    // "  Mouse #3: QEMU HID Tablet (absolute)\r\n", escaped in the QMP answer.
    let mice = hmp("info mice");
    let index: String = mice
        .split("Mouse #")
        .find(|m| m.contains("Tablet"))
        .unwrap_or_else(|| panic!("no tablet in {mice}"))
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    hmp(&format!("mouse_set {index}"));
}

/// One axis of pointer input as QEMU traced it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Axis {
    /// Relative motion along x.
    RelX(i32),
    /// Relative motion along y.
    RelY(i32),
    /// An absolute x, in QEMU's scale (0 to 0x7FFF across the screen).
    AbsX(i32),
    /// An absolute y, in the same scale.
    AbsY(i32),
}

/// The `input_event_rel` and `input_event_abs` lines of a trace, in order. QEMU 7.2 writes
/// `input_event_rel con -1, axis x, value 5` and `input_event_abs con -1, axis y, value 0x3fff`.
pub fn traced_axes(trace: &str) -> Vec<Axis> {
    trace
        .lines()
        .filter_map(|l| {
            let rel = l.contains("input_event_rel ");
            if !rel && !l.contains("input_event_abs ") {
                return None;
            }
            let axis = l
                .split("axis ")
                .nth(1)?
                .chars()
                .next()?
                .to_ascii_uppercase();
            let value = l.split("value ").nth(1)?.trim();
            let value = match value.strip_prefix("0x") {
                Some(hex) => i32::from_str_radix(hex, 16).ok()?,
                None => value.parse().ok()?,
            };
            Some(match (rel, axis) {
                (true, 'X') => Axis::RelX(value),
                (true, _) => Axis::RelY(value),
                (false, 'X') => Axis::AbsX(value),
                (false, _) => Axis::AbsY(value),
            })
        })
        .collect()
}

/// The relative motions of a trace as (dx, dy) pairs (QEMU queues x then y for each event).
pub fn traced_motion(trace: &str) -> Vec<(i32, i32)> {
    let axes = traced_axes(trace);
    axes.windows(2)
        .filter_map(|w| match w {
            [Axis::RelX(x), Axis::RelY(y)] => Some((*x, *y)),
            _ => None,
        })
        .collect()
}

/// The absolute positions of a trace as (x, y) pairs in QEMU's scale.
pub fn traced_positions(trace: &str) -> Vec<(i32, i32)> {
    let axes = traced_axes(trace);
    axes.windows(2)
        .filter_map(|w| match w {
            [Axis::AbsX(x), Axis::AbsY(y)] => Some((*x, *y)),
            _ => None,
        })
        .collect()
}
