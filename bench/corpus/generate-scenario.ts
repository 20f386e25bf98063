/**
 * One synthetic scenario with known ground truth, in the analysis-scenario file format. Modelled on the
 * shared examples' generating parameters (ANSWERS.jsonl): Poisson traffic split by weight, log-normal
 * latency with per-interval shocks shared by both cohorts, optionally overdispersed error rates, and the
 * variants plain / incident / coldstart / smalldiff (good) and error-rate / latency-shift / latency-tail /
 * conversion / combo (bad), with optional onset, ramp and missing data.
 */
import { normalCdf } from "../../server/domain/analysis/normal-distribution";
import type { Prng } from "./prng";

export const BUCKETS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000];

export type Regression =
  | { metric: "error-rate"; add?: number; factor?: number; sizeBin: SizeBin }
  | { metric: "latency-shift"; factor: number; sizeBin: SizeBin }
  | { metric: "latency-tail"; p99factor: number; sizeBin: SizeBin; tailShare: number; tailFactor: number }
  | { metric: "conversion"; drop: number; sizeBin: SizeBin };
export type SizeBin = "small" | "medium" | "large";

export interface Truth {
  file: string;
  kind: "good" | "bad";
  variant: string;
  gap: boolean;
  canaryMissingFraction: number;
  weightPercent: number;
  holdSeconds: number;
  trafficPerInterval: number;
  onsetSeconds?: number;
  rampSeconds?: number;
  regressions?: Regression[];
  zMax?: number;
  detectable?: boolean;
  /**
   * Bad releases only: whether some regression reaches the default gates' margins (default-gates.ts). One
   * below every margin is, by the product's own definition, not something to fail; it should not be
   * promoted either, but can only be told from a good release with far more data than a hold has.
   */
  pastMargin?: boolean;
  identicalCohorts: boolean;
  baselineErrorRate: number;
  baselineConversion?: number;
  latencyMedianMs: number;
  latencySigma: number;
}

/** The canary's stated requests per interval (the "small canaries" are under ~100). */
export function canaryRequestsPerInterval(truth: Truth): number {
  return (truth.trafficPerInterval * truth.weightPercent) / 100;
}

/** Default gate margins (default-gates.ts), restated so the corpus labels do not depend on the evaluator. */
function reachesMargin(r: Regression, baseErr: number, baseConv: number, median: number): boolean {
  switch (r.metric) {
    case "error-rate": {
      const delta = r.add !== undefined ? r.add : baseErr * ((r.factor ?? 1) - 1);
      return delta >= 0.0007 && delta >= 0.25 * baseErr;
    }
    case "conversion":
      return r.drop >= 0.08 && baseConv * r.drop >= 0.002;
    case "latency-shift":
      return r.factor >= 1.12 && median * (r.factor - 1) >= 2;
    case "latency-tail":
      return r.p99factor >= 1.2;
  }
}

export interface ScenarioFile {
  format: string;
  name: string;
  intervalSeconds: number;
  canaryWeightPercent: number;
  holdSeconds: number;
  samples: {
    t: number;
    cohort: "baseline" | "canary";
    requests: number;
    errors: number;
    latencyMs: { buckets: number[]; counts: number[] };
    conversions?: { successes: number; trials: number };
  }[];
}

interface Component {
  weight: number;
  mu: number;
  sigma: number;
}

function bucketProbabilities(components: readonly Component[]): number[] {
  const cdf = (x: number) =>
    components.reduce((s, c) => s + c.weight * normalCdf((Math.log(x) - c.mu) / c.sigma), 0);
  const probs: number[] = [];
  let previous = 0;
  for (const b of BUCKETS) {
    const v = cdf(b);
    probs.push(Math.max(0, v - previous));
    previous = v;
  }
  probs.push(Math.max(0, 1 - previous));
  return probs;
}

const SERVICES = [
  "checkout",
  "cart",
  "auth",
  "search",
  "catalog",
  "ledger",
  "payments",
  "profile",
  "media",
  "gateway",
];

