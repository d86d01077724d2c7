/**
 * Seeded randomness. core never calls Math.random: every choice comes from an Rng made from the
 * collection's seed, so the same seed gives the same collection in Node, in a worker and in the browser.
 * sfc32 (PractRand-clean, 128-bit state) seeded through cyrb128 of the seed string.
 */
export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
}

function cyrb128(str: string): [number, number, number, number] {
  let h1 = 1779033703,
    h2 = 3144134277,
    h3 = 1013904242,
    h4 = 2773480762;
  for (let i = 0; i < str.length; i++) {
    const k = str.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** Makes an Rng from a seed string; `stream` separates independent sequences drawn from one seed. */
export function createRng(seed: string, stream = ""): Rng {
  let [a, b, c, d] = cyrb128(`${seed}\u0000${stream}`);
  const next32 = (): number => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 15; i++) next32();
  return {
    next: () => next32() / 4294967296,
    int: (n: number) => {
      if (n <= 0) throw new RangeError(`rng.int: n must be > 0, received ${n}`);
      // 53-bit float avoids the modulo bias of next32() % n for large n.
      return Math.floor(((next32() >>> 5) * 67108864 + (next32() >>> 6)) / 9007199254740992 * n);
    },
  };
}

/** Fisher-Yates shuffle in place. */
export function shuffleInPlace<T extends { length: number; [i: number]: unknown }>(arr: T, rng: Rng): T {
  for (let i = arr.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = arr[i];
    arr[i] = arr[j];
    arr[j] = tmp;
  }
  return arr;
}

/** A fresh seed for a run that was given none, printed so the run can be repeated. Not used by core itself. */
export function seedFromEntropy(random: () => number): string {
  const words = ["amber", "birch", "cobalt", "dune", "ember", "fjord", "garnet", "harbor", "indigo", "jade", "kelp", "lumen"];
  const w = (): string => words[Math.floor(random() * words.length)] ?? "amber";
  return `${w()}-${w()}-${Math.floor(random() * 1e6).toString().padStart(6, "0")}`;
}
