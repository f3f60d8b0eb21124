;; The list answer path's container scan (src/facade/json-scan.ts), in WebAssembly with 128-bit
;; SIMD: the same rules as the JavaScript loop `skipContainerJs` in src/facade/json-scan.ts, 16 bytes
;; at a time. This text is the source; scripts/build-wasm.ts compiles it (wabt) into
;; src/facade/json-scan-wasm.ts, and test/facade/json-scan.test.ts checks that the two agree and
;; that the scan gives the JavaScript loop's answer on generated JSON.
;;
;; Per 16-byte chunk, four lane masks (i8x16.bitmask): `"`, `\`, `{` or `[`, `}` or `]`. Inside a
;; string only `"` and `\` matter (a chunk with neither is skipped whole); a `\` makes the next
;; byte plain, in this chunk or (carry) the next. Outside strings `{`/`[` count up and `}`/`]` down;
;; the scan ends just past the bracket that brings the depth back to 0. A chunk with no backslash
;; whose closing brackets cannot bring the depth to 0 is counted with popcnt (strings found by a
;; prefix XOR of its quotes); any other chunk is walked one marked byte at a time.
(module
  (memory (export "memory") 1)
  ;; skipContainer(start, n): the index just past the object or array that opens at `start`, or -1
  ;; when it does not close before `n`. The bytes are memory[0, n); memory[n, n + 16) must be zero.
  (func (export "skipContainer") (param $start i32) (param $n i32) (result i32)
    (local $i i32) (local $depth i32) (local $inStr i32) (local $carry i32)
    (local $v v128) (local $mq i32) (local $mb i32) (local $mo i32) (local $mc i32) (local $m i32)
    (local $p i32) (local $bit i32) (local $x i32) (local $co i32) (local $esc i32)
    (local.set $i (local.get $start))
    (block $done
      (loop $chunk
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $v (v128.load (local.get $i)))
        (local.set $mq (i8x16.bitmask (i8x16.eq (local.get $v) (v128.const i8x16 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22))))
        (local.set $mb (i8x16.bitmask (i8x16.eq (local.get $v) (v128.const i8x16 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c))))
        (local.set $m (i32.or (local.get $mq) (local.get $mb)))
        ;; The byte at i is escaped by a backslash that ended the last chunk ($esc keeps that for the chunk).
        (local.set $esc (local.get $carry))
        (if (local.get $carry)
          (then
            (local.set $carry (i32.const 0))
            (local.set $m (i32.and (local.get $m) (i32.const -2)))))
        (if (i32.and (local.get $inStr) (i32.eqz (local.get $m)))
          (then
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $chunk)))
        ;; `{` or `[` (0x7b, 0x5b: they differ in bit 0x20 only), `}` or `]` (0x7d, 0x5d).
        (local.set $mo (i8x16.bitmask (i8x16.eq (v128.or (local.get $v) (v128.const i8x16 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20)) (v128.const i8x16 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b))))
        (local.set $mc (i8x16.bitmask (i8x16.eq (v128.or (local.get $v) (v128.const i8x16 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20)) (v128.const i8x16 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d))))
        (local.set $m (i32.or (local.get $m) (i32.or (local.get $mo) (local.get $mc))))
        ;; The common chunk: no backslash (and none carried in), and the depth cannot reach 0 in it.
        ;; Then which bytes are inside strings is the prefix XOR of the quote mask (flipped when a
        ;; string is open at the chunk's start), and the chunk moves the depth by the brackets
        ;; outside strings, counted, not visited one by one.
        (if (i32.eqz (i32.or (local.get $mb) (local.get $esc)))
          (then
            (local.set $x (local.get $mq))
            (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 1))))
            (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 2))))
            (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 4))))
            (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 8))))
            (if (local.get $inStr) (then (local.set $x (i32.xor (local.get $x) (i32.const -1)))))
            ;; $x: 1 where a byte is inside a string; closes outside strings:
            (local.set $co (i32.popcnt (i32.and (local.get $mc) (i32.xor (local.get $x) (i32.const -1)))))
            (if (i32.gt_s (local.get $depth) (local.get $co))
              (then
                (local.set $depth (i32.sub (i32.add (local.get $depth) (i32.popcnt (i32.and (local.get $mo) (i32.xor (local.get $x) (i32.const -1))))) (local.get $co)))
                (local.set $inStr (i32.xor (local.get $inStr) (i32.and (i32.popcnt (local.get $mq)) (i32.const 1))))
                (local.set $i (i32.add (local.get $i) (i32.const 16)))
                (br $chunk)))))
        (block $bits
          (loop $next
            (br_if $bits (i32.eqz (local.get $m)))
            (local.set $p (i32.ctz (local.get $m)))
            (local.set $bit (i32.shl (i32.const 1) (local.get $p)))
            (local.set $m (i32.and (local.get $m) (i32.sub (local.get $m) (i32.const 1))))
            (if (local.get $inStr)
              (then
                (if (i32.and (local.get $bit) (local.get $mb))
                  (then
                    ;; A backslash: the next byte is escaped, in this chunk or the next.
                    (if (i32.eq (local.get $p) (i32.const 15))
                      (then (local.set $carry (i32.const 1)))
                      (else (local.set $m (i32.and (local.get $m) (i32.xor (i32.shl (local.get $bit) (i32.const 1)) (i32.const -1)))))))
                  (else
                    (if (i32.and (local.get $bit) (local.get $mq))
                      (then (local.set $inStr (i32.const 0)))))))
              (else
                (if (i32.and (local.get $bit) (local.get $mq))
                  (then (local.set $inStr (i32.const 1)))
                  (else
                    (if (i32.and (local.get $bit) (local.get $mo))
                      (then (local.set $depth (i32.add (local.get $depth) (i32.const 1))))
                      (else
                        (if (i32.and (local.get $bit) (local.get $mc))
                          (then
                            (local.set $depth (i32.sub (local.get $depth) (i32.const 1)))
                            (if (i32.eqz (local.get $depth))
                              (then (return (i32.add (i32.add (local.get $i) (local.get $p)) (i32.const 1)))))))))))))
            (br $next)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $chunk)))
    (i32.const -1))
)
