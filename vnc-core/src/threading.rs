//! Which threads a session may run beside its caller's. This is a property of the program that
//! embeds the engine, not of the protocol, so it is chosen apart from [`Config`](crate::Config),
//! with [`Session::with_threading`](crate::Session::with_threading).

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Whether a session may start a helper thread.
///
/// The events, the output and the framebuffer after each `feed` are the same with every choice;
/// only the time it takes differs.
///
/// ```
/// use std::time::Instant;
/// use vnc_core::{Config, Session, Threading};
///
/// // A GTK application that wants the engine strictly on its main thread:
/// let session = Session::with_threading(Config::default(), Threading::SingleThreaded, Instant::now());
/// # drop(session);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Threading {
    /// Everything runs on the thread that calls the session; it never starts a thread.
    SingleThreaded,
    /// ZRLE's zlib stream is inflated on a helper thread (one per session, started at the
    /// first ZRLE rectangle that qualifies, ended when the session closes, is dropped or
    /// [releases its buffers](crate::Session::release_buffers)), so that drawing tiles
    /// overlaps with inflating.
    ///
    /// A process runs at most as many of these helpers as it has CPUs
    /// ([`std::thread::available_parallelism`]), whatever the number of sessions: a session
    /// that finds them all taken inflates inline, and asks again at its next large `feed`. A
    /// process with many sessions gets its parallelism from running the sessions side by
    /// side; a helper only pays for one session that has the machine to itself.
    InflateThread {
        /// The fewest bytes one `feed` must bring for its ZRLE rectangles to go to the helper
        /// (only rectangles that arrived whole in it do). Every feed that used the helper
        /// waits for it at its end, and with small reads those waits cost more than inflating
        /// inline.
        min_input: usize,
    },
}

impl Threading {
    /// [`Threading::InflateThread`] with the default threshold of 64 KiB per `feed`.
    pub const INFLATE_THREAD: Threading = Threading::InflateThread {
        min_input: 64 << 10,
    };
}

impl Default for Threading {
    /// [`Threading::INFLATE_THREAD`] when the machine has more than one CPU, else
    /// [`Threading::SingleThreaded`].
    fn default() -> Self {
        if std::thread::available_parallelism().is_ok_and(|n| n.get() > 1) {
            Threading::INFLATE_THREAD
        } else {
            Threading::SingleThreaded
        }
    }
}

/// A process-wide count of one kind of helper thread, bounded by the CPU count.
pub(crate) struct HelperSlots {
    live: AtomicUsize,
}

impl HelperSlots {
    pub(crate) const fn new() -> HelperSlots {
        HelperSlots {
            live: AtomicUsize::new(0),
        }
    }

    /// A slot for one more helper, or `None` when as many run as the machine has CPUs.
    pub(crate) fn try_acquire(&'static self) -> Option<HelperSlot> {
        let limit = cpus();
        self.live
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < limit).then_some(n + 1)
            })
            .ok()
            .map(|_| HelperSlot(self))
    }
}

/// A helper's place among the process's [`HelperSlots`], given back when dropped.
pub(crate) struct HelperSlot(&'static HelperSlots);

impl Drop for HelperSlot {
    fn drop(&mut self) {
        self.0.live.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The CPUs this process may use, asked once.
pub(crate) fn cpus() -> usize {
    static CPUS: OnceLock<usize> = OnceLock::new();
    *CPUS.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}
