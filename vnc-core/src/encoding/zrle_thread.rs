//! ZRLE with the zlib stream inflated on a helper thread.
//!
//! Only rectangles whose compressed bytes all came in one large `feed` go to the helper (see
//! [`Threading::InflateThread`](crate::Threading::InflateThread)): with small
//! reads, a hand-over per read costs more than the overlap saves. The others are inflated
//! inline, on the same zlib stream, once the helper has finished what it was given.
//!
//! Inflating is most of ZRLE's cost (on the lab's recording, 0.37 s of 0.50 s in process), and
//! it can run beside the tile drawing: the session hands each rectangle's compressed bytes to
//! the helper as they arrive and goes on parsing; the helper sends the inflated bytes back, and
//! the session draws the tiles of earlier rectangles while the helper inflates later ones.
//! Rectangles are still drawn in order, and all of them are drawn before anything else touches
//! the framebuffer (another encoding, the end of an update, the end of a `feed`), so the
//! application sees the same framebuffer and events as with the inline decoder.
//!
//! Memory stays bounded: the session waits for the helper once [`MAX_JOBS`] batches of
//! compressed bytes or [`MAX_PENDING`] rectangles are on their way, and the helper waits once
//! [`OUT_QUEUE`] chunks of inflated bytes are not yet drawn.

use std::collections::VecDeque;
use std::mem;
use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::thread;

use crate::error::ProtocolError;
use crate::framebuffer::{Framebuffer, Rect};
use crate::pixel_format::Converter;
use crate::reader::Reader;
use crate::threading::{HelperSlot, HelperSlots};

use super::inflate::Inflater;
use super::zrle::{Zrle, decode_tile, max_tile_bytes};

/// The helpers of all the process's sessions.
pub(crate) static SLOTS: HelperSlots = HelperSlots::new();

/// Batches of input the helper may have to go before the session waits.
const MAX_JOBS: u64 = 16;
/// Compressed bytes gathered before they go to the helper in one message.
const BATCH: usize = 32 << 10;
/// Rectangles sent to the helper and not yet drawn, before the session waits.
const MAX_PENDING: usize = 1024;
/// Inflated chunks the helper may queue before it waits for the session.
const OUT_QUEUE: usize = 4;
/// The most inflated bytes in one chunk. Large, so that the two threads rarely have to wake
/// each other: the helper sends a chunk when it is full, or when it has caught up with the
/// session.
const CHUNK: usize = 128 << 10;
/// The session's window of inflated bytes: a chunk plus the unfinished tile before it.
const WINDOW: usize = CHUNK + (32 << 10);

/// Compressed bytes for the helper: `data`, in which rectangles end at the offsets in `ends`.
#[derive(Default)]
struct Job {
    data: Vec<u8>,
    ends: Vec<usize>,
}

/// A chunk of inflated bytes: `data[..len]`, where rectangles end at the offsets in `ends`
/// (all of their input inflated).
struct Chunk {
    data: Vec<u8>,
    len: usize,
    ends: Vec<usize>,
    /// How many jobs the helper had finished when it sent this.
    jobs_done: u64,
}

/// What the helper sends back, in stream order.
enum Inflated {
    Chunk(Chunk),
    /// The zlib stream failed; nothing follows.
    Error(String),
}

/// One rectangle on its way: the tiles drawn so far and where its bytes end.
struct Pending {
    zrle: Zrle,
    input_done: bool,
    /// Updates that end with this rectangle (more than one if empty updates followed it).
    update_ends: u32,
    /// How much protocol output the session had written when this rectangle began: what it
    /// wrote later is withdrawn if this rectangle fails, as if it had been decoded at once.
    out_mark: usize,
}

/// The connection's ZRLE state when a helper thread inflates.
pub(crate) struct ZrleThread {
    jobs: Option<mpsc::Sender<Job>>,
    // Receivers are in mutexes only to keep the session `Sync`; `&mut self` reaches them
    // through `get_mut`, which never locks.
    inflated: Option<Mutex<mpsc::Receiver<Inflated>>>,
    /// Input gathered for the helper.
    batch: Job,
    /// Emptied input buffers coming back, and emptied chunks going back.
    spent_jobs: Mutex<mpsc::Receiver<Job>>,
    spent_chunks: mpsc::Sender<Chunk>,
    helper: Option<thread::JoinHandle<()>>,
    pending: VecDeque<Pending>,
    window: Box<[u8]>,
    start: usize,
    end: usize,
    /// Where the rectangles whose ends have come back end, as window offsets.
    ends: VecDeque<usize>,
    /// A zlib error the helper reported, once the tiles before it are drawn.
    failed: Option<String>,
    /// Jobs sent, and jobs the helper has reported finished.
    jobs_sent: u64,
    jobs_done: u64,
    /// Given back after the helper is joined (fields drop after `Drop::drop`).
    _slot: HelperSlot,
}

