//! A SASL client over the system's Cyrus SASL library (libsasl2), for vnc-core's SASL
//! security type. Cyrus runs the mechanisms (whichever plugins are installed: DIGEST-MD5,
//! SCRAM, GSSAPI, ...) and the security layer; this crate only carries bytes and credentials
//! across the C boundary, so that the engine itself keeps `#![forbid(unsafe_code)]`.
//!
//! Every call is synchronous computation, no I/O: the engine stays sans-IO. Credentials are
//! given through Cyrus's interaction prompts (`SASL_INTERACT`), so a mechanism asks for what
//! it needs and the engine asks the application only then.
//!
//! ```
//! use vnc_sasl::{Client, Credentials, Progress, Settings};
//!
//! let settings = Settings {
//!     service: "vnc",
//!     host: "localhost",
//!     min_ssf: 0,
//!     max_ssf: 0,
//!     max_buffer: 65536,
//!     no_plaintext: false,
//!     external_ssf: None,
//! };
//! let mut client = Client::new(&settings)?;
//! let creds = Credentials {
//!     username: Some("alice"),
//!     password: Some("secret"),
//! };
//! // PLAIN (libsasl2-modules) answers at once, with the credentials in its first message.
//! if let Progress::Output { mechanism, data, .. } = client.start("PLAIN", creds)? {
//!     assert_eq!(mechanism.as_deref(), Some("PLAIN"));
//!     assert_eq!(data.as_deref(), Some(&b"\0alice\0secret"[..]));
//! }
//! # Ok::<(), vnc_sasl::Error>(())
//! ```

use std::ffi::{CStr, CString, c_char, c_int, c_uint, c_void};
use std::fmt;
use std::ptr;
use std::sync::OnceLock;

use sasl2_sys::prelude::{
    SASL_CB_AUTHNAME, SASL_CB_LIST_END, SASL_CB_PASS, SASL_CB_USER, SASL_CONTINUE, SASL_INTERACT,
    SASL_MAXOUTBUF, SASL_OK, SASL_SEC_NOANONYMOUS, SASL_SEC_NOPLAINTEXT, SASL_SEC_PROPS, SASL_SSF,
    SASL_SSF_EXTERNAL, SASL_SUCCESS_DATA, sasl_callback_t, sasl_client_init, sasl_client_new,
    sasl_client_start, sasl_client_step, sasl_conn_t, sasl_decode, sasl_dispose, sasl_encode,
    sasl_errdetail, sasl_errstring, sasl_getprop, sasl_interact_t, sasl_security_properties_t,
    sasl_setprop, sasl_ssf_t,
};
use zeroize::Zeroizing;

/// A failure of Cyrus SASL, with its message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// Cyrus's result code (negative), or 0 for a failure found on this side.
    pub code: i32,
    /// What failed, from Cyrus's detail where it has one.
    pub message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

fn local_error(message: impl Into<String>) -> Error {
    Error {
        code: 0,
        message: message.into(),
    }
}

/// How the client is set up (`sasl_client_new` and its security properties).
#[derive(Clone, Debug)]
pub struct Settings<'a> {
    /// The service name (`"vnc"` for VNC).
    pub service: &'a str,
    /// The server's host name, which some mechanisms (GSSAPI, DIGEST-MD5's digest-uri) use.
    pub host: &'a str,
    /// Smallest security strength factor of the security layer accepted (0: none needed).
    pub min_ssf: u32,
    /// Largest security strength factor wanted (0: no security layer).
    pub max_ssf: u32,
    /// Largest security-layer frame the peer may send us.
    pub max_buffer: u32,
    /// Refuse mechanisms that send the password in the clear or allow anonymous login.
    pub no_plaintext: bool,
    /// The strength of an encryption below SASL (TLS), if any.
    pub external_ssf: Option<u32>,
}

/// Which credentials a mechanism asked for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Needs {
    /// A user name (authentication identity).
    pub username: bool,
    /// A password.
    pub password: bool,
}

/// Credentials for a mechanism's prompts.
#[derive(Clone, Copy, Debug, Default)]
pub struct Credentials<'a> {
    /// The user name.
    pub username: Option<&'a str>,
    /// The password.
    pub password: Option<&'a str>,
}

