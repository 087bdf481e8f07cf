#!/bin/sh
# Makes assets/fonts/wqy-microhei-gb2312.ttf, the font the trend charts are drawn with:
# WenQuanYi Micro Hei (Apache-2.0, see LICENSE-wqy-microhei.txt) cut to GB2312 (the 6,763
# common hanzi and its symbols) plus printable ASCII, so the binary carries ~2 MB, not 5.
# Needs apt (for the Debian package), python3 with venv. Run from the repository root:
#   sh assets/fonts/make_subset.sh
set -eu
out="$(pwd)/assets/fonts"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get download fonts-wqy-microhei
dpkg-deb -x fonts-wqy-microhei_*_all.deb pkg
python3 -m venv venv
venv/bin/pip install -q 'fonttools==4.68.0'
venv/bin/python - <<'PY'
# Every character GB2312 encodes (two-byte rows 0xA1-0xF7, cells 0xA1-0xFE), and ASCII.
chars = {chr(c) for c in range(0x20, 0x7F)}
for row in range(0xA1, 0xF8):
    for cell in range(0xA1, 0xFF):
        try:
            chars.add(bytes([row, cell]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
with open("chars.txt", "w", encoding="utf-8") as f:
    f.write("".join(sorted(chars)))
print(len(chars), "characters")
PY
venv/bin/pyftsubset pkg/usr/share/fonts/truetype/wqy/wqy-microhei.ttc --font-number=0 \
    --text-file=chars.txt --output-file="$out/wqy-microhei-gb2312.ttf" \
    --layout-features='' --no-hinting --desubroutinize --name-IDs='*' --name-languages='*'
cp pkg/usr/share/doc/fonts-wqy-microhei/copyright "$out/LICENSE-wqy-microhei.txt"
ls -l "$out/wqy-microhei-gb2312.ttf"
