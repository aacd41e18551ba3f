#!/usr/bin/env bash
# Regenerates bench/data/cbpf-filters.txt: the classic programs of the cbpf-filters benchmark,
# compiled by the real tcpdump (made with tcpdump 4.99.3 / libpcap 1.10.3). For each filter:
#   ### NAME
#   $ tcpdump -ddd -y EN10MB 'EXPR'
#   <tcpdump -ddd output: count line, then "code jt jf k" lines>
# Usage: bench/data/make-cbpf-filters.sh
set -euo pipefail
cd "$(dirname "$0")"
out=cbpf-filters.txt
filters=(
  "ip|ip"
  "tcp port 80|tcp port 80"
  "net 10/8 and not port 22|net 10.0.0.0/8 and not port 22"
  "http with payload (man tcpdump)|tcp port 80 and (((ip[2:2] - ((ip[0]&0xf)<<2)) - ((tcp[12]&0xf0)>>2)) != 0)"
)
: > "$out"
for f in "${filters[@]}"; do
  name=${f%%|*}
  expr=${f#*|}
  printf '### %s\n$ tcpdump -ddd -y EN10MB '"'"'%s'"'"'\n' "$name" "$expr" >> "$out"
  tcpdump -ddd -y EN10MB "$expr" >> "$out"
done
