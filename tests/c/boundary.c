/* Checks libvncrs's C boundary (tests/tests/gir.rs runs it on an Xvfb): a panic in the Rust
 * code under a C call becomes vnc-error and the program lives on; wrong arguments give a
 * GError or a critical warning, not a crash; open_fd runs a session over a socket the
 * program made. Prints what it saw; exits 0 when all is as expected.
 */

#include <sys/socket.h>
#include <unistd.h>
#include <vncrs.h>

/* Not in vncrs.h: the library's hook for this test. */
extern void vnc_rs_display_test_panic (VncRsDisplay *display);

static int errors, disconnects;

static void
on_error (G_GNUC_UNUSED VncRsDisplay *display, const char *message, G_GNUC_UNUSED gpointer data)
{
  g_print ("vnc-error: %s\n", message);
  errors++;
}

static void
on_disconnected (G_GNUC_UNUSED VncRsDisplay *display, G_GNUC_UNUSED gpointer data)
{
  g_print ("vnc-disconnected\n");
  disconnects++;
}

#define CHECK(cond)                                                                         \
  do                                                                                       \
    if (!(cond))                                                                           \
      {                                                                                    \
        g_print ("failed: %s (line %d)\n", #cond, __LINE__);                               \
        return 1;                                                                          \
      }                                                                                    \
  while (0)

int
main (void)
{
  g_autoptr (GError) error = NULL;
  VncRsDisplay *display;
  GEnumClass *credentials;
  int pair[2], pipe_fds[2];
  gint64 deadline;

  gtk_init ();
  display = VNC_RS_DISPLAY (g_object_ref_sink (vnc_rs_display_new ()));
  g_signal_connect (display, "vnc-error", G_CALLBACK (on_error), NULL);
  g_signal_connect (display, "vnc-disconnected", G_CALLBACK (on_disconnected), NULL);

  /* A panic: caught, reported, and the display still works. */
  vnc_rs_display_test_panic (display);
  CHECK (errors == 1);
  vnc_rs_display_set_scaling (display, TRUE);
  CHECK (vnc_rs_display_get_scaling (display));
  CHECK (!vnc_rs_display_is_open (display));

  /* Arguments: a GError, or a critical warning and a neutral result. */
  CHECK (!vnc_rs_display_open_host (display, "localhost", "fifty", &error));
  CHECK (g_error_matches (error, VNC_RS_DISPLAY_ERROR, VNC_RS_DISPLAY_ERROR_INVALID_ARGUMENT));
  g_print ("GError: %s\n", error->message);
  g_clear_error (&error);
  CHECK (!vnc_rs_display_pin_certificate (display, "not hex", &error));
  CHECK (g_error_matches (error, VNC_RS_DISPLAY_ERROR, VNC_RS_DISPLAY_ERROR_INVALID_ARGUMENT));
  g_clear_error (&error);
  CHECK (pipe (pipe_fds) == 0);
  CHECK (!vnc_rs_display_open_fd (display, pipe_fds[0], &error));
  CHECK (g_error_matches (error, VNC_RS_DISPLAY_ERROR, VNC_RS_DISPLAY_ERROR_SOCKET));
  g_clear_error (&error);
  close (pipe_fds[0]);
  close (pipe_fds[1]);
  CHECK (!vnc_rs_display_is_open (NULL));
  vnc_rs_display_set_credential (display, 42, "x");
  vnc_rs_display_set_limit (display, VNC_RS_DISPLAY_LIMIT_MAX_WIDTH, 100000);
  CHECK (vnc_rs_display_get_limit (display, VNC_RS_DISPLAY_LIMIT_MAX_WIDTH) == 65535);
  vnc_rs_display_set_zoom_level (display, 5000);
  CHECK (vnc_rs_display_get_zoom_level (display) == 400);

  /* The enums are registered types with gtk-vnc's values. */
  credentials = g_type_class_ref (VNC_RS_TYPE_DISPLAY_CREDENTIAL);
  CHECK (g_enum_get_value (credentials, VNC_RS_DISPLAY_CREDENTIAL_CLIENTNAME) != NULL);
  g_type_class_unref (credentials);

  /* listen: a port of the system's choosing, given back; close stops waiting. */
  CHECK (vnc_rs_display_listen (display, "not an address", 0, &error) == 0);
  CHECK (g_error_matches (error, VNC_RS_DISPLAY_ERROR, VNC_RS_DISPLAY_ERROR_INVALID_ARGUMENT));
  g_clear_error (&error);
  CHECK (vnc_rs_display_listen (display, "127.0.0.1", 0, &error) != 0);
  CHECK (vnc_rs_display_is_open (display));
  vnc_rs_display_close (display);
  CHECK (!vnc_rs_display_is_open (display));
  CHECK (disconnects == 1);
  CHECK (!vnc_rs_display_open_repeater (display, "localhost", "ID:", &error));
  CHECK (g_error_matches (error, VNC_RS_DISPLAY_ERROR, VNC_RS_DISPLAY_ERROR_INVALID_ARGUMENT));
  g_clear_error (&error);

  /* open_fd: a session over a socketpair whose other end says hello and hangs up. */
  CHECK (socketpair (AF_UNIX, SOCK_STREAM, 0, pair) == 0);
  CHECK (vnc_rs_display_open_fd_with_hostname (display, pair[0], "pair.example", &error));
  CHECK (vnc_rs_display_is_open (display));
  CHECK (write (pair[1], "RFB 003.008\n", 12) == 12);
  close (pair[1]);
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (disconnects == 1 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  CHECK (disconnects == 2);
  CHECK (errors == 2);
  CHECK (!vnc_rs_display_is_open (display));

  g_object_unref (display);
  g_print ("all as expected\n");
  return 0;
}
