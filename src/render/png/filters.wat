;; PNG row filters (PNG spec 9.2) as WebAssembly SIMD kernels, 16 bytes at a time.
;;
;; The source of src/render/png/filtersWasm.ts: `npm run build:wasm` (scripts/build-wasm.ts, wabt) compiles
;; this file into that module, and src/render/png/filtersWasm.test.ts fails while the two differ.
;; src/render/png/simd.ts loads it; src/render/png/filters.ts drives it and holds the JavaScript filters that
;; are both the fallback and the reference the kernels are tested against.
;;
;; Every predictor reads the unfiltered image, never the filtered output, so a row filters 16 bytes at a time.
;; The filters take byte offsets into the imported memory:
;;   $cur    the row to filter           $prior  the row above it (a zero row for the first row)
;;   $out    where the filtered row goes $n      bytes in a row (width * bpp)
;;   $bpp    bytes per pixel, 3 or 4
;; and write out[start, n), start being bpp (0 for up): the caller writes the first pixel, whose left
;; neighbours are zeros. Each loop steps 16 bytes and moves its last step back to end at n, so it writes
;; nothing past n but needs n - start >= 16 (simd.ts's SIMD_MIN_ROW_BYTES keeps shorter rows in JavaScript).
;; The i8x16 arithmetic wraps modulo 256, as the spec's filter arithmetic does.
(module
  (import "env" "memory" (memory 1))

  ;; Sub: out[i] = cur[i] - cur[i - bpp]
  (func (export "sub") (param $cur i32) (param $prior i32) (param $out i32) (param $n i32) (param $bpp i32)
    (local $i i32) (local $last i32)
    (local.set $i (local.get $bpp))
    (local.set $last (i32.sub (local.get $n) (i32.const 16)))
    (loop $next
      (if (i32.gt_u (local.get $i) (local.get $last)) (then (local.set $i (local.get $last))))
      (v128.store
        (i32.add (local.get $out) (local.get $i))
        (i8x16.sub
          (v128.load (i32.add (local.get $cur) (local.get $i)))
          (v128.load (i32.sub (i32.add (local.get $cur) (local.get $i)) (local.get $bpp)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $next (i32.lt_u (local.get $i) (local.get $n)))))

  ;; Up: out[i] = cur[i] - prior[i], from i = 0
  (func (export "up") (param $cur i32) (param $prior i32) (param $out i32) (param $n i32) (param $bpp i32)
    (local $i i32) (local $last i32)
    (local.set $last (i32.sub (local.get $n) (i32.const 16)))
    (loop $next
      (if (i32.gt_u (local.get $i) (local.get $last)) (then (local.set $i (local.get $last))))
      (v128.store
        (i32.add (local.get $out) (local.get $i))
        (i8x16.sub
          (v128.load (i32.add (local.get $cur) (local.get $i)))
          (v128.load (i32.add (local.get $prior) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $next (i32.lt_u (local.get $i) (local.get $n)))))

  ;; Average: out[i] = cur[i] - floor((left + above) / 2), the mean taken without overflow as
  ;; (left & above) + ((left ^ above) >> 1).
  (func (export "avg") (param $cur i32) (param $prior i32) (param $out i32) (param $n i32) (param $bpp i32)
    (local $i i32) (local $last i32) (local $left v128) (local $above v128)
    (local.set $i (local.get $bpp))
    (local.set $last (i32.sub (local.get $n) (i32.const 16)))
    (loop $next
      (if (i32.gt_u (local.get $i) (local.get $last)) (then (local.set $i (local.get $last))))
      (local.set $left (v128.load (i32.sub (i32.add (local.get $cur) (local.get $i)) (local.get $bpp))))
      (local.set $above (v128.load (i32.add (local.get $prior) (local.get $i))))
      (v128.store
        (i32.add (local.get $out) (local.get $i))
        (i8x16.sub
          (v128.load (i32.add (local.get $cur) (local.get $i)))
          (i8x16.add
            (v128.and (local.get $left) (local.get $above))
            (i8x16.shr_u (v128.xor (local.get $left) (local.get $above)) (i32.const 1)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $next (i32.lt_u (local.get $i) (local.get $n)))))

  ;; Paeth: out[i] = cur[i] - the one of left (a), above (b) and upper left (c) nearest to p = a + b - c,
  ;; ties to a, then b. The distances |p - a| = |b - c|, |p - b| = |a - c| and |p - c| = |a + b - 2c| are
  ;; taken in i16 lanes (eight bytes at a time, low half then high half), compared, and the two choices
  ;; narrowed back to byte masks for two bitselects.
  (func (export "paeth") (param $cur i32) (param $prior i32) (param $out i32) (param $n i32) (param $bpp i32)
    (local $i i32) (local $last i32)
    (local $a v128) (local $b v128) (local $c v128)
    (local $ac v128) (local $bc v128) (local $pa v128) (local $pb v128) (local $pc v128)
    ;; Per i16 lane: "a is nearest" and "b is nearer than c"; the low half's, until the high half's joins it.
    (local $pickA v128) (local $pickB v128)
    (local.set $i (local.get $bpp))
    (local.set $last (i32.sub (local.get $n) (i32.const 16)))
    (loop $next
      (if (i32.gt_u (local.get $i) (local.get $last)) (then (local.set $i (local.get $last))))
      (local.set $a (v128.load (i32.sub (i32.add (local.get $cur) (local.get $i)) (local.get $bpp))))
      (local.set $b (v128.load (i32.add (local.get $prior) (local.get $i))))
      (local.set $c (v128.load (i32.sub (i32.add (local.get $prior) (local.get $i)) (local.get $bpp))))

      ;; Low eight bytes.
      (local.set $ac (i16x8.sub (i16x8.extend_low_i8x16_u (local.get $a)) (i16x8.extend_low_i8x16_u (local.get $c))))
      (local.set $bc (i16x8.sub (i16x8.extend_low_i8x16_u (local.get $b)) (i16x8.extend_low_i8x16_u (local.get $c))))
      (local.set $pa (i16x8.abs (local.get $bc)))
      (local.set $pb (i16x8.abs (local.get $ac)))
      (local.set $pc (i16x8.abs (i16x8.add (local.get $ac) (local.get $bc))))
      (local.set $pickA
        (v128.and (i16x8.le_s (local.get $pa) (local.get $pb)) (i16x8.le_s (local.get $pa) (local.get $pc))))
      (local.set $pickB (i16x8.le_s (local.get $pb) (local.get $pc)))

      ;; High eight bytes, then both halves' masks narrowed to one byte mask each (-1 stays -1, 0 stays 0).
      (local.set $ac (i16x8.sub (i16x8.extend_high_i8x16_u (local.get $a)) (i16x8.extend_high_i8x16_u (local.get $c))))
      (local.set $bc (i16x8.sub (i16x8.extend_high_i8x16_u (local.get $b)) (i16x8.extend_high_i8x16_u (local.get $c))))
      (local.set $pa (i16x8.abs (local.get $bc)))
      (local.set $pb (i16x8.abs (local.get $ac)))
      (local.set $pc (i16x8.abs (i16x8.add (local.get $ac) (local.get $bc))))
      (local.set $pickA
        (i8x16.narrow_i16x8_s
          (local.get $pickA)
          (v128.and (i16x8.le_s (local.get $pa) (local.get $pb)) (i16x8.le_s (local.get $pa) (local.get $pc)))))
      (local.set $pickB (i8x16.narrow_i16x8_s (local.get $pickB) (i16x8.le_s (local.get $pb) (local.get $pc))))

      (v128.store
        (i32.add (local.get $out) (local.get $i))
        (i8x16.sub
          (v128.load (i32.add (local.get $cur) (local.get $i)))
          (v128.bitselect
            (local.get $a)
            (v128.bitselect (local.get $b) (local.get $c) (local.get $pickB))
            (local.get $pickA))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $next (i32.lt_u (local.get $i) (local.get $n)))))

  ;; The sum of |int8(ptr[i])| for i in [0, n): how libpng scores a filtered row (1 and 255 both "1 away").
  ;; 16 bytes at a time into four i32 lanes, then the n % 16 tail a byte at a time. i8x16.abs leaves -128
  ;; as 0x80, which the unsigned widening reads as 128, as it should.
  (func (export "sad") (param $ptr i32) (param $n i32) (result i32)
    (local $i i32) (local $end i32) (local $acc v128) (local $sum i32) (local $v i32)
    (local.set $end (i32.and (local.get $n) (i32.const -16)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $acc
          (i32x4.add
            (local.get $acc)
            (i32x4.extadd_pairwise_i16x8_u
              (i16x8.extadd_pairwise_i8x16_u (i8x16.abs (v128.load (i32.add (local.get $ptr) (local.get $i))))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next)))
    (local.set $sum
      (i32.add
        (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
        (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc)))))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $v (i32.load8_s (i32.add (local.get $ptr) (local.get $i))))
        ;; |v| = (v ^ (v >> 31)) - (v >> 31)
        (local.set $sum
          (i32.add
            (local.get $sum)
            (i32.sub
              (i32.xor (local.get $v) (i32.shr_s (local.get $v) (i32.const 31)))
              (i32.shr_s (local.get $v) (i32.const 31)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail)))
    (local.get $sum)))
