#!/bin/sh
# One-edit CLI build of a generated portal, for interleaved A/B timing of two versions of the code:
#
#   git worktree add /tmp/base <commit>
#   python bench/generate.py --feedback 10000 /tmp/pa && cp -a /tmp/pa /tmp/pb
#   (build each project once with its code, then twice with this script, before timing)
#   farm-bench -n 15 --vs "bench/edit_build.sh /tmp/base /tmp/pb" -- bench/edit_build.sh "$PWD" /tmp/pa
#
# $1: the code's folder (put first on PYTHONPATH); $2: the project; $3: the file to append a line
# to (default: a feedback item of bench/generate.py's portals). Bytecode is written and used, as
# in an installed package: with PYTHONDONTWRITEBYTECODE inherited, a fresh worktree would compile
# its modules on every run (~70 ms at 10,000 items) and the comparison would favour the other side.
set -e
unset PYTHONDONTWRITEBYTECODE
file=${3:-content/feedback/2024/feedback-000499.md}
echo "edit $$" >> "$2/$file"
cd /tmp
PYTHONPATH="$1" exec "${PYTHON:-python3}" -m portalgen build "$2" >/dev/null