/// What one start or step produced.
#[derive(Debug)]
pub enum Progress {
    /// The mechanism needs these credentials: call the same function again with them.
    NeedCredentials(Needs),
    /// Data for the server.
    Output {
        /// The chosen mechanism (from [`Client::start`] only).
        mechanism: Option<String>,
        /// What to send: `None` is no data, which SASL tells apart from empty data.
        data: Option<Vec<u8>>,
        /// The exchange is complete on this side (`SASL_OK` rather than `SASL_CONTINUE`).
        complete: bool,
    },
}

/// How many times one call answers prompts before giving up: a mechanism asks once, then
/// takes the answers.
const MAX_PROMPT_ROUNDS: usize = 4;
const PROMPT_LOOP: &str = "the SASL mechanism keeps asking for credentials";

/// One client connection of Cyrus SASL.
pub struct Client {
    conn: *mut sasl_conn_t,
    /// The prompts' list, which Cyrus keeps a pointer to for the connection's life.
    _callbacks: Box<[sasl_callback_t; 3]>,
    /// Answers to the prompts, which Cyrus reads during the next call: kept until dropped.
    answers: Vec<Zeroizing<Vec<u8>>>,
    /// The mechanism Cyrus picked.
    mechanism: Option<String>,
}

// SAFETY: a Cyrus connection has no thread affinity, and every method that touches it takes
// `&mut self`, so one thread at a time uses it and a shared `&Client` can do nothing with it.
unsafe impl Send for Client {}
// SAFETY: as above: no `&self` method reaches the connection or the prompts.
unsafe impl Sync for Client {}

/// Cyrus's global client initialisation, once per process (it loads the plugins).
fn init() -> Result<(), Error> {
    static INIT: OnceLock<c_int> = OnceLock::new();
    // SAFETY: called once, with no callbacks.
    let code = *INIT.get_or_init(|| unsafe { sasl_client_init(ptr::null()) });
    if code == SASL_OK {
        Ok(())
    } else {
        Err(Error {
            code,
            message: format!("cannot initialise Cyrus SASL: {}", errstring(code)),
        })
    }
}

fn errstring(code: c_int) -> String {
    // SAFETY: sasl_errstring returns a static string for any code.
    unsafe { CStr::from_ptr(sasl_errstring(code, ptr::null(), ptr::null_mut())) }
        .to_string_lossy()
        .into_owned()
}

fn c_string(s: &str, what: &str) -> Result<CString, Error> {
    CString::new(s).map_err(|_| local_error(format!("{what} contains a NUL byte")))
}

fn copy_out(data: *const c_char, len: c_uint) -> Option<Vec<u8>> {
    if data.is_null() {
        return None;
    }
    // SAFETY: Cyrus returned `len` bytes at `data`, valid until the next call on the
    // connection.
    Some(unsafe { std::slice::from_raw_parts(data.cast::<u8>(), len as usize) }.to_vec())
}

