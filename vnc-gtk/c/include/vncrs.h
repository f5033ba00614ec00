/* vncrs.h: the C API of vnc-rs's GTK 4 widget, VncRsDisplay.
 *
 * The widget is implemented in Rust (the vnc-gtk crate); this header declares the functions
 * of libvncrs-0.1, which registers the same GObject type that Rust programs use. Every
 * function is usable from GObject Introspection (namespace VncRs, version 0.1).
 *
 * SPDX-License-Identifier: MIT OR Apache-2.0
 */

#ifndef VNC_RS_H
#define VNC_RS_H

#include <gtk/gtk.h>

G_BEGIN_DECLS

/**
 * SECTION:vncrs
 * @title: VncRsDisplay
 * @short_description: a GTK 4 widget showing a remote VNC desktop
 *
 * #VncRsDisplay connects to a VNC (RFB) server, shows its desktop and forwards keyboard and
 * pointer. It follows gtk-vnc's VncDisplay: functions, properties and signals carry
 * gtk-vnc's names where gtk-vnc has them.
 *
 * A connection runs on the GLib main loop of the thread that created the widget; call every
 * function from that thread.
 */

#define VNC_RS_TYPE_DISPLAY (vnc_rs_display_get_type ())

/**
 * VncRsDisplay:
 *
 * A widget showing a remote VNC desktop. Its structure is private.
 */
G_DECLARE_FINAL_TYPE (VncRsDisplay, vnc_rs_display, VNC_RS, DISPLAY, GtkWidget)

/**
 * VncRsDisplayDepth:
 * @VNC_RS_DISPLAY_DEPTH_DEFAULT: the server's own pixel format, whatever it is
 * @VNC_RS_DISPLAY_DEPTH_FULL: full colour: the server's own format when it is 32-bit true
 *   colour with 8-bit channels, RGB888 otherwise (the default)
 * @VNC_RS_DISPLAY_DEPTH_MEDIUM: 16-bit colour (RGB565)
 * @VNC_RS_DISPLAY_DEPTH_LOW: 8-bit colour (BGR233, 256 colours)
 * @VNC_RS_DISPLAY_DEPTH_ULTRA_LOW: 8 bits per pixel with one bit per channel (eight colours)
 *
 * The colour depth asked of the server (the #VncRsDisplay:depth property); the values are
 * gtk-vnc's.
 */
typedef enum {
  VNC_RS_DISPLAY_DEPTH_DEFAULT = 0,
  VNC_RS_DISPLAY_DEPTH_FULL = 1,
  VNC_RS_DISPLAY_DEPTH_MEDIUM = 2,
  VNC_RS_DISPLAY_DEPTH_LOW = 3,
  VNC_RS_DISPLAY_DEPTH_ULTRA_LOW = 4,
} VncRsDisplayDepth;

GType vnc_rs_display_depth_get_type (void);
#define VNC_RS_TYPE_DISPLAY_DEPTH (vnc_rs_display_depth_get_type ())

/**
 * VncRsDisplayCredential:
 * @VNC_RS_DISPLAY_CREDENTIAL_PASSWORD: the password (VNC authentication, VeNCrypt Plain)
 * @VNC_RS_DISPLAY_CREDENTIAL_USERNAME: the user name (VeNCrypt Plain)
 * @VNC_RS_DISPLAY_CREDENTIAL_CLIENTNAME: the client name some SASL mechanisms send (kept; no
 *   security type of this version asks for it)
 *
 * Which credential vnc_rs_display_set_credential() gives; the values are gtk-vnc's.
 */
typedef enum {
  VNC_RS_DISPLAY_CREDENTIAL_PASSWORD = 0,
  VNC_RS_DISPLAY_CREDENTIAL_USERNAME = 1,
  VNC_RS_DISPLAY_CREDENTIAL_CLIENTNAME = 2,
} VncRsDisplayCredential;

GType vnc_rs_display_credential_get_type (void);
#define VNC_RS_TYPE_DISPLAY_CREDENTIAL (vnc_rs_display_credential_get_type ())

/**
 * VncRsCredentialFlags:
 * @VNC_RS_CREDENTIAL_USERNAME: a user name (%VNC_RS_DISPLAY_CREDENTIAL_USERNAME)
 * @VNC_RS_CREDENTIAL_PASSWORD: a password (%VNC_RS_DISPLAY_CREDENTIAL_PASSWORD)
 * @VNC_RS_CREDENTIAL_CLIENTNAME: a client name (%VNC_RS_DISPLAY_CREDENTIAL_CLIENTNAME; no
 *   security type of this version asks for it)
 *
 * Which credentials #VncRsDisplay::vnc-auth-credential asks for.
 */
typedef enum /*< flags >*/ {
  VNC_RS_CREDENTIAL_USERNAME = 1 << 0,
  VNC_RS_CREDENTIAL_PASSWORD = 1 << 1,
  VNC_RS_CREDENTIAL_CLIENTNAME = 1 << 2,
} VncRsCredentialFlags;

GType vnc_rs_credential_flags_get_type (void);
#define VNC_RS_TYPE_CREDENTIAL_FLAGS (vnc_rs_credential_flags_get_type ())

/**
 * VncRsDisplayKeyEvent:
 * @VNC_RS_DISPLAY_KEY_EVENT_PRESS: press every key, in order
 * @VNC_RS_DISPLAY_KEY_EVENT_RELEASE: release every key, in reverse order
 * @VNC_RS_DISPLAY_KEY_EVENT_CLICK: press every key in order, then release them in reverse
 *   order
 *
 * How vnc_rs_display_send_keys_ex() sends its keys; the values are gtk-vnc's.
 */
typedef enum {
  VNC_RS_DISPLAY_KEY_EVENT_PRESS = 1,
  VNC_RS_DISPLAY_KEY_EVENT_RELEASE = 2,
  VNC_RS_DISPLAY_KEY_EVENT_CLICK = 3,
} VncRsDisplayKeyEvent;

GType vnc_rs_display_key_event_get_type (void);
#define VNC_RS_TYPE_DISPLAY_KEY_EVENT (vnc_rs_display_key_event_get_type ())

