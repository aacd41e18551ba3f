#!/bin/sh
# Compiles the eBPF C corpus (test/ebpf/corpus/*.c) with clang-19 and records llvm-objdump-19's
# disassembly of every object as golden text. The objects and golden files are committed so the
# tests run where LLVM is missing; test/ebpf/llvm-disasm.test.ts also regenerates them live
# when clang-19 and llvm-objdump-19 exist and compares.
#
# Each .objdump.txt golden file starts with one '# ' line: the exact command that produced the
# rest; NAME.readobj.json is `llvm-readobj-19 --sections --symbols --relocations
# --elf-output-style=JSON NAME.o` (the oracle for src/ebpf/object/elf.ts).
set -eu
cd "$(dirname "$0")/../test/ebpf/corpus"
mkdir -p build

# name  target  cpu
TABLE='xdp-parser bpfel v2
socket-filter bpfel v1
tc-classifier bpfel v2
tracepoint-loop bpfel v3
bpf2bpf-calls bpfel v3
atomics bpfel v3
signed-v4 bpfel v4
alu32-v3 bpfel v3
xdp-parser bpfeb v3
atomics bpfeb v4
signed-v4 bpfeb v4'

echo "$TABLE" | while read -r name target cpu; do
  out="build/$name.$target.$cpu"
  clang-19 -O2 -g -target "$target" -mcpu="$cpu" -c "$name.c" -o "$out.o"
  for mode in default v4; do
    for raw in raw noraw; do
      flags="-d"
      [ "$raw" = noraw ] && flags="$flags --no-show-raw-insn"
      [ "$mode" = v4 ] && flags="$flags --mcpu=v4"
      golden="$out.$mode.$raw.objdump.txt"
      { echo "# llvm-objdump-19 $flags $(basename "$out").o"; (cd build && llvm-objdump-19 $flags "$(basename "$out").o"); } > "$golden"
    done
  done
  golden="$out.default.reloc.objdump.txt"
  { echo "# llvm-objdump-19 -dr $(basename "$out").o"; (cd build && llvm-objdump-19 -dr "$(basename "$out").o"); } > "$golden"
  (cd build && llvm-readobj-19 --sections --symbols --relocations --elf-output-style=JSON "$(basename "$out").o") > "$out.readobj.json"
done
ls build | wc -l