impl ZrleThread {
    /// Starts the helper on the connection's zlib stream `z` in the process's `slot`; `None`
    /// if the system refuses a thread (the caller then inflates inline).
    pub(crate) fn start(z: Arc<Mutex<Inflater>>, slot: HelperSlot) -> Option<ZrleThread> {
        let (jobs, job_rx) = mpsc::channel::<Job>();
        let (out_tx, inflated) = mpsc::sync_channel::<Inflated>(OUT_QUEUE);
        let (spent_jobs_tx, spent_jobs) = mpsc::channel::<Job>();
        let (spent_chunks, spent_chunks_rx) = mpsc::channel::<Chunk>();
        #[cfg(feature = "testing")]
        let alive = testing::Alive::new();
        let helper = thread::Builder::new()
            .name("vnc-zrle-inflate".into())
            .spawn(move || {
                helper(&z, job_rx, out_tx, spent_jobs_tx, spent_chunks_rx);
                // The thread's last act, so that a joined helper is never counted alive.
                #[cfg(feature = "testing")]
                drop(alive);
            })
            .ok()?;
        Some(ZrleThread {
            jobs: Some(jobs),
            inflated: Some(Mutex::new(inflated)),
            batch: Job::default(),
            spent_jobs: Mutex::new(spent_jobs),
            spent_chunks,
            helper: Some(helper),
            pending: VecDeque::new(),
            window: vec![0; WINDOW].into_boxed_slice(),
            start: 0,
            end: 0,
            ends: VecDeque::new(),
            failed: None,
            jobs_sent: 0,
            jobs_done: 0,
            _slot: slot,
        })
    }

    /// Takes what has arrived of the rectangle at the back of the queue (a new one if `rect`
    /// is given): its length, then compressed bytes for the helper. True once all of its
    /// bytes are sent; it is drawn later, by [`ZrleThread::draw`].
    pub(crate) fn take_input(&mut self, r: &mut Reader, new: Option<(Rect, usize)>) -> bool {
        if let Some((rect, out_mark)) = new {
            self.pending.push_back(Pending {
                zrle: Zrle::new(rect),
                input_done: false,
                update_ends: 0,
                out_mark,
            });
        }
        let Some(p) = self.pending.back_mut() else {
            return true;
        };
        let left = match p.zrle.left {
            Some(n) => n,
            None => {
                let Some(n) = r.u32() else { return false };
                n
            }
        };
        let input = r.take_up_to(left as usize);
        let left = left - input.len() as u32;
        p.zrle.left = Some(left);
        let last = left == 0;
        p.input_done = last;
        // Into batches of at most BATCH bytes, so that pooled buffers stay that small.
        let mut rest = input;
        loop {
            let n = rest.len().min(BATCH - self.batch.data.len());
            self.batch.data.extend_from_slice(&rest[..n]);
            rest = &rest[n..];
            if self.batch.data.len() == BATCH {
                self.send_batch();
            }
            if rest.is_empty() {
                break;
            }
        }
        if last {
            self.batch.ends.push(self.batch.data.len());
        }
        last
    }

    /// Sends the gathered input to the helper.
    fn send_batch(&mut self) {
        if self.batch.data.is_empty() && self.batch.ends.is_empty() {
            return;
        }
        let spent = match self.spent_jobs.get_mut() {
            Ok(spent) => spent.try_recv().ok(),
            Err(_) => None,
        };
        let mut next = spent.unwrap_or_else(|| Job {
            data: Vec::with_capacity(BATCH),
            ends: Vec::new(),
        });
        next.data.clear();
        next.ends.clear();
        let job = mem::replace(&mut self.batch, next);
        self.jobs_sent += 1;
        if let Some(jobs) = &self.jobs {
            // A helper that has gone away has sent its error, which `draw` reports.
            let _ = jobs.send(job);
        }
    }

    /// True while rectangles are waiting to be drawn.
    pub(crate) fn busy(&self) -> bool {
        !self.pending.is_empty()
    }

