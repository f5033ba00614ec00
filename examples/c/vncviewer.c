/* vncviewer-c: a VNC viewer in C on libvncrs, in the manner of gtk-vnc's gvncviewer.
 *
 *   vncviewer-c HOST:DISPLAY      (or HOST::PORT, [::1]:1, vnc://HOST:PORT)
 *
 * Build (scripts/build-gir.sh does it):
 *   gcc -o vncviewer-c vncviewer.c $(pkg-config --cflags --libs vncrs-0.1)
 *
 * Credentials are asked in a window; the program ends when the connection does, with
 * status 1 after an error.
 *
 * SPDX-License-Identifier: MIT OR Apache-2.0
 */

#include <vncrs.h>

static int status = 0;

/* The credentials window's answer: every entry shown goes to the display. */
static void
on_answer (GtkWidget *button, VncRsDisplay *display)
{
  GtkWidget *ask = GTK_WIDGET (gtk_widget_get_root (button));
  GtkEntry *user = g_object_get_data (G_OBJECT (ask), "username");
  GtkEntry *pass = g_object_get_data (G_OBJECT (ask), "password");

  if (user)
    vnc_rs_display_set_credential (display, VNC_RS_DISPLAY_CREDENTIAL_USERNAME,
                                   gtk_editable_get_text (GTK_EDITABLE (user)));
  if (pass)
    vnc_rs_display_set_credential (display, VNC_RS_DISPLAY_CREDENTIAL_PASSWORD,
                                   gtk_editable_get_text (GTK_EDITABLE (pass)));
  gtk_window_destroy (GTK_WINDOW (ask));
}

static GtkWidget *
add_entry (GtkWidget *ask, GtkWidget *box, const char *key, gboolean secret)
{
  GtkWidget *entry = secret ? gtk_password_entry_new () : gtk_entry_new ();

  gtk_box_append (GTK_BOX (box), gtk_label_new (secret ? "Password:" : "User name:"));
  gtk_box_append (GTK_BOX (box), entry);
  g_object_set_data (G_OBJECT (ask), key, entry);
  return entry;
}

static void
on_credential (VncRsDisplay *display, VncRsCredentialFlags wanted, GtkWindow *window)
{
  GtkWidget *ask = gtk_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *ok = gtk_button_new_with_label ("Connect");
  GtkWidget *last = NULL;

  gtk_window_set_title (GTK_WINDOW (ask), "Authentication");
  gtk_window_set_transient_for (GTK_WINDOW (ask), window);
  gtk_window_set_modal (GTK_WINDOW (ask), TRUE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (ask), TRUE);
  if (wanted & VNC_RS_CREDENTIAL_USERNAME)
    last = add_entry (ask, box, "username", FALSE);
  if (wanted & VNC_RS_CREDENTIAL_PASSWORD)
    last = add_entry (ask, box, "password", TRUE);
  if (last)
    g_signal_connect_swapped (last, "activate", G_CALLBACK (gtk_widget_activate), ok);
  g_signal_connect (ok, "clicked", G_CALLBACK (on_answer), display);
  gtk_box_append (GTK_BOX (box), ok);
  gtk_window_set_child (GTK_WINDOW (ask), box);
  gtk_window_present (GTK_WINDOW (ask));
}

static void
on_initialized (VncRsDisplay *display, GtkWindow *window)
{
  g_autofree char *name = vnc_rs_display_get_desktop_name (display);
  g_autofree char *title = g_strdup_printf ("%s - vncviewer-c", name);

  gtk_window_set_title (window, title);
}

static void
on_error (G_GNUC_UNUSED VncRsDisplay *display, const char *message, G_GNUC_UNUSED gpointer data)
{
  g_printerr ("vncviewer-c: %s\n", message);
  status = 1;
}

static void
on_disconnected (G_GNUC_UNUSED VncRsDisplay *display, GtkWindow *window)
{
  g_print ("disconnected\n");
  gtk_window_destroy (window);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  GtkWidget *window, *display;

  if (argc != 2)
    {
      g_printerr ("usage: %s HOST:DISPLAY\n", argv[0]);
      return 2;
    }
  gtk_init ();
  window = gtk_window_new ();
  gtk_window_set_title (GTK_WINDOW (window), "vncviewer-c");
  display = vnc_rs_display_new ();
  gtk_window_set_child (GTK_WINDOW (window), display);
  g_signal_connect (display, "vnc-auth-credential", G_CALLBACK (on_credential), window);
  g_signal_connect (display, "vnc-initialized", G_CALLBACK (on_initialized), window);
  g_signal_connect (display, "vnc-error", G_CALLBACK (on_error), NULL);
  g_signal_connect (display, "vnc-disconnected", G_CALLBACK (on_disconnected), window);
  if (!vnc_rs_display_open_address (VNC_RS_DISPLAY (display), argv[1], &error))
    {
      g_printerr ("vncviewer-c: %s\n", error->message);
      return 2;
    }
  gtk_window_present (GTK_WINDOW (window));
  while (g_list_model_get_n_items (gtk_window_get_toplevels ()) > 0)
    g_main_context_iteration (NULL, TRUE);
  return status;
}
