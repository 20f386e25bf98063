// Random counts for simulated traffic (the demo's simulator, the analysis corpus), from an injected
// uniform source in [0, 1) so that a seed repeats them exactly.

/** A standard normal draw (Box-Muller; 1 - u keeps log's argument in (0, 1]). */
export function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Poisson: exact (Knuth) up to a mean of 50, the normal approximation above. */
export function poisson(mean: number, random: () => number): number {
  if (mean <= 0) return 0;
  if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(random)));
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = random(); p > limit; p *= random()) k++;
  return k;
}

/**
 * Binomial, exact at every mean. A normal approximation is wrong in the tails the analysis is most
 * sensitive to: a rounded normal draw for a mean of 10 gives 0 about 30 times as often as the binomial
 * does, and for a mean of 30 it gives a count 4 SD low about 10 times as often. Such counts in one cohort
 * look like a regression in the other.
 */
export function binomial(n: number, p: number, random: () => number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomial(n, 1 - p, random);
  const mean = n * p;
  if (mean < 1e-9) return 0;
  if (mean < 25) {
    // The waiting times between successes are geometric: one draw per success, not one per trial.
    const logQ = Math.log1p(-p);
    let k = 0;
    for (let position = 0; ; k++) {
      position += Math.floor(Math.log(1 - random()) / logQ) + 1;
      if (position > n) return k;
    }
  }
  return binomialFromMode(n, p, random());
}

/**
 * Inversion outwards from the mode: subtract the probabilities of mode, mode+1, mode−1, mode+2, … from u
 * until it is spent. About 1.6 standard deviations of steps per draw.
 */
function binomialFromMode(n: number, p: number, u: number): number {
  const mode = Math.floor((n + 1) * p);
  const odds = p / (1 - p);
  let up = mode;
  let down = mode;
  let pUp = Math.exp(
    logFactorial(n) -
      logFactorial(mode) -
      logFactorial(n - mode) +
      mode * Math.log(p) +
      (n - mode) * Math.log1p(-p),
  );
  let pDown = pUp;
  let left = u - pUp;
  while (left > 0) {
    if (up < n) {
      pUp *= ((n - up) / (up + 1)) * odds;
      up++;
      left -= pUp;
      if (left <= 0) return up;
    }
    if (down > 0) {
      pDown *= down / (n - down + 1) / odds;
      down--;
      left -= pDown;
      if (left <= 0) return down;
    }
    // Both tails exhausted or underflowed: what is left of u is rounding error.
    if ((up >= n || pUp < 1e-300) && (down <= 0 || pDown < 1e-300)) return mode;
  }
  return mode;
}

/** log k!: exact sums below 20, Stirling's series above (error under 1e-12). */
function logFactorial(k: number): number {
  if (k < 20) {
    let sum = 0;
    for (let i = 2; i <= k; i++) sum += Math.log(i);
    return sum;
  }
  const x = k + 1;
  return (
    (x - 0.5) * Math.log(x) -
    x +
    0.5 * Math.log(2 * Math.PI) +
    1 / (12 * x) -
    1 / (360 * x ** 3) +
    1 / (1260 * x ** 5)
  );
}
