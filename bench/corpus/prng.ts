/** Seeded randomness for the synthetic corpus: same seed, same corpus. */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** mulberry32: uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  logUniform(lo: number, hi: number): number {
    return Math.exp(this.uniform(Math.log(lo), Math.log(hi)));
  }

  int(lo: number, hiInclusive: number): number {
    return lo + Math.floor(this.next() * (hiInclusive - lo + 1));
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error("pick from empty list");
    return item;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }

  binomial(n: number, p: number): number {
    if (n <= 0 || p <= 0) return 0;
    if (p >= 1) return n;
    if (p > 0.5) return n - this.binomial(n, 1 - p);
    const mean = n * p;
    if (mean < 1e-9) return 0;
    if (mean < 25) {
      // waiting times between successes (geometric), exact and fast for small means
      const logQ = Math.log1p(-p);
      let k = 0;
      let position = 0;
      for (;;) {
        position += Math.floor(Math.log(1 - this.next()) / logQ) + 1;
        if (position > n) return k;
        k++;
      }
    }
    const x = Math.round(mean + Math.sqrt(mean * (1 - p)) * this.normal());
    return Math.min(n, Math.max(0, x));
  }

  /** Counts of n draws over categories with the given probabilities (sequential binomials). */
  multinomial(n: number, probabilities: readonly number[]): number[] {
    const out: number[] = [];
    let left = n;
    let mass = 1;
    for (let i = 0; i < probabilities.length; i++) {
      const p = probabilities[i] ?? 0;
      if (i === probabilities.length - 1) {
        out.push(left);
        break;
      }
      const k = mass > 0 ? this.binomial(left, Math.min(1, Math.max(0, p / mass))) : 0;
      out.push(k);
      left -= k;
      mass -= p;
    }
    return out;
  }
}
