//! Reading the socket on a helper thread while the session decodes.
//!
//! A session that decodes more slowly than the kernel hands over bytes (Hextile and ZRLE on a
//! fast link) spends a third of its time in `read` on top of decoding. The helper thread
//! reads a duplicate of the socket's descriptor into a small pool of buffers, so that copying
//! out of the kernel overlaps with decoding. The connection's task still writes, keeps the
//! session, and feeds it the buffers in the order they were read.
//!
//! The pool bounds memory: the helper reads only into a free buffer, and the connection gives
//! each back after feeding it. Stopping never loses bytes: the helper checks for the stop
//! signal only while waiting for a buffer or for the socket to become readable (a tokio read
//! that has not completed takes nothing from the socket), and a completed read is always sent.
//!
//! Unix only: the helper needs a duplicate of the descriptor. Elsewhere starting it fails
//! and the connection reads on its own task, as with [`ReadAhead::Never`].

use std::io;
#[cfg(unix)]
use std::os::fd::AsFd;
use std::task::{Context, Poll};
use std::thread::JoinHandle;
use std::time::Duration;

use ::tokio::io::AsyncReadExt;
use ::tokio::sync::{mpsc, oneshot};

use super::Stream;
use crate::threading::HelperSlots;

/// The read-ahead threads of all the process's connections: at most one per CPU.
pub(super) static SLOTS: HelperSlots = HelperSlots::new();

/// Buffers in the pool: enough for the helper to stay a read or two ahead.
const POOL: usize = 4;
/// Size of each buffer (the same as the connection's own read buffer).
pub(super) const BUFFER: usize = 256 << 10;

/// When the adapter reads the socket on a helper thread, so that receiving overlaps with
/// decoding. Events, output and the framebuffer are the same either way; only the time differs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReadAhead {
    /// Always read on the task that calls [`next_event`](super::Connection::next_event).
    Never,
    /// Start the helper once decoding is what holds the connection back: over a run of reads
    /// that each found a full buffer's worth waiting, feeding the session took more than twice
    /// as long as reading. Only on machines with more than one CPU. A session that decodes as
    /// fast as the socket delivers (Raw, an idle desktop) never starts it, and keeps both CPUs
    /// for the server and the kernel. The helper ends after a second without input (and
    /// watching starts again).
    #[default]
    WhenDecodeBound,
    /// Start the helper with the first read (where a second CPU is known to be free), for the
    /// whole connection.
    Always,
    // Either way a process runs at most as many helpers as it has CPUs, whatever the number
    // of connections: a connection that finds them all taken reads on its task (and, when
    // watching, asks again after the next run of reads).
    // Unix only (see the module doc): elsewhere every policy reads on the task.
}

/// A duplicate of a [`Stream`]'s descriptor, for the helper thread's own runtime.
#[cfg_attr(not(unix), allow(dead_code))]
enum Duplicate {
    Tcp(std::net::TcpStream),
    #[cfg(unix)]
    Unix(std::os::unix::net::UnixStream),
}

impl Duplicate {
    #[cfg(unix)]
    fn of(stream: &Stream) -> io::Result<Duplicate> {
        Ok(match stream {
            Stream::Tcp(s) => Duplicate::Tcp(s.as_fd().try_clone_to_owned()?.into()),
            Stream::Unix(s) => Duplicate::Unix(s.as_fd().try_clone_to_owned()?.into()),
        })
    }

    #[cfg(not(unix))]
    fn of(_: &Stream) -> io::Result<Duplicate> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "reading ahead on a helper thread needs Unix descriptors",
        ))
    }
}

/// What the helper sends: a buffer and how many bytes of it were read (0 at end of stream),
/// or the read's error.
type Chunk = io::Result<(Vec<u8>, usize)>;

