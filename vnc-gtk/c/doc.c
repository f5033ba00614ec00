/* Documentation of VncRsDisplay's properties and signals for g-ir-scanner: the type is
 * registered by the Rust code, so these comments have no C definitions to sit on. This file
 * is read by the scanner, never compiled.
 *
 * SPDX-License-Identifier: MIT OR Apache-2.0
 */

/**
 * VncRsDisplay:local-pointer:
 *
 * Show the local pointer instead of the server's cursor.
 */

/**
 * VncRsDisplay:read-only:
 *
 * Send no keyboard or pointer input to the server.
 */

/**
 * VncRsDisplay:scaling:
 *
 * Scale the desktop to the widget's size.
 */

/**
 * VncRsDisplay:keep-aspect-ratio:
 *
 * Keep the desktop's aspect ratio when scaling.
 */

/**
 * VncRsDisplay:smoothing:
 *
 * Scale smoothly (linear filtering) rather than to the nearest pixel.
 */

/**
 * VncRsDisplay:zoom-level:
 *
 * The zoom in percent (10 to 400) when not scaling.
 */

/**
 * VncRsDisplay:rotation:
 *
 * The desktop turned clockwise by 0, 90, 180 or 270 degrees, for a guest on a rotated
 * monitor: the picture, pointer positions, the widget's size and the remote resize follow it.
 * Screenshots stay as the server has them.
 */

/**
 * VncRsDisplay:clipboard-sharing:
 *
 * Share the clipboard with the server, both ways: UTF-8 with servers that speak the Extended
 * Clipboard, Latin-1 otherwise. Switches at once, while connected.
 */

/**
 * VncRsDisplay:clipboard-primary:
 *
 * Also share the PRIMARY selection, with #VncRsDisplay:clipboard-sharing.
 */

/**
 * VncRsDisplay:shared-flag:
 *
 * Leave the server's other clients connected.
 */

/**
 * VncRsDisplay:depth:
 *
 * The colour depth asked of the server.
 */

/**
 * VncRsDisplay:grab-keyboard:
 *
 * Whether the keyboard is grabbed: every key goes to the server.
 */

/**
 * VncRsDisplay:grab-pointer:
 *
 * Whether the pointer is grabbed: the local pointer is hidden and, where the platform allows
 * it, confined to the widget (#VncRsDisplay:pointer-confined).
 */

/**
 * VncRsDisplay:grab-keys:
 *
 * The key combination that grabs and releases keyboard and pointer, as GDK key names joined
 * by "+"; "Control_L+Alt_L" by default.
 */

/**
 * VncRsDisplay:allow-resize:
 *
 * Ask the server to resize its desktop to the widget's size (servers with
 * ExtendedDesktopSize).
 */

/**
 * VncRsDisplay:force-size:
 *
 * Request the remote desktop's size at the zoom level as the widget's minimum size.
 */

/**
 * VncRsDisplay:lossy-encoding:
 *
 * Let the server send JPEG (Tight) at #VncRsDisplay:jpeg-quality: far less data for photos
 * and video, at the price of inexact pixels.
 */

/**
 * VncRsDisplay:jpeg-quality:
 *
 * The JPEG quality with #VncRsDisplay:lossy-encoding, 0 (smallest) to 9 (best).
 */

/**
 * VncRsDisplay:audio:
 *
 * Play the server's audio (QEMU's audio extension) when it offers it, if the library was
 * built with audio.
 */

/**
 * VncRsDisplay:security-types:
 *
 * The security types allowed, most preferred first: names or numbers joined by commas, as
 * vnccapture's and vncviewer's --security-types take them ("x509vnc,tlsvnc,vnc");
 * case-insensitive, read back in lower case. Empty (the default) for the default
 * preference. A list naming an unknown type is refused with a warning and the previous one
 * kept. Applies at the next connection.
 */

/**
 * VncRsDisplay:require-encryption:
 *
 * Refuse security types that send the password or the screen in the clear: with a server
 * that offers nothing else the connection fails (#VncRsDisplay::vnc-auth-unsupported, then
 * #VncRsDisplay::vnc-error). Applies at the next connection.
 */

/**
 * VncRsDisplay:reconnect:
 *
 * Reconnect when the connection drops after the session started (the server closed it, the
 * network failed, the server stopped answering), waiting 0.25 s and then doubling up to 1 s
 * between attempts (back to 0.25 s only after a session that lasted 10 s), for as long as
 * it takes; #VncRsDisplay::vnc-reconnecting tells each wait.
 * Only for connections the display made (vnc_rs_display_open_host(),
 * vnc_rs_display_open_address()), not for a stream from the application, a server that
 * connected to vnc_rs_display_listen() or a connection through vnc_rs_display_open_repeater().
 * Closing, failed authentication, no common security type and certificate failures are not
 * retried.
 * Meanwhile the display keeps its size and shows the last picture, greyed;
 * #VncRsDisplay::vnc-disconnected comes only when it stops.
 */

/**
 * VncRsDisplay:reconnect-keep-credentials:
 *
 * Keep the credentials given during a session in memory (wiped when the display stops or
 * this is turned off) and give them to its reconnections, which then need no new answer to
 * #VncRsDisplay::vnc-auth-credential. Credentials set before opening are the
 * application's own and given to every session the display starts, with or without this.
 */

/**
 * VncRsDisplay:width:
 *
 * The remote desktop's width, 0 until it is known.
 */