/**
 * VncRsCertificateProblem:
 * @VNC_RS_CERTIFICATE_PROBLEM_UNKNOWN_ISSUER: it does not chain to a trusted CA
 *   (self-signed, or from another CA)
 * @VNC_RS_CERTIFICATE_PROBLEM_EXPIRED: it has expired
 * @VNC_RS_CERTIFICATE_PROBLEM_NOT_YET_VALID: it is not valid yet
 * @VNC_RS_CERTIFICATE_PROBLEM_WRONG_HOST: it is not for the host connected to
 * @VNC_RS_CERTIFICATE_PROBLEM_REVOKED: it was revoked
 * @VNC_RS_CERTIFICATE_PROBLEM_FINGERPRINT_MISMATCH: its fingerprint is not the pinned one
 * @VNC_RS_CERTIFICATE_PROBLEM_CHANGED: the certificate known for this server has changed
 * @VNC_RS_CERTIFICATE_PROBLEM_OTHER: something else (the message says what)
 *
 * Why a server certificate failed verification (#VncRsDisplay::vnc-certificate-verification).
 */
typedef enum {
  VNC_RS_CERTIFICATE_PROBLEM_UNKNOWN_ISSUER = 0,
  VNC_RS_CERTIFICATE_PROBLEM_EXPIRED = 1,
  VNC_RS_CERTIFICATE_PROBLEM_NOT_YET_VALID = 2,
  VNC_RS_CERTIFICATE_PROBLEM_WRONG_HOST = 3,
  VNC_RS_CERTIFICATE_PROBLEM_REVOKED = 4,
  VNC_RS_CERTIFICATE_PROBLEM_FINGERPRINT_MISMATCH = 5,
  VNC_RS_CERTIFICATE_PROBLEM_CHANGED = 6,
  VNC_RS_CERTIFICATE_PROBLEM_OTHER = 7,
} VncRsCertificateProblem;

GType vnc_rs_certificate_problem_get_type (void);
#define VNC_RS_TYPE_CERTIFICATE_PROBLEM (vnc_rs_certificate_problem_get_type ())

#define VNC_RS_TYPE_CERTIFICATE (vnc_rs_certificate_get_type ())

/**
 * VncRsCertificate:
 *
 * A server certificate, as #VncRsDisplay::vnc-certificate-verification passes it. Its
 * structure is private; read it through its properties or the functions below.
 */
G_DECLARE_FINAL_TYPE (VncRsCertificate, vnc_rs_certificate, VNC_RS, CERTIFICATE, GObject)

/**
 * vnc_rs_certificate_get_subject: (get-property subject)
 * @certificate: a #VncRsCertificate
 *
 * Returns: (transfer full): the subject's distinguished name
 */
char *vnc_rs_certificate_get_subject (VncRsCertificate *certificate);

/**
 * vnc_rs_certificate_get_issuer: (get-property issuer)
 * @certificate: a #VncRsCertificate
 *
 * Returns: (transfer full): the issuer's distinguished name
 */
char *vnc_rs_certificate_get_issuer (VncRsCertificate *certificate);

/**
 * vnc_rs_certificate_get_not_before: (get-property not-before)
 * @certificate: a #VncRsCertificate
 *
 * Returns: (transfer full): the start of validity, as the certificate states it
 */
char *vnc_rs_certificate_get_not_before (VncRsCertificate *certificate);

/**
 * vnc_rs_certificate_get_not_after: (get-property not-after)
 * @certificate: a #VncRsCertificate
 *
 * Returns: (transfer full): the end of validity
 */
char *vnc_rs_certificate_get_not_after (VncRsCertificate *certificate);

/**
 * vnc_rs_certificate_get_sha256: (get-property sha256)
 * @certificate: a #VncRsCertificate
 *
 * Returns: (transfer full): the SHA-256 fingerprint of the DER form, 64 lower-case hex
 *   digits, as vnc_rs_display_pin_certificate() takes it
 */
char *vnc_rs_certificate_get_sha256 (VncRsCertificate *certificate);

/**
 * VncRsDisplayLimit:
 * @VNC_RS_DISPLAY_LIMIT_MAX_WIDTH: the widest desktop accepted, in pixels
 * @VNC_RS_DISPLAY_LIMIT_MAX_HEIGHT: the tallest desktop accepted, in pixels
 * @VNC_RS_DISPLAY_LIMIT_MAX_FRAMEBUFFER_BYTES: the largest framebuffer, in bytes
 * @VNC_RS_DISPLAY_LIMIT_MAX_CUT_TEXT: the longest clipboard text, in bytes
 * @VNC_RS_DISPLAY_LIMIT_MAX_NAME: the longest desktop name, in bytes
 * @VNC_RS_DISPLAY_LIMIT_MAX_REASON: the longest failure reason, in bytes
 * @VNC_RS_DISPLAY_LIMIT_MAX_CURSOR_SIZE: the widest and tallest cursor, in pixels
 * @VNC_RS_DISPLAY_LIMIT_MAX_RECTS_PER_UPDATE: the most rectangles in one update
 * @VNC_RS_DISPLAY_LIMIT_MAX_AUDIO_DATA: the largest audio message, in bytes
 *
 * One bound on what a server may make a connection allocate; see
 * vnc_rs_display_set_limit().
 */
typedef enum {
  VNC_RS_DISPLAY_LIMIT_MAX_WIDTH = 0,
  VNC_RS_DISPLAY_LIMIT_MAX_HEIGHT = 1,
  VNC_RS_DISPLAY_LIMIT_MAX_FRAMEBUFFER_BYTES = 2,
  VNC_RS_DISPLAY_LIMIT_MAX_CUT_TEXT = 3,
  VNC_RS_DISPLAY_LIMIT_MAX_NAME = 4,
  VNC_RS_DISPLAY_LIMIT_MAX_REASON = 5,
  VNC_RS_DISPLAY_LIMIT_MAX_CURSOR_SIZE = 6,
  VNC_RS_DISPLAY_LIMIT_MAX_RECTS_PER_UPDATE = 7,
  VNC_RS_DISPLAY_LIMIT_MAX_AUDIO_DATA = 8,
} VncRsDisplayLimit;