/** The generator's priors, exported for the ceiling bench (analysis-ceiling.ts), which scores with them. */
export const PRIORS = {
  errorAdd: { small: [0.002, 0.006], medium: [0.006, 0.02], large: [0.02, 0.06] },
  errorFactor: { small: [1.5, 2.5], medium: [2.5, 5], large: [5, 12] },
  conversionDrop: { small: [0.08, 0.15], medium: [0.15, 0.3], large: [0.3, 0.5] },
  /** A good "smalldiff" canary: error ratio, conversion drop (latency factor 1.0–1.04). */
  smallErrorRatio: [1.0, 1.1],
  smallConversionDrop: [0, 0.02],
  /** A good release's kind, drawn uniformly from this list. */
  goodVariants: ["plain", "plain", "incident", "coldstart", "smalldiff"],
  /** A bad release's onset: at the start with this chance, else at a whole interval up to this share of the hold. */
  onsetAtStart: 0.5,
  latestOnsetShare: 0.6,
} as const;

function sizeBin(rng: Prng): SizeBin {
  return rng.pick(["small", "medium", "large"] as const);
}

function makeRegression(
  rng: Prng,
  metric: "error-rate" | "latency-shift" | "latency-tail" | "conversion",
  sigma: number,
): Regression {
  const bin = sizeBin(rng);
  const pickIn = (ranges: Record<SizeBin, readonly [number, number]>) =>
    rng.uniform(ranges[bin][0], ranges[bin][1]);
  switch (metric) {
    case "error-rate":
      if (rng.chance(0.5)) {
        return {
          metric,
          add: pickIn(PRIORS.errorAdd),
          sizeBin: bin,
        };
      }
      return {
        metric,
        factor: pickIn(PRIORS.errorFactor),
        sizeBin: bin,
      };
    case "latency-shift":
      return {
        metric,
        factor: pickIn({ small: [1.12, 1.3], medium: [1.3, 1.55], large: [1.55, 2.2] }),
        sizeBin: bin,
      };
    case "latency-tail": {
      const p99factor = pickIn({ small: [1.3, 1.7], medium: [1.7, 2.2], large: [2.2, 3.2] });
      const tailShare = rng.uniform(0.03, 0.12);
      return {
        metric,
        p99factor,
        sizeBin: bin,
        tailShare,
        tailFactor: tailFactorFor(p99factor, tailShare, sigma),
      };
    }
    case "conversion":
      return {
        metric,
        drop: pickIn(PRIORS.conversionDrop),
        sizeBin: bin,
      };
  }
}

/** Slow-down of the tail share that moves the p99 by p99factor (log-scale, median 1). */
function tailFactorFor(p99factor: number, share: number, sigma: number): number {
  const x = Math.log(p99factor) + 2.326 * sigma; // target p99 in log units relative to the median
  const above = (mu: number) => 1 - normalCdf((x - mu) / sigma);
  const needed = (0.01 - (1 - share) * above(0)) / share;
  if (needed <= 0) return 1;
  let lo = 0;
  let hi = 10;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (above(mid) < needed) lo = mid;
    else hi = mid;
  }
  return Math.exp((lo + hi) / 2);
}

function pooledZ(p0: number, p1: number, nc: number, nb: number): number {
  if (nc <= 0 || nb <= 0) return 0;
  const pooled = (p0 * nb + p1 * nc) / (nb + nc);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / nc + 1 / nb));
  return se > 0 ? Math.abs(p1 - p0) / se : 0;
}

