//! What a connection frees when it has been idle a while: so that a process holding many
//! sessions that wait (a fleet of VMs watched for screenshots) pays for little more than their
//! framebuffers. The read buffer starts small and grows with full reads; everything shrinks
//! again after [`IDLE`] without input.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use ::tokio::time::{Instant, Sleep, sleep_until};

use super::read_ahead::BUFFER;

/// How long without input before a connection frees its buffers.
pub(super) const IDLE: Duration = Duration::from_secs(1);
/// The read buffer of a connection that has been idle (or has just started): 1 KiB, which
/// a burst of input doubles in a few reads, and which a thousand idle sessions hardly feel.
pub(super) const MIN_BUFFER: usize = 1 << 10;

/// The read buffer's next size after a read of `n` bytes into `len`: doubled when the read
/// filled it, up to [`BUFFER`].
pub(super) fn grown(len: usize, n: usize) -> Option<usize> {
    (n == len && len < BUFFER).then(|| (len * 2).min(BUFFER))
}

/// Tells when the connection has had no input for [`IDLE`]. The timer is armed once per
/// stretch of input and moved only when it fires early, so a busy connection wakes for it at
/// most once a second and an idle one that has released its buffers not at all.
#[derive(Default)]
pub(super) struct Idle {
    /// The last input, while something could be freed.
    last_input: Option<Instant>,
    timer: Option<Pin<Box<Sleep>>>,
}

impl Idle {
    /// Input came.
    pub(super) fn input(&mut self) {
        self.last_input = Some(Instant::now());
    }

    /// Ready once, [`IDLE`] after the last input.
    pub(super) fn poll(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let Some(last) = self.last_input else {
            self.timer = None;
            return Poll::Pending;
        };
        let due = last + IDLE;
        let timer = self.timer.get_or_insert_with(|| Box::pin(sleep_until(due)));
        loop {
            if timer.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            if timer.deadline() >= due {
                self.last_input = None;
                self.timer = None;
                return Poll::Ready(());
            }
            // Input came since the timer was armed.
            timer.as_mut().reset(due);
        }
    }
}

#[cfg(test)]
mod tests {
    use ::tokio::io::AsyncWriteExt;

    use super::super::Connection;
    use super::*;
    use crate::testing::{Image, Script};
    use crate::{Config, Event, PixelFormat, Rect, Session};

    #[test]
    fn the_buffer_doubles_with_full_reads_up_to_the_largest() {
        assert_eq!(grown(MIN_BUFFER, MIN_BUFFER), Some(2 * MIN_BUFFER));
        assert_eq!(grown(MIN_BUFFER, MIN_BUFFER - 1), None);
        assert_eq!(grown(BUFFER, BUFFER), None);
        assert_eq!(grown(BUFFER / 2 + 1, BUFFER / 2 + 1), Some(BUFFER));
    }

    #[tokio::test(start_paused = true)]
    async fn ready_once_a_second_after_the_last_input() {
        let mut idle = Idle::default();
        // Nothing to free before any input.
        assert!(
            std::future::poll_fn(|cx| Poll::Ready(idle.poll(cx)))
                .await
                .is_pending()
        );
        idle.input();
        ::tokio::time::advance(Duration::from_millis(600)).await;
        idle.input();
        ::tokio::time::advance(Duration::from_millis(600)).await;
        // 1.2 s after the first input but 0.6 s after the last: not yet.
        assert!(
            std::future::poll_fn(|cx| Poll::Ready(idle.poll(cx)))
                .await
                .is_pending()
        );
        let t0 = Instant::now();
        std::future::poll_fn(|cx| idle.poll(cx)).await;
        assert_eq!(t0.elapsed(), Duration::from_millis(400));
        // And only once.
        assert!(
            std::future::poll_fn(|cx| Poll::Ready(idle.poll(cx)))
                .await
                .is_pending()
        );
    }

    #[tokio::test(start_paused = true)]
    async fn an_idle_connection_shrinks_its_buffers_and_reads_on() {
        let pf = PixelFormat::RGB888;
        let whole = Rect::new(0, 0, 128, 96);
        let first = Image::pattern(128, 96);
        let second = Image::solid(128, 96, [1, 2, 3]);
        let (client, mut server) = ::tokio::io::duplex(256 << 10);
        let script = Script::new()
            .version("RFB 003.008\n")
            .security_types(&[1])
            .security_result(0)
            .server_init(128, 96, &pf, "idle")
            .update(&[Script::raw_rect(&pf, &first, whole)]);
        server.write_all(script.bytes()).await.unwrap();
        let session = Session::new(Config::default(), std::time::Instant::now());
        let mut conn = Connection::new(client, session, "pipe");
        while conn.next_event().await.unwrap() != Some(Event::FramebufferUpdateEnd) {}
        // 48 KiB of pixels came in reads that filled the buffer.
        assert!(conn.buf.len() > MIN_BUFFER);
        assert!(conn.session.buffer_bytes() > 0);

        // Nothing more comes: after a second the loop frees, and goes on waiting.
        let waited = ::tokio::time::timeout(IDLE * 3, conn.next_event()).await;
        assert!(waited.is_err(), "{waited:?}");
        assert_eq!(conn.buf.len(), MIN_BUFFER);
        assert_eq!(conn.session.buffer_bytes(), 0);

        // The next update is read and drawn as before.
        let next = Script::new().update(&[Script::raw_rect(&pf, &second, whole)]);
        server.write_all(next.bytes()).await.unwrap();
        while conn.next_event().await.unwrap() != Some(Event::FramebufferUpdateEnd) {}
        assert_eq!(conn.session().framebuffer().to_rgba(), second.to_rgba());
    }
}