GType vnc_rs_display_limit_get_type (void);
#define VNC_RS_TYPE_DISPLAY_LIMIT (vnc_rs_display_limit_get_type ())

/**
 * VncRsDisplayError:
 * @VNC_RS_DISPLAY_ERROR_INVALID_ARGUMENT: an argument is not valid (an address, a port, a
 *   fingerprint)
 * @VNC_RS_DISPLAY_ERROR_FILE: a file could not be read or holds nothing usable
 * @VNC_RS_DISPLAY_ERROR_SOCKET: a file descriptor is not a usable socket
 * @VNC_RS_DISPLAY_ERROR_INTERNAL: an internal error (a bug, please report it)
 *
 * Errors of the #VncRsDisplay functions that take a #GError. What goes wrong with a
 * connection itself is told by the #VncRsDisplay::vnc-error signal.
 */
typedef enum {
  VNC_RS_DISPLAY_ERROR_INVALID_ARGUMENT = 0,
  VNC_RS_DISPLAY_ERROR_FILE = 1,
  VNC_RS_DISPLAY_ERROR_SOCKET = 2,
  VNC_RS_DISPLAY_ERROR_INTERNAL = 3,
} VncRsDisplayError;

GType vnc_rs_display_error_get_type (void);
#define VNC_RS_TYPE_DISPLAY_ERROR (vnc_rs_display_error_get_type ())

/**
 * VNC_RS_DISPLAY_ERROR:
 *
 * The error domain of #VncRsDisplayError.
 */
#define VNC_RS_DISPLAY_ERROR (vnc_rs_display_error_quark ())
GQuark vnc_rs_display_error_quark (void);

/**
 * vnc_rs_display_new:
 *
 * Makes a display that is not connected yet. GTK must be initialized.
 *
 * Returns: (transfer none) (type VncRs.Display): a new #VncRsDisplay, as a floating
 *   reference like every GTK widget constructor
 */
GtkWidget *vnc_rs_display_new (void);

/**
 * vnc_rs_display_open_host:
 * @display: a #VncRsDisplay
 * @host: the server's host name or address
 * @port: the TCP port, as a decimal string (gtk-vnc's form), for example "5901"
 * @error: return location for a #GError
 *
 * Connects to @host and @port (every address of the name, IPv6 and IPv4). What happens next
 * is told by the signals: #VncRsDisplay::vnc-connected, #VncRsDisplay::vnc-initialized, or
 * #VncRsDisplay::vnc-error and #VncRsDisplay::vnc-disconnected.
 *
 * Returns: %TRUE if the connection was started, %FALSE with @error set if @port is not a
 *   port number
 */
gboolean vnc_rs_display_open_host (VncRsDisplay *display,
                                   const char   *host,
                                   const char   *port,
                                   GError      **error);

/**
 * vnc_rs_display_open_address:
 * @display: a #VncRsDisplay
 * @address: an address as VNC viewers take it: "host:display", "host::port", "[::1]:1",
 *   "vnc://host:port" or a Unix socket path
 * @error: return location for a #GError
 *
 * Connects to @address.
 *
 * Returns: %TRUE if the connection was started, %FALSE with @error set if @address cannot be
 *   parsed
 */
gboolean vnc_rs_display_open_address (VncRsDisplay *display,
                                      const char   *address,
                                      GError      **error);

/**
 * vnc_rs_display_open_fd:
 * @display: a #VncRsDisplay
 * @fd: a connected stream socket
 * @error: return location for a #GError
 *
 * Runs a session over a socket the caller connected (a socketpair, an SSH tunnel). On
 * success the display owns @fd and closes it; on failure the caller still owns it. There is
 * no host name to check an x509 certificate against: use
 * vnc_rs_display_open_fd_with_hostname() for x509 TLS servers.
 *
 * Returns: %TRUE if the session was started, %FALSE with @error set if @fd is not a socket
 */
gboolean vnc_rs_display_open_fd (VncRsDisplay *display,
                                 int           fd,
                                 GError      **error);

/**
 * vnc_rs_display_open_fd_with_hostname:
 * @display: a #VncRsDisplay
 * @fd: a connected stream socket
 * @hostname: (nullable): the name an x509 TLS server's certificate is checked against
 * @error: return location for a #GError
 *
 * As vnc_rs_display_open_fd(), with the server's host name.
 *
 * Returns: %TRUE if the session was started, %FALSE with @error set if @fd is not a socket
 */
gboolean vnc_rs_display_open_fd_with_hostname (VncRsDisplay *display,
                                               int           fd,
                                               const char   *hostname,
                                               GError      **error);

/**
 * vnc_rs_display_open_stream:
 * @display: a #VncRsDisplay
 * @stream: a connected stream
 * @name: what error messages call the server
 * @hostname: (nullable): the name an x509 TLS server's certificate is checked against
 *
 * Runs a session over a #GIOStream the caller has (a #GSocketConnection, a
 * #GSubprocess's pipes joined into a #GSimpleIOStream).
 */
void vnc_rs_display_open_stream (VncRsDisplay *display,
                                 GIOStream    *stream,
                                 const char   *name,
                                 const char   *hostname);

/**
 * vnc_rs_display_listen:
 * @display: a #VncRsDisplay
 * @address: (nullable): the local address to listen on, for example "127.0.0.1" or "::1";
 *   %NULL for every address (IPv6 and IPv4)
 * @port: the TCP port, 0 for one the system picks; 5500 is the usual one
 * @error: return location for a #GError
 *
 * Waits for one server to connect (listen or reverse mode, as "x11vnc -connect" or
 * TigerVNC's "vncconfig -connect" do). When one does, the listening socket is closed and the
 * session starts as with vnc_rs_display_open_stream(). The display counts as open while it
 * waits: vnc_rs_display_close() stops waiting. An x509 TLS server needs a pinned certificate:
 * an incoming connection has no host name to check.
 *
 * Returns: the port listened on, or 0 with @error set if the address is not valid or cannot
 *   be listened on
 */
