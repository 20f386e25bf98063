import { binomial, gaussian, poisson } from "../../server/metrics/random-counts";

/** Seeded randomness for the synthetic corpus: same seed, same corpus. */
export class Prng {
  private state: number;
  private readonly uniformSource = () => this.next();

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
    return gaussian(this.uniformSource);
  }

  poisson(mean: number): number {
    return poisson(mean, this.uniformSource);
  }

  binomial(n: number, p: number): number {
    return binomial(n, p, this.uniformSource);
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
