# Shared by bin/run and bin/test: find Python, make .venv from a hashed lock file,
# install Debian packages when we are root. Sourced, not run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\n错误：%s\n' "$*" >&2; exit 1; }

find_python() {
  local candidate
  for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  die "需要 Python 3.11 或更新版本。Debian 12 上请执行：apt-get install python3 python3-venv"
}

missing_debs() {  # prints the packages of "$@" that dpkg does not have installed
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || echo "$pkg"
  done
}

APT_UPDATED=""
apt_install() {  # apt_install PKG...: install what is missing; returns 1 if it cannot
  command -v dpkg-query >/dev/null 2>&1 || return 1
  local missing
  missing=$(missing_debs "$@" | tr '\n' ' ')
  [ -z "${missing// /}" ] && return 0
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    MISSING_DEBS="$missing"; return 1
  fi
  say "安装系统软件包：$missing"
  if [ -z "$APT_UPDATED" ]; then apt-get update -qq; APT_UPDATED=1; fi
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

ensure_venv() {  # ensure_venv LOCKFILE: .venv with exactly the locked, hash-checked packages
  local lock="$1" py stamp want
  py=$(find_python)
  if [ ! -x .venv/bin/python ]; then
    say "创建 Python 虚拟环境 .venv（$("$py" --version)）"
    if ! "$py" -m venv .venv 2>/dev/null; then
      rm -rf .venv
      apt_install python3-venv || die "无法创建虚拟环境。请以 root 执行：apt-get install python3-venv"
      "$py" -m venv .venv
    fi
  fi
  stamp=".venv/.installed-$(basename "$lock")"
  want=$(sha256sum "$lock" | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "安装 Python 依赖（$lock，逐个校验哈希）"
    # --no-compile: modules are compiled when first imported, not all of them up front.
    .venv/bin/python -m pip install -qq --disable-pip-version-check --no-compile \
      --require-hashes -r "$lock"
    echo "$want" > "$stamp"
  fi
  export PATH="$ROOT/.venv/bin:$PATH"
}

# WeasyPrint renders PDFs with Pango; Chinese text needs a CJK font.
PDF_DEBS="fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