guint16 vnc_rs_display_listen (VncRsDisplay *display,
                               const char   *address,
                               guint16       port,
                               GError      **error);

/**
 * vnc_rs_display_open_repeater:
 * @display: a #VncRsDisplay
 * @address: the UltraVNC repeater's address, in any form vnc_rs_display_open_address() takes
 * @destination: "ID:1234" for the server that registered that ID with the repeater, or
 *   "host:port" for a server the repeater connects to
 * @error: return location for a #GError
 *
 * Connects to a server through an UltraVNC repeater.
 *
 * Returns: %TRUE if the connection was started, %FALSE with @error set if @address or
 *   @destination cannot be parsed
 */
gboolean vnc_rs_display_open_repeater (VncRsDisplay *display,
                                       const char   *address,
                                       const char   *destination,
                                       GError      **error);

/**
 * vnc_rs_display_close:
 * @display: a #VncRsDisplay
 *
 * Closes the connection; #VncRsDisplay::vnc-disconnected follows.
 */
void vnc_rs_display_close (VncRsDisplay *display);

/**
 * vnc_rs_display_is_open:
 * @display: a #VncRsDisplay
 *
 * Returns: %TRUE while connecting or connected
 */
gboolean vnc_rs_display_is_open (VncRsDisplay *display);

/**
 * vnc_rs_display_set_credential:
 * @display: a #VncRsDisplay
 * @type: which credential @data is
 * @data: the credential
 *
 * Answers #VncRsDisplay::vnc-auth-credential, now or later (from a dialog), or gives a
 * credential before the server asks. Unlike gtk-vnc's function it returns nothing: it
 * cannot fail.
 */
void vnc_rs_display_set_credential (VncRsDisplay          *display,
                                    VncRsDisplayCredential type,
                                    const char            *data);

/**
 * vnc_rs_display_send_keys:
 * @display: a #VncRsDisplay
 * @keyvals: (array length=n_keyvals): GDK key values, for example Control_L, Alt_L, Delete
 * @n_keyvals: the number of @keyvals
 *
 * Presses @keyvals in order, then releases them in reverse order.
 */
void vnc_rs_display_send_keys (VncRsDisplay *display,
                               const guint  *keyvals,
                               gsize         n_keyvals);

/**
 * vnc_rs_display_send_keys_ex:
 * @display: a #VncRsDisplay
 * @keyvals: (array length=n_keyvals): GDK key values
 * @n_keyvals: the number of @keyvals
 * @kind: press, release, or both
 *
 * Presses @keyvals in order, releases them in reverse order, or both.
 */
void vnc_rs_display_send_keys_ex (VncRsDisplay        *display,
                                  const guint         *keyvals,
                                  gsize                n_keyvals,
                                  VncRsDisplayKeyEvent kind);

/**
 * vnc_rs_display_send_pointer:
 * @display: a #VncRsDisplay
 * @x: the horizontal position on the remote desktop, in its pixels
 * @y: the vertical position
 * @button_mask: the buttons held, bit 0 for the first (left) button
 *
 * Moves the remote pointer; positions outside the desktop are moved to its edge.
 */
void vnc_rs_display_send_pointer (VncRsDisplay *display,
                                  int           x,
                                  int           y,
                                  int           button_mask);

/**
 * vnc_rs_display_request_update:
 * @display: a #VncRsDisplay
 *
 * Asks the server for a full update of the screen.
 */
void vnc_rs_display_request_update (VncRsDisplay *display);

/**
 * vnc_rs_display_get_screenshot:
 * @display: a #VncRsDisplay
 *
 * The remote desktop as it is now, at its own size.
 *
 * Returns: (transfer full) (nullable): the desktop, or %NULL until it is known
 */
GdkTexture *vnc_rs_display_get_screenshot (VncRsDisplay *display);

/**
 * vnc_rs_display_client_cut_text:
 * @display: a #VncRsDisplay
 * @text: text for the server's clipboard
 *
 * Sends @text to the server's clipboard: UTF-8 when the server speaks the Extended Clipboard,
 * Latin-1 otherwise.
 *
 * Returns: how many characters the server will not get (Latin-1 sends them as "?"); 0 when
 *   not connected
 */
gsize vnc_rs_display_client_cut_text (VncRsDisplay *display,
                                      const char   *text);

/**
 * vnc_rs_display_force_grab:
 * @display: a #VncRsDisplay
 * @grab: %TRUE to grab keyboard and pointer, %FALSE to release them
 *
 * Grabs or releases keyboard and pointer as the grab keys do.
 */
void vnc_rs_display_force_grab (VncRsDisplay *display,
                                gboolean      grab);

/**
 * vnc_rs_display_power_control_shutdown:
 * @display: a #VncRsDisplay
 *
 * Asks the server to shut down the machine it shows (xvp), once
 * #VncRsDisplay::vnc-power-control-initialized has come.
 *
 * Returns: %TRUE if the request was sent (not done: a server that cannot do it emits
 *   #VncRsDisplay::vnc-power-control-failed)
 */
gboolean vnc_rs_display_power_control_shutdown (VncRsDisplay *display);

/**
 * vnc_rs_display_power_control_reboot:
 * @display: a #VncRsDisplay
 *
 * Asks the server to reboot the machine (xvp); see
 * vnc_rs_display_power_control_shutdown().
 *
 * Returns: %TRUE if the request was sent
 */
gboolean vnc_rs_display_power_control_reboot (VncRsDisplay *display);

/**
 * vnc_rs_display_power_control_reset:
 * @display: a #VncRsDisplay
 *
 * Asks the server to reset the machine at once (xvp); see
 * vnc_rs_display_power_control_shutdown().
 *
 * Returns: %TRUE if the request was sent
 */
gboolean vnc_rs_display_power_control_reset (VncRsDisplay *display);

/**
 * vnc_rs_display_get_security_type_name:
 * @display: a #VncRsDisplay
 *
 * The security type the connection negotiated, for a status display, for example
 * "VeNCrypt X509Vnc (TLS, verified certificate, VNC authentication)".
 *
 * Returns: (transfer full) (nullable): its description, or %NULL before it is negotiated
 */