impl Client {
    /// A new client connection.
    pub fn new(settings: &Settings) -> Result<Client, Error> {
        init()?;
        let service = c_string(settings.service, "the service name")?;
        let host = c_string(settings.host, "the host name")?;
        // No callback function: Cyrus asks through SASL_INTERACT instead.
        let prompt = |id| sasl_callback_t {
            id,
            proc_: None,
            context: ptr::null_mut(),
        };
        let callbacks = Box::new([
            prompt(SASL_CB_AUTHNAME),
            prompt(SASL_CB_PASS),
            prompt(SASL_CB_LIST_END),
        ]);
        let mut conn = ptr::null_mut();
        // SAFETY: the strings live through the call (Cyrus copies them); the callback list
        // lives as long as the connection, in the returned Client.
        let code = unsafe {
            sasl_client_new(
                service.as_ptr(),
                host.as_ptr(),
                ptr::null(),
                ptr::null(),
                callbacks.as_ptr(),
                SASL_SUCCESS_DATA,
                &mut conn,
            )
        };
        if code != SASL_OK || conn.is_null() {
            return Err(Error {
                code,
                message: format!("cannot create a SASL client: {}", errstring(code)),
            });
        }
        let mut client = Client {
            conn,
            _callbacks: callbacks,
            answers: Vec::new(),
            mechanism: None,
        };
        if let Some(ssf) = settings.external_ssf {
            let ssf: sasl_ssf_t = ssf;
            // SAFETY: SASL_SSF_EXTERNAL takes a pointer to a sasl_ssf_t, copied.
            let code = unsafe {
                sasl_setprop(
                    client.conn,
                    SASL_SSF_EXTERNAL as c_int,
                    (&ssf as *const sasl_ssf_t).cast(),
                )
            };
            client.check(code, "cannot set the external SSF")?;
        }
        let flags = if settings.no_plaintext {
            SASL_SEC_NOANONYMOUS | SASL_SEC_NOPLAINTEXT
        } else {
            0
        };
        let props = sasl_security_properties_t {
            min_ssf: settings.min_ssf,
            max_ssf: settings.max_ssf,
            maxbufsize: settings.max_buffer,
            security_flags: flags,
            property_names: ptr::null_mut(),
            property_values: ptr::null_mut(),
        };
        // SAFETY: SASL_SEC_PROPS takes a pointer to the properties, copied.
        let code = unsafe {
            sasl_setprop(
                client.conn,
                SASL_SEC_PROPS as c_int,
                (&props as *const sasl_security_properties_t).cast(),
            )
        };
        client.check(code, "cannot set the security properties")?;
        Ok(client)
    }

    fn detail(&mut self) -> String {
        // SAFETY: the connection is valid; the detail is a NUL-terminated string it owns.
        let p = unsafe { sasl_errdetail(self.conn) };
        if p.is_null() {
            return String::new();
        }
        // SAFETY: non-null, NUL-terminated, valid until the next call.
        unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
    }

    fn check(&mut self, code: c_int, what: &str) -> Result<(), Error> {
        if code == SASL_OK {
            Ok(())
        } else {
            Err(Error {
                code,
                message: format!("{what}: {}", self.detail()),
            })
        }
    }

    /// Picks a mechanism from the server's comma-separated `mechlist` and makes the first
    /// data for the server (`sasl_client_start`).
    pub fn start(&mut self, mechlist: &str, creds: Credentials) -> Result<Progress, Error> {
        let list = c_string(mechlist, "the server's mechanism list")?;
        // The answered prompts go back into the next call through the same pointer.
        let mut interact: *mut sasl_interact_t = ptr::null_mut();
        for _ in 0..MAX_PROMPT_ROUNDS {
            let mut out: *const c_char = ptr::null();
            let mut out_len: c_uint = 0;
            let mut mech: *const c_char = ptr::null();
            // SAFETY: every out-pointer points at a local; `list` lives through the call.
            let code = unsafe {
                sasl_client_start(
                    self.conn,
                    list.as_ptr(),
                    &mut interact,
                    &mut out,
                    &mut out_len,
                    &mut mech,
                )
            };
            if !mech.is_null() {
                // SAFETY: a NUL-terminated name owned by Cyrus. It is set by the call that
                // picks the mechanism, which may be one that asks for credentials.
                let name = unsafe { CStr::from_ptr(mech) }
                    .to_string_lossy()
                    .into_owned();
                self.mechanism = Some(name);
            }
            match code {
                SASL_INTERACT => match self.answer(interact, creds)? {
                    Some(needs) => return Ok(Progress::NeedCredentials(needs)),
                    None => continue,
                },
                SASL_OK | SASL_CONTINUE => {
                    return Ok(Progress::Output {
                        mechanism: self.mechanism.clone(),
                        data: copy_out(out, out_len),
                        complete: code == SASL_OK,
                    });
                }
                _ => {
                    return Err(Error {
                        code,
                        message: format!(
                            "no usable SASL mechanism in [{mechlist}]: {}",
                            self.detail()
                        ),
                    });
                }
            }
        }
        Err(local_error(PROMPT_LOOP))
    }

