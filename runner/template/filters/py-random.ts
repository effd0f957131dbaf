// Python's random.Random(seed): MT19937 seeded as CPython does (an int, or a str via version 2:
// the text plus its SHA-512), with randrange and choice drawn the same way, so `x | random(seed=s)`
// picks what Ansible picks.
import { createHash } from 'node:crypto';

export class PyRandom {
  private readonly mt = new Uint32Array(624);
  private index = 625;

  constructor(seed: string | number) {
    let a: bigint;
    if (typeof seed === 'number') a = BigInt(Math.abs(Math.trunc(seed)));
    else {
      const bytes = Buffer.from(seed, 'utf8');
      a = BigInt(`0x${Buffer.concat([bytes, createHash('sha512').update(bytes).digest()]).toString('hex')}`);
    }
    const key: number[] = [];
    for (let x = a; x > 0n; x >>= 32n) key.push(Number(x & 0xffffffffn));
    this.initByArray(key.length ? key : [0]);
  }

  private initGenrand(s: number): void {
    this.mt[0] = s >>> 0;
    for (let i = 1; i < 624; i++) {
      const prev = this.mt[i - 1]! ^ (this.mt[i - 1]! >>> 30);
      this.mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.index = 624;
  }

  private initByArray(key: number[]): void {
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(624, key.length); k > 0; k--) {
      const prev = this.mt[i - 1]! ^ (this.mt[i - 1]! >>> 30);
      this.mt[i] = ((this.mt[i]! ^ Math.imul(prev, 1664525)) + key[j]! + j) >>> 0;
      i++;
      j++;
      if (i >= 624) {
        this.mt[0] = this.mt[623]!;
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = 623; k > 0; k--) {
      const prev = this.mt[i - 1]! ^ (this.mt[i - 1]! >>> 30);
      this.mt[i] = ((this.mt[i]! ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= 624) {
        this.mt[0] = this.mt[623]!;
        i = 1;
      }
    }
    this.mt[0] = 0x80000000;
  }

  private next32(): number {
    if (this.index >= 624) {
      for (let k = 0; k < 624; k++) {
        const y = (this.mt[k]! & 0x80000000) | (this.mt[(k + 1) % 624]! & 0x7fffffff);
        this.mt[k] = this.mt[(k + 397) % 624]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.index = 0;
    }
    let y = this.mt[this.index++]!;
    y ^= y >>> 11;
    y = (y ^ ((y << 7) & 0x9d2c5680)) >>> 0;
    y = (y ^ ((y << 15) & 0xefc60000)) >>> 0;
    return (y ^ (y >>> 18)) >>> 0;
  }

  /** getrandbits(k) for k ≤ 32, as _randbelow uses it. */
  private bits(k: number): number {
    return this.next32() >>> (32 - k);
  }

  randbelow(n: number): number {
    if (n <= 0) throw new Error('empty range for random');
    if (n > 2 ** 32) throw new Error('random with a seed supports ranges up to 2**32');
    const k = n.toString(2).length;
    let r = this.bits(k);
    while (r >= n) r = this.bits(k);
    return r;
  }

  randrange(start: number, stop: number, step: number): number {
    const width = stop - start;
    if (step === 1) return start + this.randbelow(width);
    const n = step > 0 ? Math.floor((width + step - 1) / step) : Math.floor((width + step + 1) / step);
    return start + step * this.randbelow(n);
  }

  choice<T>(seq: T[]): T {
    return seq[this.randbelow(seq.length)]!;
  }
}
