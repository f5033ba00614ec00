# Shared by the scripts: install missing Debian packages (apt-get update once, only when
# something is missing). Source it.

ensure_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  local sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  echo "installing: ${missing[*]}" >&2
  "${sudo[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# The Debian packages that scripts/test.sh needs (scripts/test-newer-gtk.sh installs the same in
# its chroot). dbus-x11 and at-spi2-core are not needed by any test: they are on every
# desktop, and with them GLib autolaunches session buses and GTK looks for the accessibility
# bus, so CI runs the tests as a developer's machine would. gcc and libvncserver-dev build the small xvp
# server of tests/tests/xvp.rs. libpulse-dev builds the widget's audio playback; the audio
# tests play into a private PulseAudio daemon and a private PipeWire (with pipewire-pulse and
# WirePlumber) and record with pulseaudio-utils' parec. python3 runs the X client of the
# (ignored) latency test, tests/tests/xvnc_latency.rs. GObject Introspection, PyGObject and
# valac and gjs build and run the widget from C, Python, Vala and JavaScript
# (scripts/build-gir.sh, tests/tests/gir.rs). libsasl2-dev builds the SASL security type
# (Cyrus SASL); libsasl2-modules has its DIGEST-MD5 and SCRAM plugins and sasl2-bin the
# saslpasswd2 that makes QEMU's user database (tests/tests/qemu_sasl.rs).
test_packages=(
  tigervnc-standalone-server tigervnc-tools x11vnc xvfb qemu-system-x86
  x11-apps x11-utils x11-xserver-utils x11-xkb-utils xterm xfonts-base xauth imagemagick
  gnutls-bin libssl-dev pkg-config libgtk-4-dev libturbojpeg0-dev xdotool xclip dbus time
  dbus-x11 at-spi2-core gcc libvncserver-dev libglib2.0-bin
  libpulse-dev pulseaudio pulseaudio-utils pipewire pipewire-pulse wireplumber python3
  gobject-introspection libgirepository1.0-dev gir1.2-gtk-4.0 python3-gi valac gjs
  libsasl2-dev libsasl2-modules libsasl2-modules-db sasl2-bin
)