/// The running helper, as the connection holds it.
pub(super) struct Reader {
    full: mpsc::UnboundedReceiver<Chunk>,
    free: mpsc::UnboundedSender<Vec<u8>>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Reader {
    /// Starts the helper on a duplicate of `stream`'s descriptor.
    /// Fails with [`io::ErrorKind::WouldBlock`] when the process runs as many as it has CPUs.
    pub(super) fn start(stream: &Stream) -> io::Result<Reader> {
        let slot = SLOTS.try_acquire().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::WouldBlock,
                "as many read-ahead threads run as there are CPUs",
            )
        })?;
        let dup = Duplicate::of(stream)?;
        let (full_tx, full) = mpsc::unbounded_channel();
        let (free, free_rx) = mpsc::unbounded_channel();
        for _ in 0..POOL {
            let _ = free.send(vec![0; BUFFER]);
        }
        let (stop, stop_rx) = oneshot::channel();
        let runtime = ::tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()?;
        // The helper registers its descriptor with its own runtime before `start` returns, so
        // that a failure shows here and the thread is fully up (and named) once it runs.
        let (ready_tx, ready) = std::sync::mpsc::sync_channel(1);
        let thread = std::thread::Builder::new()
            .name("vnc-read-ahead".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let registered = match dup {
                        Duplicate::Tcp(s) => ::tokio::net::TcpStream::from_std(s).map(Stream::Tcp),
                        #[cfg(unix)]
                        Duplicate::Unix(s) => {
                            ::tokio::net::UnixStream::from_std(s).map(Stream::Unix)
                        }
                    };
                    match registered {
                        Ok(stream) => {
                            let _ = ready_tx.send(Ok(()));
                            run(stream, free_rx, full_tx, stop_rx).await;
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                        }
                    }
                });
                // Given back when the thread ends, however it was left.
                drop(slot);
            })?;
        ready
            .recv()
            .unwrap_or_else(|_| Err(io::Error::other("the read-ahead thread did not start")))?;
        tracing::debug!("reading ahead on a helper thread");
        Ok(Reader {
            full,
            free,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// The next chunk in stream order.
    pub(super) fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Chunk> {
        self.full.poll_recv(cx).map(|c| {
            c.unwrap_or_else(|| Err(io::Error::other("the read-ahead thread ended unexpectedly")))
        })
    }

    /// Gives a fed buffer back to the pool.
    pub(super) fn recycle(&self, buf: Vec<u8>) {
        let _ = self.free.send(buf);
    }

    /// Stops the helper and returns what it read and nobody fed yet, in order.
    pub(super) fn stop(mut self) -> Vec<Chunk> {
        self.stop.take();
        if let Some(t) = self.thread.take() {
            // It stops at once: it is waiting for a buffer or for the socket, or about to
            // send a chunk (which never blocks).
            let _ = t.join();
        }
        let mut left = Vec::new();
        while let Ok(c) = self.full.try_recv() {
            left.push(c);
        }
        left
    }
}

async fn run(
    mut stream: Stream,
    mut free: mpsc::UnboundedReceiver<Vec<u8>>,
    full: mpsc::UnboundedSender<Chunk>,
    mut stop: oneshot::Receiver<()>,
) {
    loop {
        let mut buf = ::tokio::select! {
            b = free.recv() => match b {
                Some(b) => b,
                None => return,
            },
            _ = &mut stop => return,
        };
        let read = ::tokio::select! {
            r = stream.read(&mut buf) => r,
            _ = &mut stop => return,
        };
        let last = !matches!(read, Ok(n) if n > 0);
        if full.send(read.map(|n| (buf, n))).is_err() || last {
            return;
        }
    }
}

/// Watches reads and feeds to tell when decoding, not the network, is the bottleneck.
#[derive(Default)]
pub(super) struct Watch {
    reads: u32,
    reading: Duration,
    feeding: Duration,
}

/// Reads per verdict: 8 MiB of backlogged input.
const WINDOW: u32 = 32;

impl Watch {
    /// Records one read that filled the whole buffer (so more was waiting) and how long it
    /// and feeding its bytes took; true when the helper should start.
    pub(super) fn full_read(&mut self, read: Duration, feed: Duration) -> bool {
        self.reads += 1;
        self.reading += read;
        self.feeding += feed;
        if self.reads < WINDOW {
            return false;
        }
        let decode_bound = self.feeding > self.reading * 2;
        tracing::trace!(reading = ?self.reading, feeding = ?self.feeding, decode_bound);
        *self = Watch::default();
        decode_bound
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(read_us: u64, feed_us: u64) -> Vec<bool> {
        let mut w = Watch::default();
        (0..2 * WINDOW)
            .map(|_| {
                w.full_read(
                    Duration::from_micros(read_us),
                    Duration::from_micros(feed_us),
                )
            })
            .collect()
    }

    #[test]
    fn starts_after_a_window_of_decode_bound_reads_only() {
        // Hextile here: 70 us to read a buffer, 180 us to decode it.
        let v = verdict(70, 180);
        let at: Vec<usize> = (0..v.len()).filter(|&i| v[i]).collect();
        assert_eq!(at, [WINDOW as usize - 1, 2 * WINDOW as usize - 1]);
        // Raw: feeding is a copy, faster than the read.
        assert!(!verdict(70, 30).contains(&true));
        // Exactly twice as long is not enough.
        assert!(!verdict(50, 100).contains(&true));
    }

    /// However many connections ask, as many helpers run as the process has CPUs; a stopped
    /// one gives its place back.
    #[cfg(unix)]
    #[::tokio::test]
    async fn helpers_are_bounded_by_the_cpus() {
        let cpus = crate::threading::cpus();
        let listener = ::tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let mut streams = Vec::new();
        let mut peers = Vec::new();
        for _ in 0..cpus + 3 {
            let s = ::tokio::net::TcpStream::connect(addr).await.unwrap();
            peers.push(listener.accept().await.unwrap().0);
            streams.push(Stream::Tcp(s));
        }
        let (mut readers, refused): (Vec<_>, Vec<_>) =
            streams.iter().map(Reader::start).partition(Result::is_ok);
        assert_eq!(readers.len(), cpus);
        for e in refused {
            assert_eq!(e.err().unwrap().kind(), io::ErrorKind::WouldBlock);
        }
        // `stop` joins the thread, and the thread gives its place back as its last act.
        readers.pop().unwrap().unwrap().stop();
        let again = Reader::start(&streams[cpus]).unwrap();
        assert!(Reader::start(&streams[cpus + 1]).is_err());
        again.stop();
        for r in readers {
            r.unwrap().stop();
        }
    }
}
