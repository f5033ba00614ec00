//! Reconnecting after a dropped connection (the `reconnect` property): which failures are
//! retried, the backoff timer, the credentials kept for the next attempts and the last
//! picture shown meanwhile.
//!
//! Only a connection the widget made itself (`open_host`, `open_address`) is retried, and only
//! once a session to it has been initialised: a first connection that fails is a wrong address
//! or a server that is not there, for the application to report. A stream given by the
//! application (`open_stream`), a server that connected to `listen` and a connection through
//! `open_repeater` (both of which end in `open_stream`) are not made again by the widget and end
//! as before, with `vnc-disconnected`; the application may open a new one.

use std::time::{Duration, Instant};

use gtk::glib::{self, clone};
use gtk::prelude::*;
use gtk::subclass::prelude::*;
use zeroize::Zeroizing;

use vnc_core::{Address, Credential, Error as VncError, ErrorKind, Session};

use super::imp::VncDisplay;

/// The first retry's delay, doubled for each failed attempt up to [`MAX_DELAY`].
const FIRST_DELAY: Duration = Duration::from_millis(250);
/// The longest wait between attempts: short, so that a server back up is seen within about a
/// second (the widget promises its picture back within two).
const MAX_DELAY: Duration = Duration::from_secs(1);
/// A session that lasted less than this before dropping does not start the backoff over: a
/// server that accepts and then drops each session at once is retried once a second at most,
/// not four times.
const STABLE: Duration = Duration::from_secs(10);

/// What the widget keeps to reconnect.
#[derive(Default)]
pub(super) struct Retry {
    /// The address the widget connected to; `None` for a stream from the application.
    target: Option<Address>,
    /// A session to `target` reached `vnc-initialized`: from then on, drops are retried.
    had_session: bool,
    /// Failed attempts since the connection dropped (0: not reconnecting).
    failures: u32,
    /// Where the backoff is: the number of the last delay (see [`backoff`]), kept across
    /// sessions that did not last [`STABLE`].
    step: u32,
    /// When the current session was initialised.
    initialized_at: Option<Instant>,
    /// The next attempt, while waiting for it.
    timer: Option<glib::SourceId>,
    /// Credentials given during this session, with `reconnect-keep-credentials`.
    kept: Vec<(Credential, Zeroizing<String>)>,
    /// The last initialised session, kept while reconnecting for its picture.
    stale: Option<Session>,
}

/// The delay before attempt `n` (1 for the first retry).
fn backoff(n: u32) -> Duration {
    let doublings = n.saturating_sub(1).min(8);
    (FIRST_DELAY * 2u32.pow(doublings)).min(MAX_DELAY)
}

/// The backoff step for the next wait, after `step`: the first again when the session that
/// dropped lasted [`STABLE`] (`lived`; `None` when an attempt failed, not a session).
fn next_step(step: u32, lived: Option<Duration>) -> u32 {
    if lived.is_some_and(|t| t >= STABLE) {
        1
    } else {
        step.saturating_add(1)
    }
}

/// Whether a session error may go away on a new connection: the connection broke or the
/// server stopped answering. Authentication, security-type and certificate failures, a server
/// refusing us or breaking the protocol would only happen again.
pub(super) fn is_retryable(e: &VncError) -> bool {
    matches!(e.kind(), ErrorKind::UnexpectedEof | ErrorKind::Timeout)
}

impl VncDisplay {
    /// A new connection by the application (`open`, `open_stream`): `target` is what can be
    /// reconnected to.
    pub(super) fn reconnect_target(&self, target: Option<Address>) {
        self.retry.borrow_mut().target = target;
    }

    /// The widget stops reconnecting (closed, a failure that is not retried, a new
    /// connection): the pending attempt is dropped and the kept credentials wiped.
    pub(super) fn end_reconnect(&self) {
        let mut r = self.retry.borrow_mut();
        if let Some(t) = r.timer.take() {
            t.remove();
        }
        r.target = None;
        r.had_session = false;
        r.failures = 0;
        r.step = 0;
        r.initialized_at = None;
        // Zeroizing wipes each value as it is dropped.
        r.kept.clear();
    }

    /// True while the connection dropped and a new one is being made.
    pub(super) fn reconnecting(&self) -> bool {
        self.retry.borrow().failures > 0
    }

    /// A new session starts: while reconnecting, the old one is kept for its picture and the
    /// kept credentials are given to the new one.
    pub(super) fn session_starting(&self, session: &mut Session, old: Option<Session>) {
        let mut r = self.retry.borrow_mut();
        if r.failures == 0 {
            r.stale = None;
            return;
        }
        // An attempt that failed during its handshake has no picture: keep the older one.
        if let Some(old) = old.filter(|s| s.framebuffer().width() > 0) {
            r.stale = Some(old);
        }
        for (kind, value) in &r.kept {
            session.set_credential(*kind, value);
        }
    }