export function generateScenario(
  rng: Prng,
  index: number,
  forceKind?: "good" | "bad",
): { scenario: ScenarioFile; truth: Truth } {
  const interval = 30;
  const kind = forceKind ?? (rng.chance(0.45) ? "good" : "bad");
  const weight = rng.pick([1, 5, 10, 25, 50]);
  const traffic = Math.round(rng.logUniform(200, 30000));
  const realized = rng.logUniform(0.75, 1.3);
  const holdIntervals = rng.int(20, 60);
  const hold = holdIntervals * interval;
  const baseErr = rng.logUniform(0.0001, 0.03);
  const median = rng.logUniform(25, 260);
  const sigma = rng.uniform(0.4, 1.0);
  const hasConv = rng.chance(0.6);
  const baseConv = rng.uniform(0.02, 0.15);
  const trialRate = rng.uniform(0.18, 0.3); // the examples show 0.205–0.296 of requests
  const errShock = rng.chance(0.25) ? rng.uniform(0.2, 0.7) : 0;
  const latShock = rng.uniform(0.01, 0.05);
  const drift = rng.uniform(-0.2, 0.2);

  let variant: string;
  const regressions: Regression[] = [];
  let onset = 0;
  let ramp = 0;
  let incident: { from: number; to: number; err: number; lat: number } | null = null;
  let cold: { intervals: number; lat: number; err: number } | null = null;
  let small: { lat: number; err: number; conv: number } | null = null;
  if (kind === "good") {
    variant = rng.pick(PRIORS.goodVariants);
    if (variant === "incident") {
      const from = interval * rng.int(2, Math.max(3, holdIntervals - 6));
      incident = {
        from,
        to: from + interval * rng.int(2, 8),
        err: rng.uniform(0.02, 0.1),
        lat: rng.uniform(1.8, 4),
      };
    } else if (variant === "coldstart") {
      cold = { intervals: 1, lat: rng.uniform(1.8, 3.2), err: rng.uniform(1, 4) };
    } else if (variant === "smalldiff") {
      small = {
        lat: rng.uniform(1.0, 1.04),
        err: rng.uniform(...PRIORS.smallErrorRatio),
        conv: rng.uniform(...PRIORS.smallConversionDrop),
      };
    }
  } else {
    const metrics = [
      "error-rate",
      "latency-shift",
      "latency-tail",
      ...(hasConv ? ["conversion"] : []),
      "combo",
    ] as const;
    variant = rng.pick(metrics);
    if (variant === "combo") {
      const pool: ("error-rate" | "latency-shift" | "latency-tail" | "conversion")[] = [
        "error-rate",
        "latency-shift",
        "latency-tail",
      ];
      if (hasConv) pool.push("conversion");
      const first = rng.pick(pool);
      const second = rng.pick(
        pool.filter((m) => m !== first && !(m.startsWith("latency") && first.startsWith("latency"))),
      );
      regressions.push(makeRegression(rng, first, sigma), makeRegression(rng, second, sigma));
    } else {
      regressions.push(
        makeRegression(rng, variant as "error-rate" | "latency-shift" | "latency-tail" | "conversion", sigma),
      );
    }
    onset = rng.chance(PRIORS.onsetAtStart)
      ? 0
      : interval * rng.int(1, Math.floor(holdIntervals * PRIORS.latestOnsetShare));
    if (rng.chance(0.3)) ramp = interval * rng.int(2, 8);
  }

  // Missing data: canary (and sometimes baseline) absent for a block, or the recording ends early.
  const gap = rng.chance(0.15);
  const canaryMissing = new Set<number>();
  const baselineMissing = new Set<number>();
  let lastInterval = holdIntervals;
  if (gap) {
    const share = rng.uniform(0.1, 0.7);
    const n = Math.max(1, Math.round(share * holdIntervals));
    const style = rng.pick(["tail", "block", "truncate"] as const);
    if (style === "truncate") {
      lastInterval = Math.max(2, holdIntervals - n);
    } else {
      const start = style === "tail" ? holdIntervals - n + 1 : rng.int(2, Math.max(2, holdIntervals - n + 1));
      for (let i = start; i < start + n && i <= holdIntervals; i++) canaryMissing.add(i);
      if (rng.chance(0.5)) {
        const bn = Math.floor(n * rng.uniform(0.2, 0.6));
        for (let i = start; i < start + bn; i++) baselineMissing.add(i);
      }
    }
  }

  const samples: ScenarioFile["samples"] = [];
  let ncPost = 0;
  let nbPost = 0;
  let tcPost = 0;
  let tbPost = 0;
  let canaryPresent = 0;
  for (let i = 1; i <= lastInterval; i++) {
    const t = i * interval;
    const progress = i / holdIntervals;
    const total = rng.poisson(traffic * realized * (1 + drift * (progress - 0.5)));
    const nc = rng.binomial(total, weight / 100);
    const nb = total - nc;
    const errMult = errShock > 0 ? Math.exp(errShock * rng.normal() - (errShock * errShock) / 2) : 1;
    const latMult = Math.exp(latShock * rng.normal());
    const inIncident = incident !== null && t > incident.from && t <= incident.to;
    const a = t <= onset ? 0 : ramp > 0 ? Math.min(1, (t - onset) / ramp) : 1;

    for (const cohort of ["baseline", "canary"] as const) {
      if (cohort === "canary" ? canaryMissing.has(i) : baselineMissing.has(i)) continue;
      const n = cohort === "canary" ? nc : nb;
      let err = baseErr * errMult;
      let mu = Math.log(median * latMult);
      let conv = baseConv;
      let tail: Component | null = null;
      if (inIncident && incident) {
        err += incident.err;
        mu += Math.log(incident.lat);
      }
      if (cohort === "canary") {
        if (cold && i <= cold.intervals) {
          mu += Math.log(cold.lat);
          err *= cold.err;
        }
        if (small) {
          mu += Math.log(small.lat);
          err *= small.err;
          conv *= 1 - small.conv;
        }
        for (const r of regressions) {
          if (a === 0) continue;
          if (r.metric === "error-rate")
            err = r.add !== undefined ? err + a * r.add : err * (1 + a * ((r.factor ?? 1) - 1));
          if (r.metric === "latency-shift") mu += a * Math.log(r.factor);
          if (r.metric === "conversion") conv *= 1 - a * r.drop;
          if (r.metric === "latency-tail")
            tail = { weight: a * r.tailShare, mu: mu + Math.log(r.tailFactor), sigma };
        }
      }
      const components: Component[] = tail
        ? [{ weight: 1 - tail.weight, mu, sigma }, tail]
        : [{ weight: 1, mu, sigma }];
      const counts = rng.multinomial(n, bucketProbabilities(components));
      const sample: ScenarioFile["samples"][number] = {
        t,
        cohort,
        requests: n,
        errors: rng.binomial(n, Math.min(1, err)),
        latencyMs: { buckets: BUCKETS, counts },
      };
      if (hasConv) {
        const trials = rng.binomial(n, trialRate);
        sample.conversions = { successes: rng.binomial(trials, Math.min(1, conv)), trials };
      }
      samples.push(sample);
      if (cohort === "canary") canaryPresent++;
      if (t > onset && !canaryMissing.has(i) && !baselineMissing.has(i)) {
        if (cohort === "canary") {
          ncPost += n;
          tcPost += sample.conversions?.trials ?? 0;
        } else {
          nbPost += n;
          tbPost += sample.conversions?.trials ?? 0;
        }
      }
    }
  }

  // Expected z by the end of the hold, as the examples' generator reports it (pooled two-proportion z on
  // the expected rates and the realized counts; latency by its effect in standard deviations).
  let zMax = 0;
  for (const r of regressions) {
    let z = 0;
    if (r.metric === "error-rate") {
      const p1 = r.add !== undefined ? baseErr + r.add : baseErr * (r.factor ?? 1);
      z = pooledZ(baseErr, Math.min(1, p1), ncPost, nbPost);
    } else if (r.metric === "conversion") {
      z = pooledZ(baseConv, baseConv * (1 - r.drop), tcPost, tbPost);
    } else if (r.metric === "latency-shift") {
      const h = ncPost + nbPost > 0 ? Math.sqrt((ncPost * nbPost) / (ncPost + nbPost)) : 0;
      z = 0.76 * (Math.log(r.factor) / sigma) * h;
    } else {
      const above =
        (1 - r.tailShare) * 0.01 +
        r.tailShare * (1 - normalCdf((2.326 * sigma - Math.log(r.tailFactor)) / sigma));
      z = pooledZ(0.01, above, ncPost, nbPost);
    }
    zMax = Math.max(zMax, z);
  }

  const name = `${rng.pick(SERVICES)} ${rng.int(1, 5)}.${rng.int(0, 30)}.${rng.int(0, 9)}, ${weight}% canary`;
  const file = `g${String(index).padStart(5, "0")}.json`;
  const truth: Truth = {
    file,
    kind,
    variant,
    gap,
    canaryMissingFraction: 1 - canaryPresent / holdIntervals,
    weightPercent: weight,
    holdSeconds: hold,
    trafficPerInterval: traffic,
    identicalCohorts: kind === "good" && variant === "plain",
    baselineErrorRate: baseErr,
    latencyMedianMs: median,
    latencySigma: sigma,
  };
  if (hasConv) truth.baselineConversion = baseConv;
  if (kind === "bad") {
    truth.onsetSeconds = onset;
    truth.rampSeconds = ramp;
    truth.regressions = regressions;
    truth.zMax = Math.round(zMax * 100) / 100;
    truth.detectable = zMax >= 3;
    truth.pastMargin = regressions.some((r) => reachesMargin(r, baseErr, baseConv, median));
  }
  return {
    scenario: {
      format: "sluice-analysis-scenario/v1",
      name,
      intervalSeconds: interval,
      canaryWeightPercent: weight,
      holdSeconds: hold,
      samples,
    },
    truth,
  };
}
