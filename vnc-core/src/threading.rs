//! Which threads a session may run beside its caller's. This is a property of the program that
//! embeds the engine, not of the protocol, so it is chosen apart from [`Config`](crate::Config),
//! with [`Session::with_threading`](crate::Session::with_threading).

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
    /// first ZRLE rectangle that qualifies, ended when the session closes or is dropped), so
    /// that drawing tiles overlaps with inflating.
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
