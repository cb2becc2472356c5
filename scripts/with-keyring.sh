#!/usr/bin/env bash
# Runs CMD inside a private D-Bus session with an unlocked, throwaway gnome-keyring, so the real Secret Service path
# of @napi-rs/keyring is exercised (CI, integration tests, local debugging).
#
#   scripts/with-keyring.sh CMD [ARGS...]
#
# CMD's exit code is preserved. CMD keeps its own environment (HOME, XDG_DATA_HOME…) except DBUS_SESSION_BUS_ADDRESS
# (the private bus). The keyring daemon gets its own temporary XDG_DATA_HOME and XDG_RUNTIME_DIR, so it never opens or
# creates a real user's keyring, and everything it stored is deleted when CMD ends.
# Needs the Debian/Ubuntu packages `dbus` and `gnome-keyring`.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 2
fi

# Already inside a session this script set up: nesting would only start a second daemon on the same bus.
if [ "${DBV_KEYRING_SESSION:-}" = "ready" ]; then
  exec "$@"
fi

if [ "${DBV_KEYRING_SESSION:-}" != "inner" ]; then
  for tool in dbus-run-session gnome-keyring-daemon dbus-send; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "with-keyring: '$tool' not found (install the apt packages dbus and gnome-keyring)" >&2
      exit 127
    fi
  done
  export DBV_KEYRING_SESSION=inner
  # dbus-daemon warns "Failed to set fd limit" in containers; that is harmless, and stderr stays CMD's.
  exec dbus-run-session -- "$0" "$@"
fi

keyring_home="$(mktemp -d "${TMPDIR:-/tmp}/dbv-keyring.XXXXXX")"
mkdir -m 700 "$keyring_home/data" "$keyring_home/runtime"
daemon_pid=""

cleanup() {
  if [ -n "$daemon_pid" ]; then
    kill "$daemon_pid" 2>/dev/null || true
    wait "$daemon_pid" 2>/dev/null || true
  fi
  rm -rf "$keyring_home"
}
trap cleanup EXIT

# --unlock reads the login keyring's password from stdin until EOF; on a fresh XDG_DATA_HOME it creates that keyring
# with this password, and it becomes the default collection the Secret Service writes into.
# --foreground keeps the daemon our child, so we know exactly which process to stop afterwards.
keyring_password="dbv-test-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s' "$keyring_password" |
  XDG_DATA_HOME="$keyring_home/data" XDG_RUNTIME_DIR="$keyring_home/runtime" \
    gnome-keyring-daemon --foreground --unlock --components=secrets >"$keyring_home/daemon.out" 2>&1 &
daemon_pid=$!

# The daemon claims org.freedesktop.secrets asynchronously; CMD must not start before that, or its first keyring call
# would trigger D-Bus activation (not configured in a private session) and fail.
ready=""
for _ in $(seq 1 100); do
  if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; then
    ready=1
    break
  fi
  if ! kill -0 "$daemon_pid" 2>/dev/null; then break; fi
  sleep 0.1
done
if [ -z "$ready" ]; then
  echo "with-keyring: gnome-keyring-daemon did not come up:" >&2
  cat "$keyring_home/daemon.out" >&2 || true
  exit 125
fi

export DBV_KEYRING_SESSION=ready
set +e
"$@"
status=$?
set -e
exit "$status"
