//! The driver of the tests: plays a server's bytes into a [`Session`] whole, one byte at a
//! time or in random chunks, and collects what it did.

use std::time::Instant;

use crate::{Config, Error, Event, Framebuffer, Session, Threading};

/// How [`play`] splits the server's bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Chunking {
    /// All at once.
    Whole,
    /// One byte per `feed`.
    OneByte,
    /// Chunks of 1 to 64 bytes from a small deterministic generator with this seed.
    Random(u64),
    /// Pieces of this many bytes (at least 1), the last one shorter.
    Pieces(usize),
}

impl Chunking {
    /// The splittings every transcript test should run with.
    pub const ALL: [Chunking; 4] = [
        Chunking::Whole,
        Chunking::OneByte,
        Chunking::Random(1),
        Chunking::Random(0xC0FFEE),
    ];
}

/// What a session did with a script.
#[derive(Debug)]
pub struct Run {
    /// Every event, in order.
    pub events: Vec<Event>,
    /// Everything the client sent.
    pub output: Vec<u8>,
    /// The framebuffer at the end.
    pub framebuffer: Framebuffer,
    /// The error that ended the session, if any.
    pub error: Option<Error>,
}

impl Run {
    /// The events without `FramebufferUpdated` damage, for compact comparisons.
    pub fn events_without_damage(&self) -> Vec<&Event> {
        self.events
            .iter()
            .filter(|e| !matches!(e, Event::FramebufferUpdated(_)))
            .collect()
    }
}

/// The error of a run as tests compare it across chunkings: zlib's own wording for corrupt
/// data depends on how much input it saw at once, so only the kind and the step count there.
pub fn outcome(e: &Option<Error>) -> String {
    match e {
        Some(Error::Protocol {
            step,
            error: crate::ProtocolError::Zlib { encoding, .. },
        }) => format!("Zlib {{ step: {step:?}, encoding: {encoding:?} }}"),
        e => format!("{e:?}"),
    }
}

/// Plays `server` with every [`Chunking::ALL`] splitting, asserts that the runs agree (error
/// by [`outcome`], events, output and framebuffer), and returns the whole-stream run.
pub fn play_all(config: &Config, server: &[u8]) -> Run {
    play_all_threading(config, Threading::default(), server)
}

/// As [`play_all`], with sessions that may start the threads `threading` allows.
pub fn play_all_threading(config: &Config, threading: Threading, server: &[u8]) -> Run {
    play_all_sessions(
        || Session::with_threading(config.clone(), threading, Instant::now()),
        server,
    )
}

/// As [`play_all`], with sessions that `make` prepares (credentials set, a fixed random
/// source), a new one for each chunking.
pub fn play_all_sessions(make: impl Fn() -> Session, server: &[u8]) -> Run {
    let runs: Vec<Run> = Chunking::ALL
        .iter()
        .map(|&c| play_with(make(), server, c))
        .collect();
    for (c, r) in Chunking::ALL.iter().zip(&runs).skip(1) {
        assert_eq!(
            outcome(&r.error),
            outcome(&runs[0].error),
            "error differs with {c:?}"
        );
        assert_eq!(r.events, runs[0].events, "events differ with {c:?}");
        assert_eq!(r.output, runs[0].output, "output differs with {c:?}");
        assert_eq!(
            r.framebuffer.data(),
            runs[0].framebuffer.data(),
            "framebuffer differs with {c:?}"
        );
    }
    runs.into_iter().next().expect("Chunking::ALL is not empty")
}

/// Plays `server` into a new session configured with `config`, split as `chunking` says,
/// collecting events and output after every chunk. Stops at the first error.
pub fn play(config: Config, server: &[u8], chunking: Chunking) -> Run {
    play_with(Session::new(config, Instant::now()), server, chunking)
}

/// As [`play`], with a session the caller prepared (credentials set, for example).
pub fn play_with(mut session: Session, server: &[u8], chunking: Chunking) -> Run {
    play_into(&mut session, server, chunking)
}

/// As [`play_with`], into a session the caller keeps (to send commands between feeds).
pub fn play_into(session: &mut Session, server: &[u8], chunking: Chunking) -> Run {
    let mut events = Vec::new();
    let mut output = Vec::new();
    let mut error = None;
    let mut rng = match chunking {
        Chunking::Random(seed) => seed | 1,
        _ => 1,
    };
    let mut rest = server;
    while !rest.is_empty() {
        let n = match chunking {
            Chunking::Whole => rest.len(),
            Chunking::OneByte => 1,
            Chunking::Pieces(n) => n.max(1),
            Chunking::Random(_) => {
                // xorshift64
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                (rng % 64 + 1) as usize
            }
        }
        .min(rest.len());
        let (chunk, tail) = rest.split_at(n);
        rest = tail;
        let r = session.feed(chunk);
        output.extend(session.take_output());
        events.extend(std::iter::from_fn(|| session.poll_event()));
        if let Err(e) = r {
            error = Some(e);
            break;
        }
    }
    Run {
        events,
        output,
        framebuffer: session.framebuffer().clone(),
        error,
    }
}

/// How many ZRLE inflating helpers (of all sessions in the process) have not finished. A
/// helper counts from before its thread starts until the thread's last act, so after a session
/// that had one is dropped or has failed (both join the thread), it no longer counts.
pub fn live_inflate_helpers() -> usize {
    crate::encoding::zrle_thread::testing::LIVE.load(std::sync::atomic::Ordering::SeqCst)
}