char *vnc_rs_display_get_security_type_name (VncRsDisplay *display);

/* TLS settings: they apply to the next connection. */

/**
 * vnc_rs_display_add_ca_file:
 * @display: a #VncRsDisplay
 * @path: (type filename): a PEM file of CA certificates
 * @error: return location for a #GError
 *
 * Trusts the CA certificates of @path for x509 TLS servers, instead of the operating
 * system's store (used while no CA is given).
 *
 * Returns: %TRUE if the file held at least one certificate
 */
gboolean vnc_rs_display_add_ca_file (VncRsDisplay *display,
                                     const char   *path,
                                     GError      **error);

/**
 * vnc_rs_display_add_crl_file:
 * @display: a #VncRsDisplay
 * @path: (type filename): a PEM file of certificate revocation lists
 * @error: return location for a #GError
 *
 * Refuses the server certificates that @path revokes.
 *
 * Returns: %TRUE if the file could be read
 */
gboolean vnc_rs_display_add_crl_file (VncRsDisplay *display,
                                      const char   *path,
                                      GError      **error);

/**
 * vnc_rs_display_set_client_certificate:
 * @display: a #VncRsDisplay
 * @certificate_path: (type filename): the client's certificate chain, PEM
 * @key_path: (type filename): its private key, PEM
 * @error: return location for a #GError
 *
 * Presents a client certificate to servers that require one (QEMU's verify-peer=on).
 *
 * Returns: %TRUE if both files could be read
 */
gboolean vnc_rs_display_set_client_certificate (VncRsDisplay *display,
                                                const char   *certificate_path,
                                                const char   *key_path,
                                                GError      **error);

/**
 * vnc_rs_display_pin_certificate:
 * @display: a #VncRsDisplay
 * @sha256: the SHA-256 fingerprint of the server certificate's DER form, in hexadecimal
 *   (colons allowed)
 * @error: return location for a #GError
 *
 * Trusts exactly the certificates pinned this way, and no other, whatever their issuer or
 * name.
 *
 * Returns: %TRUE if @sha256 is a fingerprint
 */
gboolean vnc_rs_display_pin_certificate (VncRsDisplay *display,
                                         const char   *sha256,
                                         GError      **error);

/**
 * vnc_rs_display_set_ask_on_untrusted:
 * @display: a #VncRsDisplay
 * @ask: %TRUE to ask the application about certificates that fail verification
 *
 * With @ask, a certificate that fails verification is not an error at once: the display
 * emits #VncRsDisplay::vnc-certificate-verification and waits for
 * vnc_rs_display_accept_certificate().
 */
void vnc_rs_display_set_ask_on_untrusted (VncRsDisplay *display,
                                          gboolean      ask);

/**
 * vnc_rs_display_accept_certificate:
 * @display: a #VncRsDisplay
 * @accept: %TRUE to trust the certificate, %FALSE to end the connection
 *
 * Answers #VncRsDisplay::vnc-certificate-verification.
 */
void vnc_rs_display_accept_certificate (VncRsDisplay *display,
                                        gboolean      accept);

/**
 * vnc_rs_display_reset_tls_settings:
 * @display: a #VncRsDisplay
 *
 * Forgets the CA files, revocation lists, client certificate, pins and
 * vnc_rs_display_set_ask_on_untrusted(): the operating system's store is trusted again.
 */
void vnc_rs_display_reset_tls_settings (VncRsDisplay *display);

/* Limits: they apply to the next connection. */

/**
 * vnc_rs_display_set_limit:
 * @display: a #VncRsDisplay
 * @limit: which bound
 * @value: its new value, made to fit the bound's range
 *
 * Sets one bound on what a server may make the next connection allocate.
 */
void vnc_rs_display_set_limit (VncRsDisplay     *display,
                               VncRsDisplayLimit limit,
                               guint64           value);

/**
 * vnc_rs_display_get_limit:
 * @display: a #VncRsDisplay
 * @limit: which bound
 *
 * Returns: the bound's value for the next connection
 */
guint64 vnc_rs_display_get_limit (VncRsDisplay     *display,
                                  VncRsDisplayLimit limit);

/**
 * vnc_rs_display_set_handshake_timeout:
 * @display: a #VncRsDisplay
 * @milliseconds: how long the next connection's handshake may take, 0 for no limit
 *
 * Time spent waiting for the application's credentials does not count. The default is
 * 30 seconds.
 */
void vnc_rs_display_set_handshake_timeout (VncRsDisplay *display,
                                           guint         milliseconds);

/* Property accessors. */

/**
 * vnc_rs_display_set_local_pointer: (set-property local-pointer)
 * @display: a #VncRsDisplay
 * @enable: %TRUE to show the local pointer instead of the server's cursor
 */
void vnc_rs_display_set_local_pointer (VncRsDisplay *display, gboolean enable);
/**
 * vnc_rs_display_get_local_pointer: (get-property local-pointer)
 * @display: a #VncRsDisplay
 *
 * Returns: whether the local pointer is shown instead of the server's cursor
 */
gboolean vnc_rs_display_get_local_pointer (VncRsDisplay *display);

/**
 * vnc_rs_display_set_read_only: (set-property read-only)
 * @display: a #VncRsDisplay
 * @enable: %TRUE to send no input to the server
 */
void vnc_rs_display_set_read_only (VncRsDisplay *display, gboolean enable);
/**
 * vnc_rs_display_get_read_only: (get-property read-only)
 * @display: a #VncRsDisplay
 *
 * Returns: whether no input goes to the server
 */
gboolean vnc_rs_display_get_read_only (VncRsDisplay *display);

/**
 * vnc_rs_display_set_scaling: (set-property scaling)
 * @display: a #VncRsDisplay
 * @enable: %TRUE to scale the desktop to the widget's size
 */
void vnc_rs_display_set_scaling (VncRsDisplay *display, gboolean enable);
/**
 * vnc_rs_display_get_scaling: (get-property scaling)
 * @display: a #VncRsDisplay
 *
 * Returns: whether the desktop is scaled to the widget's size
 */
gboolean vnc_rs_display_get_scaling (VncRsDisplay *display);

