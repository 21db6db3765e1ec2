#!/usr/bin/env bash
# Print the JAVA_HOME to run Keycloak with: the newest JDK on this machine that Keycloak 26
# supports (25, 21, then 17). Override with KC_JAVA_HOME.
set -euo pipefail
if [ -n "${KC_JAVA_HOME:-}" ]; then echo "$KC_JAVA_HOME"; exit 0; fi
for pattern in '*-25-*' '*-21-*' '*-17-*' 'openjdk-25*' 'openjdk-21*' 'openjdk-17*'; do
  for dir in /usr/lib/jvm/$pattern; do
    if [ -x "$dir/bin/java" ]; then echo "$dir"; exit 0; fi
  done
done
if command -v java >/dev/null; then
  dirname "$(dirname "$(readlink -f "$(command -v java)")")"; exit 0
fi
echo "no JDK found: install OpenJDK 17, 21 or 25 (apt-get install -y openjdk-17-jdk-headless)" >&2
exit 1