    /// The session is initialised: drops are retried from now on (the backoff starts over if
    /// it lasts, see [`STABLE`]).
    pub(super) fn session_initialized(&self) {
        let mut r = self.retry.borrow_mut();
        r.had_session = r.target.is_some();
        r.failures = 0;
        r.initialized_at = Some(Instant::now());
        r.stale = None;
    }

    /// With `reconnect-keep-credentials`, keeps a credential given during the session for the
    /// next attempts.
    pub(super) fn keep_credential(&self, kind: Credential, value: &str) {
        if !self.reconnect_keep_credentials.get() {
            return;
        }
        let mut r = self.retry.borrow_mut();
        r.kept.retain(|(k, _)| *k != kind);
        r.kept.push((kind, Zeroizing::new(value.to_owned())));
    }

    pub(super) fn set_reconnect(&self, on: bool) {
        self.reconnect.set(on);
        if !on && self.retry.borrow().timer.is_some() {
            // Waiting for an attempt that will no longer be made: the widget has stopped.
            self.disconnect(None);
        }
    }

    pub(super) fn set_reconnect_keep_credentials(&self, on: bool) {
        self.reconnect_keep_credentials.set(on);
        if !on {
            self.retry.borrow_mut().kept.clear();
        }
    }

    /// Runs `f` with the session whose picture is shown: the current one, or while
    /// reconnecting (before the new session knows its desktop) the last initialised one.
    pub(super) fn with_picture<R>(&self, f: impl FnOnce(&Session) -> R) -> Option<R> {
        let session = self.session.borrow();
        match session.as_ref() {
            Some(s) if s.framebuffer().width() > 0 => Some(f(s)),
            _ => self.retry.borrow().stale.as_ref().map(f),
        }
    }

    /// The connection broke, the server closed it, or an attempt failed (`error` says how, for
    /// a person): a new attempt is scheduled when the widget may reconnect, else the
    /// connection ends with `vnc-error` and `vnc-disconnected`.
    pub(super) fn connection_lost(&self, error: Option<String>) {
        let next = {
            let mut r = self.retry.borrow_mut();
            if self.reconnect.get() && r.had_session && r.target.is_some() {
                let lived = r.initialized_at.take().map(|t| t.elapsed());
                r.step = next_step(r.step, lived);
                r.failures = r.failures.saturating_add(1);
                Some((r.failures, backoff(r.step)))
            } else {
                None
            }
        };
        let Some((attempt, delay)) = next else {
            return self.disconnect(error);
        };
        self.teardown();
        let reason = error.unwrap_or_else(|| {
            format!("{}: the server closed the connection", self.server.borrow())
        });
        tracing::debug!(attempt, ?delay, reason, "reconnecting");
        let obj = self.obj();
        let timer = glib::timeout_add_local_once(
            delay,
            clone!(
                #[weak]
                obj,
                move || {
                    let this = obj.imp();
                    let target = {
                        let mut r = this.retry.borrow_mut();
                        r.timer = None;
                        r.target.clone()
                    };
                    if let Some(target) = target {
                        this.connect_to(&target);
                    }
                }
            ),
        );
        if let Some(old) = self.retry.borrow_mut().timer.replace(timer) {
            old.remove();
        }
        // The last picture stays, greyed (see `draw`).
        obj.queue_draw();
        let delay_ms = u32::try_from(delay.as_millis()).unwrap_or(u32::MAX);
        obj.emit_by_name::<()>("vnc-reconnecting", &[&attempt, &delay_ms, &reason]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_doubles_up_to_a_second() {
        let ms: Vec<u128> = (1..=6).map(|n| backoff(n).as_millis()).collect();
        assert_eq!(ms, [250, 500, 1000, 1000, 1000, 1000]);
        assert_eq!(backoff(u32::MAX), MAX_DELAY);
    }

    #[test]
    fn a_session_that_lasted_starts_the_backoff_over() {
        // Attempts failing one after the other.
        assert_eq!(next_step(2, None), 3);
        // A session that lasted: the first delay again.
        assert_eq!(next_step(5, Some(STABLE)), 1);
        assert_eq!(next_step(0, Some(Duration::from_secs(3600))), 1);
        // A session dropped at once: the wait keeps growing, to a second.
        assert_eq!(next_step(1, Some(Duration::from_millis(50))), 2);
        assert_eq!(backoff(next_step(2, Some(Duration::ZERO))), MAX_DELAY);
        assert_eq!(next_step(u32::MAX, None), u32::MAX);
    }

    #[test]
    fn only_a_broken_connection_is_retried() {
        use vnc_core::Step;
        assert!(is_retryable(&VncError::UnexpectedEof {
            step: Step::ServerMessage
        }));
        assert!(is_retryable(&VncError::Timeout {
            step: Step::Version
        }));
        assert!(!is_retryable(&VncError::AuthenticationFailed {
            reason: None
        }));
        assert!(!is_retryable(&VncError::NoCommonSecurityType {
            offered: vec![2],
            accepted: Vec::new(),
        }));
        assert!(!is_retryable(&VncError::ServerNameMissing));
        assert!(!is_retryable(&VncError::ConnectionRefused {
            reason: "no".into()
        }));
    }
}