    /// Answers the server's data (`None`: no data) with the next data for it
    /// (`sasl_client_step`).
    pub fn step(&mut self, server: Option<&[u8]>, creds: Credentials) -> Result<Progress, Error> {
        // Some mechanisms read the server's data as a C string: keep a NUL after it.
        let input = server.map(|s| {
            let mut v = Vec::with_capacity(s.len() + 1);
            v.extend_from_slice(s);
            v.push(0);
            v
        });
        let (in_ptr, in_len) = match (&input, server) {
            (Some(v), Some(s)) => (
                v.as_ptr().cast::<c_char>(),
                c_uint::try_from(s.len()).map_err(|_| local_error("SASL data too long"))?,
            ),
            _ => (ptr::null(), 0),
        };
        let mut interact: *mut sasl_interact_t = ptr::null_mut();
        for _ in 0..MAX_PROMPT_ROUNDS {
            let mut out: *const c_char = ptr::null();
            let mut out_len: c_uint = 0;
            // SAFETY: the input lives through the call; the out-pointers point at locals.
            let code = unsafe {
                sasl_client_step(
                    self.conn,
                    in_ptr,
                    in_len,
                    &mut interact,
                    &mut out,
                    &mut out_len,
                )
            };
            match code {
                SASL_INTERACT => match self.answer(interact, creds)? {
                    Some(needs) => return Ok(Progress::NeedCredentials(needs)),
                    None => continue,
                },
                SASL_OK | SASL_CONTINUE => {
                    return Ok(Progress::Output {
                        mechanism: None,
                        data: copy_out(out, out_len),
                        complete: code == SASL_OK,
                    });
                }
                _ => {
                    return Err(Error {
                        code,
                        message: format!("SASL step failed: {}", self.detail()),
                    });
                }
            }
        }
        Err(local_error(PROMPT_LOOP))
    }

    /// Fills Cyrus's prompts from `creds`; `Some(needs)` when some are missing.
    fn answer(
        &mut self,
        interact: *mut sasl_interact_t,
        creds: Credentials,
    ) -> Result<Option<Needs>, Error> {
        if interact.is_null() {
            return Err(local_error(
                "Cyrus SASL asked for credentials without prompts",
            ));
        }
        let mut needs = Needs::default();
        let mut missing = Needs::default();
        // SAFETY: Cyrus's prompt list ends with an entry whose id is SASL_CB_LIST_END; it
        // stays valid until the next call on the connection. The answers it points at are
        // kept in `self.answers` until the Client is dropped.
        unsafe {
            let mut p = interact;
            while (*p).id != SASL_CB_LIST_END {
                let value: Option<&str> = match (*p).id {
                    SASL_CB_AUTHNAME | SASL_CB_USER => {
                        needs.username = true;
                        missing.username |= creds.username.is_none();
                        creds.username
                    }
                    SASL_CB_PASS => {
                        needs.password = true;
                        missing.password |= creds.password.is_none();
                        creds.password
                    }
                    // Other prompts (the realm): the mechanism's default, or nothing.
                    _ => {
                        if !(*p).defresult.is_null() {
                            (*p).result = (*p).defresult.cast::<c_void>();
                            (*p).len = CStr::from_ptr((*p).defresult).to_bytes().len() as c_uint;
                        } else {
                            (*p).result = c"".as_ptr().cast::<c_void>();
                            (*p).len = 0;
                        }
                        None
                    }
                };
                if let Some(v) = value {
                    let mut answer = Zeroizing::new(Vec::with_capacity(v.len() + 1));
                    answer.extend_from_slice(v.as_bytes());
                    answer.push(0);
                    (*p).result = answer.as_ptr().cast::<c_void>();
                    (*p).len = v.len() as c_uint;
                    self.answers.push(answer);
                }
                p = p.add(1);
            }
        }
        if missing.username || missing.password {
            return Ok(Some(needs));
        }
        Ok(None)
    }

    fn prop_uint(&mut self, prop: c_uint) -> Result<u32, Error> {
        let mut value: *const c_void = ptr::null();
        // SAFETY: SASL_SSF and SASL_MAXOUTBUF give a pointer to an unsigned int owned by
        // the connection.
        let code = unsafe { sasl_getprop(self.conn, prop as c_int, &mut value) };
        self.check(code, "cannot read a SASL property")?;
        if value.is_null() {
            return Err(local_error("Cyrus SASL returned no property value"));
        }
        // SAFETY: non-null, points at a c_uint.
        Ok(unsafe { *value.cast::<c_uint>() })
    }

