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
 * Binomial: exact while the mean is small (under 25), where the analysis's tests for rare events are most
 * sensitive to the shape of the tails; the normal approximation above. A rounded normal draw for a mean
 * of 10 gives 0 about 30 times as often as the binomial does, and such zeros in one cohort look like
 * a regression in the other.
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
  const draw = Math.round(mean + Math.sqrt(mean * (1 - p)) * gaussian(random));
  return Math.min(n, Math.max(0, draw));
}
