;; The hot loops of the studio's deflate (src/browser/fastDeflate.ts), in WebAssembly: the symbol scan (literals
;; and runs at distance 1 and `far`), the Huffman coding of a block's symbols, and Adler-32. The block headers
;; (code lengths, canonical codes) stay in TypeScript, once per block; these loops run once per byte or symbol.
;; They write exactly what the TypeScript loops write (src/browser/fastDeflate.test.ts compares them).
;; Compiled by `npm run build:wasm` into fastDeflateWasm.ts; memory is imported (the PNG filters' memory, so the
;; filtered rows are read where the filters wrote them). Every pointer is a byte offset into it.
(module
  (import "env" "memory" (memory 1))

  ;; Symbols of data[i, n) into syms (one i32 each: a literal byte, or 256 + (length << 3 | distance - 1)),
  ;; counting them into litFreq / distFreq (i32 each), until n or until count reaches max.
  ;; i >= far on entry (the first bytes are literals, done by the caller). lenTab: i32 per length 0..258,
  ;; its low 9 bits the length's code (257..285). Returns the new i; the new count is stored at state.
  (func (export "scan")
    (param $data i32) (param $n i32) (param $i i32) (param $far i32)
    (param $syms i32) (param $count i32) (param $max i32)
    (param $litFreq i32) (param $distFreq i32) (param $lenTab i32) (param $state i32)
    (result i32)
    (local $p i32) (local $c i32) (local $farByte i32) (local $limit i32) (local $best i32) (local $dist i32)
    (local $k i32) (local $pattern i64) (local $at i32) (local $t i32) (local $pf i32) (local $prev v128)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (br_if $done (i32.ge_u (local.get $count) (local.get $max)))
        (local.set $p (i32.add (local.get $data) (local.get $i)))
        ;; 16 bytes at once where they and 16 symbols fit: the test below (a run of 4, or 3 bytes repeated
        ;; `far` back) for each, as a bit mask; the bytes before its first set bit are literals.
        (if (i32.and
              (i32.le_u (i32.add (local.get $i) (i32.const 16)) (local.get $n))
              (i32.le_u (i32.add (local.get $count) (i32.const 16)) (local.get $max)))
          (then
            (local.set $pf (i32.sub (local.get $p) (local.get $far)))
            (local.set $prev (v128.load (i32.sub (local.get $p) (i32.const 1))))
            (local.set $t (i32.ctz (i32.or (i32.const 0x10000) (i8x16.bitmask (v128.or
              (v128.and
                (v128.and
                  (i8x16.eq (v128.load (local.get $p)) (local.get $prev))
                  (i8x16.eq (v128.load offset=1 (local.get $p)) (local.get $prev)))
                (i8x16.eq (v128.load offset=2 (local.get $p)) (local.get $prev)))
              (v128.and
                (v128.and
                  (i8x16.eq (v128.load (local.get $p)) (v128.load (local.get $pf)))
                  (i8x16.eq (v128.load offset=1 (local.get $p)) (v128.load offset=1 (local.get $pf))))
                (i8x16.eq (v128.load offset=2 (local.get $p)) (v128.load offset=2 (local.get $pf)))))))))
            (local.set $pf (i32.add (local.get $p) (local.get $t)))
            (block $literals
              (loop $literal
                (br_if $literals (i32.eq (local.get $p) (local.get $pf)))
                (local.set $c (i32.load8_u (local.get $p)))
                (i32.store (i32.add (local.get $syms) (i32.shl (local.get $count) (i32.const 2))) (local.get $c))
                (local.set $count (i32.add (local.get $count) (i32.const 1)))
                (local.set $at (i32.add (local.get $litFreq) (i32.shl (local.get $c) (i32.const 2))))
                (i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (i32.const 1)))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br $literal)))
            (local.set $i (i32.add (local.get $i) (local.get $t)))
            ;; 16 literals: on to the next 16; else the byte now at i passed the test: the full search below.
            (br_if $next (i32.eq (local.get $t) (i32.const 16)))))
        (local.set $c (i32.load8_u (local.get $p)))
        (local.set $farByte (i32.load8_u (i32.sub (local.get $p) (local.get $far))))
        ;; A match of 3 or more needs data[i-1..i+2] all equal (distance 1) or data[i..i+2] equal to the bytes
        ;; `far` back: one word test each, so the many short repeats of filtered art take the literal path at
        ;; once. Bytes past n may be read (the work area follows the data); a match found there is cut to the
        ;; limit below, shorter than 3, so such a byte still goes out as the literal the full test would give.
        (if (i32.and
              (i32.ne (i32.load (i32.sub (local.get $p) (i32.const 1))) (i32.mul (local.get $c) (i32.const 0x01010101)))
              (i32.ne (i32.and (i32.xor (i32.load (local.get $p)) (i32.load (i32.sub (local.get $p) (local.get $far))))
                               (i32.const 0xffffff))
                      (i32.const 0)))
          (then
            ;; A literal: nothing behind it repeats it three times.
            (i32.store (i32.add (local.get $syms) (i32.shl (local.get $count) (i32.const 2))) (local.get $c))
            (local.set $count (i32.add (local.get $count) (i32.const 1)))
            (local.set $at (i32.add (local.get $litFreq) (i32.shl (local.get $c) (i32.const 2))))
            (i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (i32.const 1)))
            (local.set $i (i32.add (local.get $i) (i32.const 1))))
          (else
            (local.set $limit (i32.sub (local.get $n) (local.get $i)))
            (if (i32.gt_u (local.get $limit) (i32.const 258)) (then (local.set $limit (i32.const 258))))
            (local.set $best (i32.const 0))
            (local.set $dist (i32.const 1))
            (if (i32.eq (local.get $c) (i32.load8_u (i32.sub (local.get $p) (i32.const 1))))
              (then
                ;; A run of c: 8 bytes at a time, then byte by byte.
                (local.set $k (i32.const 1))
                (local.set $pattern (i64.mul (i64.extend_i32_u (local.get $c)) (i64.const 0x0101010101010101)))
                (block $bytes
                  (loop $words
                    (br_if $bytes (i32.gt_u (i32.add (local.get $k) (i32.const 8)) (local.get $limit)))
                    (br_if $bytes (i64.ne (i64.load (i32.add (local.get $p) (local.get $k))) (local.get $pattern)))
                    (local.set $k (i32.add (local.get $k) (i32.const 8)))
                    (br $words)))
                (block $end
                  (loop $each
                    (br_if $end (i32.ge_u (local.get $k) (local.get $limit)))
                    (br_if $end (i32.ne (i32.load8_u (i32.add (local.get $p) (local.get $k))) (local.get $c)))
                    (local.set $k (i32.add (local.get $k) (i32.const 1)))
                    (br $each)))
                (local.set $best (local.get $k))))
            (if (i32.and (i32.lt_u (local.get $best) (local.get $limit)) (i32.eq (local.get $c) (local.get $farByte)))
              (then
                ;; A pixel repeated: bytes equal to those `far` back.
                (local.set $k (i32.const 1))
                (block $end
                  (loop $each
                    (br_if $end (i32.ge_u (local.get $k) (local.get $limit)))
                    (br_if $end (i32.ne
                      (i32.load8_u (i32.add (local.get $p) (local.get $k)))
                      (i32.load8_u (i32.sub (i32.add (local.get $p) (local.get $k)) (local.get $far)))))
                    (local.set $k (i32.add (local.get $k) (i32.const 1)))
                    (br $each)))
                (if (i32.gt_u (local.get $k) (local.get $best))
                  (then
                    (local.set $best (local.get $k))
                    (local.set $dist (local.get $far))))))
            (if (i32.ge_u (local.get $best) (i32.const 3))
              (then
                (i32.store
                  (i32.add (local.get $syms) (i32.shl (local.get $count) (i32.const 2)))
                  (i32.add (i32.const 256)
                    (i32.or (i32.shl (local.get $best) (i32.const 3)) (i32.sub (local.get $dist) (i32.const 1)))))
                (local.set $count (i32.add (local.get $count) (i32.const 1)))
                (local.set $at (i32.add (local.get $litFreq)
                  (i32.shl
                    (i32.and (i32.load (i32.add (local.get $lenTab) (i32.shl (local.get $best) (i32.const 2)))) (i32.const 511))
                    (i32.const 2))))
                (i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (i32.const 1)))
                (local.set $at (i32.add (local.get $distFreq) (i32.shl (i32.sub (local.get $dist) (i32.const 1)) (i32.const 2))))
                (i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (i32.const 1)))
                (local.set $i (i32.add (local.get $i) (local.get $best))))
              (else
                (i32.store (i32.add (local.get $syms) (i32.shl (local.get $count) (i32.const 2))) (local.get $c))
                (local.set $count (i32.add (local.get $count) (i32.const 1)))
                (local.set $at (i32.add (local.get $litFreq) (i32.shl (local.get $c) (i32.const 2))))
                (i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (i32.const 1)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))))))
        (br $next)))
    (i32.store (local.get $state) (local.get $count))
    (local.get $i))

  ;; One i64 per symbol value (a literal byte, or 256 + (length << 3 | distance - 1)) into symTab: its whole code
  ;; (for a match: the length's code, extra bits and the distance's code, at most 35 bits) in the low bits, its
  ;; bit count in the top byte. litTab / distTab: i32 per symbol, (bit-reversed code << 5) | code length; lenTab
  ;; as for scan, with the length's extra-bit count at bits 9-11 and extra value from bit 12. Once per block.
  (func (export "table") (param $litTab i32) (param $distTab i32) (param $lenTab i32) (param $symTab i32)
    (local $s i32) (local $e i32) (local $len i32) (local $lt i32) (local $l1 i32) (local $c1 i64) (local $eb i32)
    (local $d i32) (local $de i32) (local $head i64) (local $at i32)
    (local.set $s (i32.const 0))
    (loop $literals
      (local.set $e (i32.load (i32.add (local.get $litTab) (i32.shl (local.get $s) (i32.const 2)))))
      (i64.store (i32.add (local.get $symTab) (i32.shl (local.get $s) (i32.const 3)))
        (i64.or (i64.extend_i32_u (i32.shr_u (local.get $e) (i32.const 5)))
                (i64.shl (i64.extend_i32_u (i32.and (local.get $e) (i32.const 31))) (i64.const 56))))
      (local.set $s (i32.add (local.get $s) (i32.const 1)))
      (br_if $literals (i32.lt_u (local.get $s) (i32.const 256))))
    (local.set $len (i32.const 3))
    (loop $lengths
      (local.set $lt (i32.load (i32.add (local.get $lenTab) (i32.shl (local.get $len) (i32.const 2)))))
      (local.set $e (i32.load (i32.add (local.get $litTab) (i32.shl (i32.and (local.get $lt) (i32.const 511)) (i32.const 2)))))
      (local.set $l1 (i32.and (local.get $e) (i32.const 31)))
      (local.set $eb (i32.and (i32.shr_u (local.get $lt) (i32.const 9)) (i32.const 7)))
      ;; The length's code, then its extra value.
      (local.set $head (i64.or
        (i64.extend_i32_u (i32.shr_u (local.get $e) (i32.const 5)))
        (i64.shl (i64.extend_i32_u (i32.shr_u (local.get $lt) (i32.const 12))) (i64.extend_i32_u (local.get $l1)))))
      (local.set $d (i32.const 0))
      (loop $distances
        (local.set $de (i32.load (i32.add (local.get $distTab) (i32.shl (local.get $d) (i32.const 2)))))
        (local.set $at (i32.add (local.get $symTab)
          (i32.shl (i32.add (i32.const 256) (i32.or (i32.shl (local.get $len) (i32.const 3)) (local.get $d))) (i32.const 3))))
        (i64.store (local.get $at)
          (i64.or
            (i64.or (local.get $head)
              (i64.shl (i64.extend_i32_u (i32.shr_u (local.get $de) (i32.const 5)))
                       (i64.extend_i32_u (i32.add (local.get $l1) (local.get $eb)))))
            (i64.shl
              (i64.extend_i32_u (i32.add (i32.add (local.get $l1) (local.get $eb)) (i32.and (local.get $de) (i32.const 31))))
              (i64.const 56))))
        (local.set $d (i32.add (local.get $d) (i32.const 1)))
        (br_if $distances (i32.lt_u (local.get $d) (i32.const 4))))
      (local.set $len (i32.add (local.get $len) (i32.const 1)))
      (br_if $lengths (i32.le_u (local.get $len) (i32.const 258)))))

  ;; Huffman codes of syms[0, count) through symTab (see table), written LSB first at out + pos after `nbits`
  ;; (fewer than 8) pending bits in `bits`. Branch-free: 8 bytes stored after every symbol and the whole ones
  ;; kept (so 8 bytes past the end must be writable). Returns the new pos; the pending bits (fewer than 8) are
  ;; stored at state, their count at state + 4.
  (func (export "emit")
    (param $syms i32) (param $count i32) (param $symTab i32)
    (param $out i32) (param $pos i32) (param $bits i32) (param $nbits i32) (param $state i32)
    (result i32)
    (local $buf i64) (local $nb i64) (local $q i32) (local $sp i32) (local $end i32) (local $e i64) (local $whole i64)
    (local.set $buf (i64.extend_i32_u (local.get $bits)))
    (local.set $nb (i64.extend_i32_u (local.get $nbits)))
    (local.set $q (i32.add (local.get $out) (local.get $pos)))
    (local.set $sp (local.get $syms))
    (local.set $end (i32.add (local.get $syms) (i32.shl (local.get $count) (i32.const 2))))
    (block $done
      (br_if $done (i32.ge_u (local.get $sp) (local.get $end)))
      (loop $next
        (local.set $e (i64.load (i32.add (local.get $symTab) (i32.shl (i32.load (local.get $sp)) (i32.const 3)))))
        (local.set $sp (i32.add (local.get $sp) (i32.const 4)))
        (local.set $buf (i64.or (local.get $buf) (i64.shl (i64.and (local.get $e) (i64.const 0x00ffffffffffffff)) (local.get $nb))))
        (local.set $nb (i64.add (local.get $nb) (i64.shr_u (local.get $e) (i64.const 56))))
        (i64.store (local.get $q) (local.get $buf))
        (local.set $whole (i64.shr_u (local.get $nb) (i64.const 3)))
        (local.set $q (i32.add (local.get $q) (i32.wrap_i64 (local.get $whole))))
        (local.set $buf (i64.shr_u (local.get $buf) (i64.shl (local.get $whole) (i64.const 3))))
        (local.set $nb (i64.and (local.get $nb) (i64.const 7)))
        (br_if $next (i32.lt_u (local.get $sp) (local.get $end)))))
    (i32.store (local.get $state) (i32.wrap_i64 (local.get $buf)))
    (i32.store (i32.add (local.get $state) (i32.const 4)) (i32.wrap_i64 (local.get $nb)))
    (i32.sub (local.get $q) (local.get $out)))

  ;; Adler-32 (RFC 1950) of data[0, n): sums reduced every 5552 bytes, as zlib does (the most before b can
  ;; pass 2^32).
  (func (export "adler32") (param $data i32) (param $n i32) (result i32)
    (local $a i32) (local $b i32) (local $p i32) (local $end i32) (local $chunk i32) (local $stop i32)
    (local.set $a (i32.const 1))
    (local.set $p (local.get $data))
    (local.set $end (i32.add (local.get $data) (local.get $n)))
    (block $done
      (loop $chunks
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $chunk (i32.sub (local.get $end) (local.get $p)))
        (if (i32.gt_u (local.get $chunk) (i32.const 5552)) (then (local.set $chunk (i32.const 5552))))
        (local.set $stop (i32.add (local.get $p) (local.get $chunk)))
        ;; Four bytes a step while four remain.
        (block $fours
          (loop $four
            (br_if $fours (i32.gt_u (i32.add (local.get $p) (i32.const 4)) (local.get $stop)))
            (local.set $a (i32.add (local.get $a) (i32.load8_u (local.get $p))))
            (local.set $b (i32.add (local.get $b) (local.get $a)))
            (local.set $a (i32.add (local.get $a) (i32.load8_u offset=1 (local.get $p))))
            (local.set $b (i32.add (local.get $b) (local.get $a)))
            (local.set $a (i32.add (local.get $a) (i32.load8_u offset=2 (local.get $p))))
            (local.set $b (i32.add (local.get $b) (local.get $a)))
            (local.set $a (i32.add (local.get $a) (i32.load8_u offset=3 (local.get $p))))
            (local.set $b (i32.add (local.get $b) (local.get $a)))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (br $four)))
        (block $ones
          (loop $one
            (br_if $ones (i32.ge_u (local.get $p) (local.get $stop)))
            (local.set $a (i32.add (local.get $a) (i32.load8_u (local.get $p))))
            (local.set $b (i32.add (local.get $b) (local.get $a)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $one)))
        (local.set $a (i32.rem_u (local.get $a) (i32.const 65521)))
        (local.set $b (i32.rem_u (local.get $b) (i32.const 65521)))
        (br $chunks)))
    (i32.or (i32.shl (local.get $b) (i32.const 16)) (local.get $a)))
)