/**
 * vnc_rs_display_set_keep_aspect_ratio: (set-property keep-aspect-ratio)
 * @display: a #VncRsDisplay
 * @enable: %TRUE to keep the desktop's aspect ratio when scaling
 */
void vnc_rs_display_set_keep_aspect_ratio (VncRsDisplay *display, gboolean enable);
/**
 * vnc_rs_display_get_keep_aspect_ratio: (get-property keep-aspect-ratio)
 * @display: a #VncRsDisplay
 *
 * Returns: whether scaling keeps the desktop's aspect ratio
 */
gboolean vnc_rs_display_get_keep_aspect_ratio (VncRsDisplay *display);

/**
 * vnc_rs_display_set_smoothing: (set-property smoothing)
 * @display: a #VncRsDisplay
 * @enable: %TRUE for smooth (linear) scaling
 */
void vnc_rs_display_set_smoothing (VncRsDisplay *display, gboolean enable);
/**
 * vnc_rs_display_get_smoothing: (get-property smoothing)
 * @display: a #VncRsDisplay
 *
 * Returns: whether scaling is smooth
 */
gboolean vnc_rs_display_get_smoothing (VncRsDisplay *display);

/**
 * vnc_rs_display_set_zoom_level: (set-property zoom-level)
 * @display: a #VncRsDisplay
 * @percent: the zoom when not scaling, 10 to 400
 */
void vnc_rs_display_set_zoom_level (VncRsDisplay *display, guint percent);
/**
 * vnc_rs_display_get_zoom_level: (get-property zoom-level)
 * @display: a #VncRsDisplay
 *
 * Returns: the zoom in percent
 */
guint vnc_rs_display_get_zoom_level (VncRsDisplay *display);

/**
 * vnc_rs_display_set_rotation: (set-property rotation)
 * @display: a #VncRsDisplay
 * @degrees: 0, 90, 180 or 270: how far the desktop is turned clockwise (other values are
 *   refused with a critical warning)
 */
void vnc_rs_display_set_rotation (VncRsDisplay *display, guint degrees);
/**
 * vnc_rs_display_get_rotation: (get-property rotation)
 * @display: a #VncRsDisplay
 *
 * Returns: the rotation in degrees clockwise
 */
guint vnc_rs_display_get_rotation (VncRsDisplay *display);

/**
 * vnc_rs_display_set_clipboard_sharing: (set-property clipboard-sharing)
 * @display: a #VncRsDisplay
 * @enable: %TRUE to share the clipboard with the server, both ways
 */
void vnc_rs_display_set_clipboard_sharing (VncRsDisplay *display, gboolean enable);
/**
 * vnc_rs_display_get_clipboard_sharing: (get-property clipboard-sharing)
 * @display: a #VncRsDisplay
 *
 * Returns: whether the clipboard is shared with the server
 */
gboolean vnc_rs_display_get_clipboard_sharing (VncRsDisplay *display);

/**
 * vnc_rs_display_set_clipboard_primary: (set-property clipboard-primary)
 * @display: a #VncRsDisplay
 * @enable: %TRUE to share the PRIMARY selection too
 */
void vnc_rs_display_set_clipboard_primary (VncRsDisplay *display, gboolean enable);
/**
 * vnc_rs_display_get_clipboard_primary: (get-property clipboard-primary)
 * @display: a #VncRsDisplay
 *
 * Returns: whether the PRIMARY selection is shared too
 */
gboolean vnc_rs_display_get_clipboard_primary (VncRsDisplay *display);

/**
 * vnc_rs_display_set_shared_flag: (set-property shared-flag)
 * @display: a #VncRsDisplay
 * @enable: %TRUE to leave other clients connected
 */
void vnc_rs_display_set_shared_flag (VncRsDisplay *display, gboolean enable);
/**
 * vnc_rs_display_get_shared_flag: (get-property shared-flag)
 * @display: a #VncRsDisplay
 *
 * Returns: whether other clients stay connected
 */
gboolean vnc_rs_display_get_shared_flag (VncRsDisplay *display);

/**
 * vnc_rs_display_set_depth: (set-property depth)
 * @display: a #VncRsDisplay
 * @depth: the colour depth to ask of the server
 */
void vnc_rs_display_set_depth (VncRsDisplay *display, VncRsDisplayDepth depth);
/**
 * vnc_rs_display_get_depth: (get-property depth)
 * @display: a #VncRsDisplay
 *
 * Returns: the colour depth asked of the server
 */
VncRsDisplayDepth vnc_rs_display_get_depth (VncRsDisplay *display);

/**
 * vnc_rs_display_set_grab_keyboard: (set-property grab-keyboard)
 * @display: a #VncRsDisplay
 * @enable: %TRUE to grab the keyboard
 */
void vnc_rs_display_set_grab_keyboard (VncRsDisplay *display, gboolean enable);
/**
 * vnc_rs_display_get_grab_keyboard: (get-property grab-keyboard)
 * @display: a #VncRsDisplay
 *
 * Returns: whether the keyboard is grabbed
 */
gboolean vnc_rs_display_get_grab_keyboard (VncRsDisplay *display);

/**
 * vnc_rs_display_set_grab_pointer: (set-property grab-pointer)
 * @display: a #VncRsDisplay
 * @enable: %TRUE to grab the pointer
 */
void vnc_rs_display_set_grab_pointer (VncRsDisplay *display, gboolean enable);
/**
 * vnc_rs_display_get_grab_pointer: (get-property grab-pointer)
 * @display: a #VncRsDisplay
 *
 * Returns: whether the pointer is grabbed
 */
gboolean vnc_rs_display_get_grab_pointer (VncRsDisplay *display);

/**
 * vnc_rs_display_set_grab_keys: (set-property grab-keys)
 * @display: a #VncRsDisplay
 * @keys: the key combination that grabs and releases keyboard and pointer, as GDK key names
 *   joined by "+", for example "Control_L+Alt_L"
 */
void vnc_rs_display_set_grab_keys (VncRsDisplay *display, const char *keys);
/**
 * vnc_rs_display_get_grab_keys: (get-property grab-keys)
 * @display: a #VncRsDisplay
 *
 * Returns: (transfer full): the grab key combination
 */
