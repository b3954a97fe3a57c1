#!/usr/bin/env bash
# Installs Debian's headless-capable Chromium, which the report's browser test (tests/Audit/ReportBrowserTests.cs)
# opens report.html in. Does nothing when /usr/bin/chromium exists. Needs root (or sudo) and the Debian archive.
set -euo pipefail
if [[ -x /usr/bin/chromium ]]; then
    exit 0
fi
sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
# Wait for another apt run (up to 10 minutes) rather than fail on its lock.
$sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
$sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends chromium
/usr/bin/chromium --version