/**
 * VncRsDisplay:height:
 *
 * The remote desktop's height, 0 until it is known.
 */

/**
 * VncRsDisplay:name:
 *
 * The remote desktop's name. As gtk-vnc's, this property hides #GtkWidget:name; use
 * gtk_widget_get_name() for the widget's CSS name.
 */

/**
 * VncRsDisplay:caps-lock:
 *
 * The server's Caps Lock (QEMU's LED State; %FALSE until the server sends one).
 */

/**
 * VncRsDisplay:num-lock:
 *
 * The server's Num Lock (QEMU's LED State).
 */

/**
 * VncRsDisplay:scroll-lock:
 *
 * The server's Scroll Lock (QEMU's LED State).
 */

/**
 * VncRsDisplay:is-pointer-absolute:
 *
 * %TRUE while the server reads pointer positions as absolute, %FALSE when it reads relative
 * motion (QEMU without a tablet): a click then grabs the pointer.
 */

/**
 * VncRsDisplay:pointer-confined:
 *
 * Whether the pointer grab keeps the pointer in the widget (X11; in relative mode also at
 * its centre).
 */

/**
 * VncRsDisplay::vnc-connected:
 * @display: the display
 *
 * The connection to the server is made; the handshake starts.
 */

/**
 * VncRsDisplay::vnc-initialized:
 * @display: the display
 *
 * The handshake is done and the desktop is known.
 */

/**
 * VncRsDisplay::vnc-disconnected:
 * @display: the display
 *
 * The connection ended, once per connection.
 */

/**
 * VncRsDisplay::vnc-error:
 * @display: the display
 * @message: what went wrong, for a person (which server, which step)
 *
 * An error ended the connection; #VncRsDisplay::vnc-disconnected follows.
 */

/**
 * VncRsDisplay::vnc-auth-credential:
 * @display: the display
 * @wanted: the credentials wanted
 *
 * The server wants credentials: answer with vnc_rs_display_set_credential() for each one in
 * @wanted, now or later (from a dialog).
 */

/**
 * VncRsDisplay::vnc-auth-failure:
 * @display: the display
 * @reason: the server's reason, or an empty string
 *
 * The server refused the credentials.
 */

/**
 * VncRsDisplay::vnc-auth-unsupported:
 * @display: the display
 * @security_type: the first security type the server offered, or 0
 *
 * No security type both sides accept.
 */

/**
 * VncRsDisplay::vnc-certificate-verification:
 * @display: the display
 * @certificate: the server's certificate
 * @problem: why it failed verification
 * @message: the problem, for a person
 *
 * With vnc_rs_display_set_ask_on_untrusted(), a server certificate failed verification:
 * answer with vnc_rs_display_accept_certificate(), now or later.
 */

/**
 * VncRsCertificate:subject:
 *
 * The subject's distinguished name.
 */

/**
 * VncRsCertificate:issuer:
 *
 * The issuer's distinguished name.
 */

/**
 * VncRsCertificate:not-before:
 *
 * The start of validity, as the certificate states it.
 */

/**
 * VncRsCertificate:not-after:
 *
 * The end of validity, as the certificate states it.
 */

/**
 * VncRsCertificate:sha256:
 *
 * The SHA-256 fingerprint of the certificate's DER form, 64 lower-case hex digits.
 */

/**
 * VncRsDisplay::vnc-desktop-resize:
 * @display: the display
 * @width: the new width
 * @height: the new height
 *
 * The remote desktop has a new size.
 */

/**
 * VncRsDisplay::vnc-desktop-rename:
 * @display: the display
 * @name: the new name
 *
 * The remote desktop has a new name.
 */

/**
 * VncRsDisplay::vnc-server-cut-text:
 * @display: the display
 * @text: the server's clipboard text
 *
 * The server's clipboard changed.
 */

/**
 * VncRsDisplay::vnc-bell:
 * @display: the display
 *
 * The server rang its bell.
 */

/**
 * VncRsDisplay::vnc-power-control-initialized:
 * @display: the display
 *
 * The server takes power-control requests (xvp) from now on.
 */

/**
 * VncRsDisplay::vnc-power-control-failed:
 * @display: the display
 *
 * The server could not do a power-control request.
 */

/**
 * VncRsDisplay::vnc-framebuffer-update:
 * @display: the display
 * @x: the left edge of the area the update changed
 * @y: its top edge
 * @width: its width
 * @height: its height
 *
 * An update from the server has ended. The widget redraws on its own; this is for
 * applications that record or wait for the screen.
 */

/**
 * VncRsDisplay::vnc-keyboard-grab:
 * @display: the display
 *
 * The keyboard was grabbed.
 */

/**
 * VncRsDisplay::vnc-keyboard-ungrab:
 * @display: the display
 *
 * The keyboard was released.
 */

/**
 * VncRsDisplay::vnc-pointer-grab:
 * @display: the display
 *
 * The pointer was grabbed.
 */

/**
 * VncRsDisplay::vnc-pointer-ungrab:
 * @display: the display
 *
 * The pointer was released.
 */

/**
 * VncRsDisplay::vnc-reconnecting:
 * @display: the display
 * @attempt: the number of the next attempt, 1 for the first
 * @delay_ms: how long the display waits before it, in milliseconds
 * @reason: what happened, for a person
 *
 * With #VncRsDisplay:reconnect, the connection dropped or an attempt failed, and another
 * will be made; vnc_rs_display_close() stops it.
 */