char *vnc_rs_display_get_grab_keys (VncRsDisplay *display);

/**
 * VncRsGrabSequence:
 *
 * The key combination that grabs and releases keyboard and pointer (gtk-vnc's
 * VncGrabSequence): keys held together, the grab toggling when the last goes down. An opaque
 * boxed type: copy with vnc_rs_grab_sequence_copy(), free with vnc_rs_grab_sequence_free().
 */
typedef struct _VncRsGrabSequence VncRsGrabSequence;

GType vnc_rs_grab_sequence_get_type (void);
#define VNC_RS_TYPE_GRAB_SEQUENCE (vnc_rs_grab_sequence_get_type ())

/**
 * vnc_rs_grab_sequence_new: (constructor)
 * @n_keysyms: the number of @keysyms, 1 to 8
 * @keysyms: (array length=n_keysyms): the keys' X11 keysyms (GDK key values), in the order
 *   they are pressed
 *
 * Returns: (transfer full) (nullable): the sequence, or %NULL (with a critical warning) when
 *   it is empty, too long, repeats a key or holds a key with no keysym
 */
VncRsGrabSequence *vnc_rs_grab_sequence_new (guint n_keysyms, const guint *keysyms);
/**
 * vnc_rs_grab_sequence_new_from_string: (constructor)
 * @keys: GDK key names joined by "+", for example "Control_L+Alt_L"
 *
 * Returns: (transfer full) (nullable): the sequence, or %NULL (with a critical warning) for
 *   an unknown key name or a sequence vnc_rs_grab_sequence_new() refuses
 */
VncRsGrabSequence *vnc_rs_grab_sequence_new_from_string (const char *keys);
/**
 * vnc_rs_grab_sequence_copy:
 * @sequence: a #VncRsGrabSequence
 *
 * Returns: (transfer full): a copy of @sequence
 */
VncRsGrabSequence *vnc_rs_grab_sequence_copy (const VncRsGrabSequence *sequence);
/**
 * vnc_rs_grab_sequence_free:
 * @sequence: (nullable): a #VncRsGrabSequence
 */
void vnc_rs_grab_sequence_free (VncRsGrabSequence *sequence);
/**
 * vnc_rs_grab_sequence_as_string:
 * @sequence: a #VncRsGrabSequence
 *
 * Returns: (transfer full): the GDK key names joined by "+", as
 *   vnc_rs_grab_sequence_new_from_string() reads them
 */
char *vnc_rs_grab_sequence_as_string (const VncRsGrabSequence *sequence);
/**
 * vnc_rs_grab_sequence_get_label:
 * @sequence: a #VncRsGrabSequence
 *
 * Returns: (transfer full): the keys as a person reads them, for a window title: "Ctrl+Alt",
 *   "Right Ctrl+Right Shift"
 */
char *vnc_rs_grab_sequence_get_label (const VncRsGrabSequence *sequence);
/**
 * vnc_rs_grab_sequence_get_keysyms:
 * @sequence: a #VncRsGrabSequence
 * @n_keysyms: (out): the number of keysyms
 *
 * Returns: (array length=n_keysyms) (transfer full): the keys' X11 keysyms, in order
 */
guint *vnc_rs_grab_sequence_get_keysyms (const VncRsGrabSequence *sequence, guint *n_keysyms);

/**
 * vnc_rs_display_set_grab_sequence:
 * @display: a #VncRsDisplay
 * @sequence: the key combination that grabs and releases keyboard and pointer
 *
 * The typed form of #VncRsDisplay:grab-keys (gtk-vnc's vnc_display_set_grab_keys()).
 */
void vnc_rs_display_set_grab_sequence (VncRsDisplay *display, const VncRsGrabSequence *sequence);
/**
 * vnc_rs_display_get_grab_sequence:
 * @display: a #VncRsDisplay
 *
 * Returns: (transfer full): the grab key combination
 */
VncRsGrabSequence *vnc_rs_display_get_grab_sequence (VncRsDisplay *display);

/**
 * vnc_rs_display_set_allow_resize: (set-property allow-resize)
 * @display: a #VncRsDisplay
 * @enable: %TRUE to ask the server to resize its desktop to the widget's size
 */
void vnc_rs_display_set_allow_resize (VncRsDisplay *display, gboolean enable);
/**
 * vnc_rs_display_get_allow_resize: (get-property allow-resize)
 * @display: a #VncRsDisplay
 *
 * Returns: whether the server is asked to resize its desktop to the widget
 */
gboolean vnc_rs_display_get_allow_resize (VncRsDisplay *display);

/**
 * vnc_rs_display_set_force_size: (set-property force-size)
 * @display: a #VncRsDisplay
 * @enable: %TRUE to request the desktop's size as the widget's minimum
 */
void vnc_rs_display_set_force_size (VncRsDisplay *display, gboolean enable);
/**
 * vnc_rs_display_get_force_size: (get-property force-size)
 * @display: a #VncRsDisplay
 *
 * Returns: whether the desktop's size is the widget's minimum
 */
gboolean vnc_rs_display_get_force_size (VncRsDisplay *display);

/**
 * vnc_rs_display_set_lossy_encoding: (set-property lossy-encoding)
 * @display: a #VncRsDisplay
 * @enable: %TRUE to let the server send JPEG
 */
void vnc_rs_display_set_lossy_encoding (VncRsDisplay *display, gboolean enable);
/**
 * vnc_rs_display_get_lossy_encoding: (get-property lossy-encoding)
 * @display: a #VncRsDisplay
 *
 * Returns: whether the server may send JPEG
 */
gboolean vnc_rs_display_get_lossy_encoding (VncRsDisplay *display);

/**
 * vnc_rs_display_set_jpeg_quality: (set-property jpeg-quality)
 * @display: a #VncRsDisplay
 * @quality: the JPEG quality with lossy encoding, 0 (smallest) to 9 (best)
 */