    /// After [`ZrleThread::draw`] failed: the failed rectangle's output mark.
    pub(crate) fn failed_out_mark(&self) -> Option<usize> {
        self.pending.front().map(|p| p.out_mark)
    }

    /// The session's output was handed to the transport: marks count from zero again.
    pub(crate) fn output_sent(&mut self) {
        for p in &mut self.pending {
            p.out_mark = 0;
        }
    }

    /// Records that an update ends after the last rectangle queued, so that its end is
    /// reported after that rectangle is drawn; false if none is queued.
    pub(crate) fn end_update_after_last(&mut self) -> bool {
        match self.pending.back_mut() {
            Some(p) => {
                p.update_ends += 1;
                true
            }
            None => false,
        }
    }

    /// Draws the rectangles whose bytes are back, in order, calling `done` for each one
    /// finished (with the number of updates that end with it). With `settle`, sends all input
    /// gathered and waits until the helper has inflated it and every rectangle whose input is
    /// complete is drawn; without, waits only while too much is on its way.
    pub(crate) fn draw(
        &mut self,
        fb: &mut Framebuffer,
        conv: &Converter,
        settle: bool,
        done: &mut impl FnMut(Rect, u32),
    ) -> Result<(), ProtocolError> {
        if settle {
            // Everything that has arrived goes to the helper now.
            self.send_batch();
        }
        let max_tile = max_tile_bytes(conv.cpp());
        while let Some(p) = self.pending.front_mut() {
            let rect = p.zrle.rect;
            let (across, total) = p.zrle.tiles();
            // This rectangle's bytes in the window, and whether they are all there.
            let rect_end = self.ends.front().copied();
            let avail_end = rect_end.unwrap_or(self.end);
            let output_done = rect_end.is_some();
            // Tiles are tried when a whole worst-case tile is buffered or nothing more comes.
            if avail_end - self.start >= max_tile || output_done || self.failed.is_some() {
                while p.zrle.tile < total {
                    let mut t = Reader::new(&self.window[self.start..avail_end]);
                    let tile = p.zrle.tile_rect(p.zrle.tile, across);
                    match decode_tile(&mut t, tile, fb, conv)? {
                        Some(()) => {
                            self.start += t.pos();
                            p.zrle.tile += 1;
                        }
                        None => break,
                    }
                }
            }
            if p.zrle.tile == total && avail_end > self.start {
                return Err(ProtocolError::ZlibOverflow {
                    encoding: "ZRLE",
                    rect,
                });
            }
            if let Some(detail) = self.failed.take() {
                return Err(ProtocolError::Zlib {
                    encoding: "ZRLE",
                    detail,
                });
            }
            if output_done {
                if p.zrle.tile < total {
                    return Err(ProtocolError::ZrleTruncated { rect });
                }
                let update_ends = p.update_ends;
                self.ends.pop_front();
                self.pending.pop_front();
                done(rect, update_ends);
                continue;
            }
            // More inflated bytes are needed for this rectangle. Settling waits for all that
            // was sent, so that what `feed` finds (errors included) never depends on how fast
            // the helper was.
            let must_wait = (settle && (p.input_done || self.jobs_done < self.jobs_sent))
                || self.jobs_sent - self.jobs_done > MAX_JOBS
                || self.pending.len() > MAX_PENDING;
            let Some(Ok(inflated)) = self.inflated.as_mut().map(Mutex::get_mut) else {
                return Err(ProtocolError::Zlib {
                    encoding: "ZRLE",
                    detail: "the inflating thread stopped".into(),
                });
            };
            let msg = if must_wait {
                // What the wait is for may still be in the batch.
                if !self.batch.data.is_empty() || !self.batch.ends.is_empty() {
                    self.send_batch();
                    continue;
                }
                inflated.recv().ok()
            } else {
                match inflated.try_recv() {
                    Ok(m) => Some(m),
                    Err(mpsc::TryRecvError::Empty) => return Ok(()),
                    Err(mpsc::TryRecvError::Disconnected) => None,
                }
            };
            match msg {
                Some(Inflated::Chunk(chunk)) => self.append(chunk, rect)?,
                Some(Inflated::Error(detail)) => self.failed = Some(detail),
                None => self.failed = Some("the inflating thread stopped".into()),
            }
        }
        Ok(())
    }