    /// The mechanism Cyrus picked, once [`Client::start`] has picked one.
    pub fn mechanism(&self) -> Option<&str> {
        self.mechanism.as_deref()
    }

    /// The negotiated security strength factor (0: no security layer).
    pub fn ssf(&mut self) -> Result<u32, Error> {
        self.prop_uint(SASL_SSF)
    }

    /// Wraps `plain` in the security layer, appending the frames to `out`.
    pub fn encode(&mut self, plain: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        // Cyrus takes at most SASL_MAXOUTBUF bytes per call.
        let max = self.prop_uint(SASL_MAXOUTBUF)?.clamp(1, 1 << 20) as usize;
        self.layer(sasl_encode, plain, max, out, "SASL security layer (encode)")
    }

    /// Unwraps the security layer from `wire` (any split: Cyrus keeps an unfinished frame),
    /// appending the plaintext to `out`. A frame above [`Settings::max_buffer`] is an error.
    pub fn decode(&mut self, wire: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        self.layer(
            sasl_decode,
            wire,
            64 << 10,
            out,
            "SASL security layer (decode)",
        )
    }

    /// Runs `input` through `code` (`sasl_encode` or `sasl_decode`, which share a signature)
    /// in pieces of at most `max` bytes, appending what each gives to `out`.
    fn layer(
        &mut self,
        code: unsafe extern "C" fn(
            *mut sasl_conn_t,
            *const c_char,
            c_uint,
            *mut *const c_char,
            *mut c_uint,
        ) -> c_int,
        input: &[u8],
        max: usize,
        out: &mut Vec<u8>,
        what: &str,
    ) -> Result<(), Error> {
        for chunk in input.chunks(max) {
            let mut res: *const c_char = ptr::null();
            let mut res_len: c_uint = 0;
            // SAFETY: the chunk is at most `max` bytes (within SASL_MAXOUTBUF for encoding)
            // and lives through the call; the output belongs to the connection until its
            // next call, and is copied.
            let rc = unsafe {
                code(
                    self.conn,
                    chunk.as_ptr().cast(),
                    chunk.len() as c_uint,
                    &mut res,
                    &mut res_len,
                )
            };
            self.check(rc, what)?;
            if let Some(v) = copy_out(res, res_len) {
                out.extend_from_slice(&v);
            }
        }
        Ok(())
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        // SAFETY: the connection was made by sasl_client_new and is disposed of once.
        unsafe { sasl_dispose(&mut self.conn) };
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings<'static> {
        Settings {
            service: "vnc",
            host: "localhost",
            min_ssf: 0,
            max_ssf: 0,
            max_buffer: 65536,
            no_plaintext: false,
            external_ssf: None,
        }
    }

    #[test]
    fn a_mechanism_asks_for_credentials_then_answers() {
        let mut c = Client::new(&settings()).unwrap();
        let none = Credentials::default();
        // PLAIN (libsasl2-modules) sends user and password in its first message.
        match c.start("PLAIN", none).unwrap() {
            Progress::NeedCredentials(n) => assert!(n.username && n.password),
            other => panic!("unexpected {other:?}"),
        }
        let creds = Credentials {
            username: Some("alice"),
            password: Some("secret"),
        };
        match c.start("PLAIN", creds).unwrap() {
            Progress::Output {
                mechanism, data, ..
            } => {
                assert_eq!(mechanism.as_deref(), Some("PLAIN"));
                // RFC 4616: an empty authorisation identity (the user's own), then the
                // authentication identity and the password.
                assert_eq!(data.unwrap(), b"\0alice\0secret".to_vec());
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn an_unknown_mechanism_and_a_nul_are_errors() {
        let mut c = Client::new(&settings()).unwrap();
        assert!(c.start("NO-SUCH-MECH", Credentials::default()).is_err());
        assert!(c.start("PLAIN\0", Credentials::default()).is_err());
    }
}
