#!/usr/bin/env bash
# Checks every case of cases.txt (the slow ones too) against its recorded transcript in
# expected/, on a release build of conv-demo; with --record, records them anew instead
# (then review the diff with git), and re-runs the transcripts of docs/ (TranscriptTests;
# the slow ones too). The cases run through GoldenTests, the test that also
# checks the fast cases in every `swift test`.
#
#     Tests/Golden/run.sh            # check
#     Tests/Golden/run.sh --record   # record
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product conv-demo
export CONV_DEMO_BINARY="$(swift build -c release --show-bin-path)/conv-demo"
export CONV_DEMO_GOLDEN_SLOW=1
if [ "${1:-}" = "--record" ]; then export CONV_DEMO_UPDATE_GOLDEN=1; fi
swift test --filter "GoldenTests|TranscriptTests"