void vnc_rs_display_set_jpeg_quality (VncRsDisplay *display, guint quality);
/**
 * vnc_rs_display_get_jpeg_quality: (get-property jpeg-quality)
 * @display: a #VncRsDisplay
 *
 * Returns: the JPEG quality
 */
guint vnc_rs_display_get_jpeg_quality (VncRsDisplay *display);

/**
 * vnc_rs_display_set_audio: (set-property audio)
 * @display: a #VncRsDisplay
 * @enable: %TRUE to play the server's audio (QEMU) when it offers it
 */
void vnc_rs_display_set_audio (VncRsDisplay *display, gboolean enable);
/**
 * vnc_rs_display_get_audio: (get-property audio)
 * @display: a #VncRsDisplay
 *
 * Returns: whether the server's audio is played
 */
gboolean vnc_rs_display_get_audio (VncRsDisplay *display);

/**
 * vnc_rs_display_set_security_types: (set-property security-types)
 * @display: a #VncRsDisplay
 * @types: the security types allowed, most preferred first, names or numbers joined by
 *   commas (for example "x509vnc,tlsvnc,vnc"; known: x509vnc, x509plain, x509sasl,
 *   x509none, tlsvnc, tlsplain, tlssasl, tlsnone, anontls, sasl, vnc, none, ard, mslogonii,
 *   plain), case-insensitive; "" for
 *   the default preference. A list naming an unknown type is refused with a warning and
 *   the previous one kept. Applies at the next connection.
 */
void vnc_rs_display_set_security_types (VncRsDisplay *display, const char *types);
/**
 * vnc_rs_display_get_security_types: (get-property security-types)
 * @display: a #VncRsDisplay
 *
 * Returns: (transfer full): the security types allowed, in lower-case names joined by
 *   commas, or "" for the default preference
 */
char *vnc_rs_display_get_security_types (VncRsDisplay *display);

/**
 * vnc_rs_display_set_require_encryption: (set-property require-encryption)
 * @display: a #VncRsDisplay
 * @enable: %TRUE to refuse security types that send the password or the screen in the
 *   clear (applies at the next connection)
 */
void vnc_rs_display_set_require_encryption (VncRsDisplay *display, gboolean enable);
/**
 * vnc_rs_display_get_require_encryption: (get-property require-encryption)
 * @display: a #VncRsDisplay
 *
 * Returns: whether security types without encryption are refused
 */
gboolean vnc_rs_display_get_require_encryption (VncRsDisplay *display);

/**
 * vnc_rs_display_set_reconnect: (set-property reconnect)
 * @display: a #VncRsDisplay
 * @enable: %TRUE to reconnect when a started session's connection drops
 */
void vnc_rs_display_set_reconnect (VncRsDisplay *display, gboolean enable);
/**
 * vnc_rs_display_get_reconnect: (get-property reconnect)
 * @display: a #VncRsDisplay
 *
 * Returns: whether a dropped connection is made again
 */
gboolean vnc_rs_display_get_reconnect (VncRsDisplay *display);

/**
 * vnc_rs_display_set_reconnect_keep_credentials: (set-property reconnect-keep-credentials)
 * @display: a #VncRsDisplay
 * @enable: %TRUE to keep the credentials given during a session, in memory, for its
 *   reconnections
 */
void vnc_rs_display_set_reconnect_keep_credentials (VncRsDisplay *display, gboolean enable);
/**
 * vnc_rs_display_get_reconnect_keep_credentials: (get-property reconnect-keep-credentials)
 * @display: a #VncRsDisplay
 *
 * Returns: whether credentials are kept for reconnections
 */
gboolean vnc_rs_display_get_reconnect_keep_credentials (VncRsDisplay *display);

/**
 * vnc_rs_display_get_remote_width: (get-property width)
 * @display: a #VncRsDisplay
 *
 * Named so that it does not hide gtk_widget_get_width().
 *
 * Returns: the remote desktop's width, 0 until it is known
 */
int vnc_rs_display_get_remote_width (VncRsDisplay *display);

/**
 * vnc_rs_display_get_remote_height: (get-property height)
 * @display: a #VncRsDisplay
 *
 * Named so that it does not hide gtk_widget_get_height().
 *
 * Returns: the remote desktop's height, 0 until it is known
 */
int vnc_rs_display_get_remote_height (VncRsDisplay *display);

/**
 * vnc_rs_display_get_desktop_name: (get-property name)
 * @display: a #VncRsDisplay
 *
 * Named so that it does not hide gtk_widget_get_name().
 *
 * Returns: (transfer full): the remote desktop's name, empty until it is known
 */
char *vnc_rs_display_get_desktop_name (VncRsDisplay *display);

/**
 * vnc_rs_display_get_caps_lock: (get-property caps-lock)
 * @display: a #VncRsDisplay
 *
 * Returns: the server's Caps Lock (QEMU's LED State; %FALSE until the server sends one)
 */
gboolean vnc_rs_display_get_caps_lock (VncRsDisplay *display);

/**
 * vnc_rs_display_get_num_lock: (get-property num-lock)
 * @display: a #VncRsDisplay
 *
 * Returns: the server's Num Lock
 */
gboolean vnc_rs_display_get_num_lock (VncRsDisplay *display);

/**
 * vnc_rs_display_get_scroll_lock: (get-property scroll-lock)
 * @display: a #VncRsDisplay
 *
 * Returns: the server's Scroll Lock
 */
gboolean vnc_rs_display_get_scroll_lock (VncRsDisplay *display);

/**
 * vnc_rs_display_is_pointer_absolute: (get-property is-pointer-absolute)
 * @display: a #VncRsDisplay
 *
 * Returns: %TRUE if the server reads pointer positions as absolute, %FALSE if as relative
 *   motion
 */
gboolean vnc_rs_display_is_pointer_absolute (VncRsDisplay *display);

/**
 * vnc_rs_display_get_pointer_confined: (get-property pointer-confined)
 * @display: a #VncRsDisplay
 *
 * Returns: whether the pointer grab keeps the pointer in the widget (X11)
 */
gboolean vnc_rs_display_get_pointer_confined (VncRsDisplay *display);

G_END_DECLS

#endif /* VNC_RS_H */
