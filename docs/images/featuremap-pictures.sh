#!/bin/sh
# Remakes the featuremap pictures of docs/feature-maps.md from the default run: the contact
# sheet as featuremap wrote it, and the page as headless Chromium renders it (Debian's
# `chromium`; ImageMagick's `convert` crops the explorer out of the full page). Run from the
# repository's root after `swift build -c release`.
set -eu
out=$(mktemp -d "${TMPDIR:-/tmp}/conv-demo-pictures.XXXXXX")
trap 'rm -rf "$out"' EXIT
.build/release/conv-demo featuremap --out "$out/maps" > /dev/null
cp "$out/maps/sheet.png" docs/images/featuremap-sheet.png
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$out/profile" \
    --window-size=1280,5200 --screenshot="$out/page.png" "file://$out/maps/index.html" 2> /dev/null
convert "$out/page.png" -crop 1280x1000+0+0 +repage docs/images/featuremap-page.png
convert "$out/page.png" -crop 1280x1180+0+1000 +repage docs/images/featuremap-explorer.png
convert "$out/page.png" -crop 1280x1560+0+2150 +repage docs/images/featuremap-maps.png