    /// Moves a chunk into the window, behind the bytes not yet drawn.
    fn append(&mut self, mut chunk: Chunk, rect: Rect) -> Result<(), ProtocolError> {
        if self.start > 0 {
            self.window.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            for e in &mut self.ends {
                *e -= self.start;
            }
            self.start = 0;
        }
        let data = &chunk.data[..chunk.len];
        if data.len() > self.window.len() - self.end {
            // The window holds a chunk and more than any one tile: no valid tile is this large.
            return Err(ProtocolError::ZlibOverflow {
                encoding: "ZRLE",
                rect,
            });
        }
        self.window[self.end..self.end + data.len()].copy_from_slice(data);
        let base = self.end;
        self.end += data.len();
        self.ends.extend(chunk.ends.drain(..).map(|e| base + e));
        self.jobs_done = chunk.jobs_done;
        let _ = self.spent_chunks.send(chunk);
        Ok(())
    }
}

impl Drop for ZrleThread {
    fn drop(&mut self) {
        // Closing both channels ends the helper wherever it waits.
        self.jobs = None;
        self.inflated = None;
        if let Some(h) = self.helper.take() {
            let _ = h.join();
        }
    }
}

/// The helper: inflates jobs in order into chunks, until the session goes away or the stream
/// fails.
fn helper(
    z: &Mutex<Inflater>,
    jobs: mpsc::Receiver<Job>,
    out: mpsc::SyncSender<Inflated>,
    spent_jobs: mpsc::Sender<Job>,
    spent_chunks: mpsc::Receiver<Chunk>,
) {
    let fresh = || match spent_chunks.try_recv() {
        Ok(mut c) => {
            c.len = 0;
            c.ends.clear();
            c
        }
        Err(_) => Chunk {
            data: vec![0; CHUNK],
            len: 0,
            ends: Vec::new(),
            jobs_done: 0,
        },
    };
    let mut chunk = fresh();
    let (mut jobs_done, mut reported) = (0u64, 0u64);
    loop {
        // Send what is inflated before waiting for more input, so that the session can draw
        // it meanwhile (and learn that all it sent is done).
        let job = match jobs.try_recv() {
            Ok(job) => job,
            Err(mpsc::TryRecvError::Disconnected) => return,
            Err(mpsc::TryRecvError::Empty) => {
                if chunk.len > 0 || !chunk.ends.is_empty() || reported != jobs_done {
                    chunk.jobs_done = jobs_done;
                    reported = jobs_done;
                    if out.send(Inflated::Chunk(chunk)).is_err() {
                        return;
                    }
                    chunk = fresh();
                }
                match jobs.recv() {
                    Ok(job) => job,
                    Err(_) => return,
                }
            }
        };
        // The job's pieces: each rectangle's end, then what follows the last one.
        let mut from = 0;
        for (i, &to) in job.ends.iter().chain([&job.data.len()]).enumerate() {
            let mut input = &job.data[from..to];
            from = to;
            loop {
                // Locked per call: between jobs the session may inflate (after waiting for
                // all jobs to finish).
                let done = z
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .inflate(input, &mut chunk.data[chunk.len..]);
                input = &input[done.consumed..];
                chunk.len += done.produced;
                if let Some(e) = done.error {
                    let _ = out.send(Inflated::Chunk(chunk));
                    let _ = out.send(Inflated::Error(e));
                    return;
                }
                if chunk.len == chunk.data.len() {
                    chunk.jobs_done = jobs_done;
                    reported = jobs_done;
                    if out.send(Inflated::Chunk(chunk)).is_err() {
                        return;
                    }
                    chunk = fresh();
                    continue;
                }
                // Input used up with room left: zlib has given all it can.
                if input.is_empty() {
                    break;
                }
            }
            if i < job.ends.len() {
                chunk.ends.push(chunk.len);
            }
        }
        jobs_done += 1;
        let _ = spent_jobs.send(job);
    }
}

/// Counts helpers whose thread has not finished, for tests that prove each one ends with its
/// session ([`crate::testing::live_inflate_helpers`]).
#[cfg(feature = "testing")]
pub(crate) mod testing {
    use std::sync::atomic::{AtomicUsize, Ordering};

    pub(crate) static LIVE: AtomicUsize = AtomicUsize::new(0);

    /// Counted from before the thread starts until it drops this as its last act.
    pub(crate) struct Alive(());

    impl Alive {
        pub(crate) fn new() -> Alive {
            LIVE.fetch_add(1, Ordering::SeqCst);
            Alive(())
        }
    }

    impl Drop for Alive {
        fn drop(&mut self) {
            LIVE.fetch_sub(1, Ordering::SeqCst);
        }
    }
}
