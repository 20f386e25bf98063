import { burnRate, formatBurnRate, type GoodBadCounts } from "./burn-rate";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The lookback windows the alert rules read, in ms. A window holds samples with intervalEnd > now − it. */
export const BURN_WINDOWS = {
  "5m": 5 * MINUTE,
  "30m": 30 * MINUTE,
  "1h": HOUR,
  "2h": 2 * HOUR,
  "6h": 6 * HOUR,
  "1d": 24 * HOUR,
  "3d": 72 * HOUR,
} as const;

export type BurnWindow = keyof typeof BURN_WINDOWS;
export const BURN_WINDOW_NAMES = Object.keys(BURN_WINDOWS) as BurnWindow[];

export type AlertSeverity = "page" | "ticket";

/** Fires when the burn rate is above `threshold` over both the long and the short window. */
export interface BurnRateRule {
  severity: AlertSeverity;
  threshold: number;
  long: BurnWindow;
  short: BurnWindow;
}

/**
 * The multiwindow, multi-burn-rate alerts of Google's SRE workbook (chapter 5) for a 30-day budget: the
 * long window says enough budget is gone to matter (2% in 1 h, 5% in 6 h, 10% in 1 d / 3 d), the short
 * one that it is still burning now, so an alert stops minutes after the cause does.
 */
export const BURN_RATE_RULES: readonly BurnRateRule[] = [
  { severity: "page", threshold: 14.4, long: "1h", short: "5m" },
  { severity: "page", threshold: 6, long: "6h", short: "30m" },
  { severity: "ticket", threshold: 3, long: "1d", short: "2h" },
  { severity: "ticket", threshold: 1, long: "3d", short: "6h" },
];

export type WindowCounts = Record<BurnWindow, GoodBadCounts>;

export interface RuleVerdict extends BurnRateRule {
  longBurnRate: number;
  shortBurnRate: number;
  /** Fires although the short window had no requests at all: see `evaluateBurnAlerts`. */
  heldWithoutData: boolean;
  firing: boolean;
}

export interface BurnAlert {
  /** The most severe firing rule's severity; null when none fires. */
  severity: AlertSeverity | null;
  rules: RuleVerdict[];
}

/**
 * `alerting` is the severity already raised. Its rules keep firing through a short window without any
 * requests while their long window still burns: no data is not a recovery (a metrics outage must not clear
 * a page), and the long window, draining, still ends the alert. Without data nothing is raised.
 */
export function evaluateBurnAlerts(
  counts: WindowCounts,
  objective: number,
  alerting: AlertSeverity | null = null,
): BurnAlert {
  const rules = BURN_RATE_RULES.map((rule) => {
    const longBurnRate = burnRate(counts[rule.long], objective);
    const shortBurnRate = burnRate(counts[rule.short], objective);
    const longBurning = longBurnRate > rule.threshold;
    const heldWithoutData = longBurning && rule.severity === alerting && counts[rule.short].total === 0;
    return {
      ...rule,
      longBurnRate,
      shortBurnRate,
      heldWithoutData,
      firing: (longBurning && shortBurnRate > rule.threshold) || heldWithoutData,
    };
  });
  const firing = rules.filter((r) => r.firing);
  const severity = firing.some((r) => r.severity === "page") ? "page" : firing.length > 0 ? "ticket" : null;
  return { severity, rules };
}

/** "1h burn rate 20.0 and 5m burn rate 25.3 both above 14.4". */
export function describeRule(rule: RuleVerdict): string {
  if (rule.heldWithoutData) {
    return (
      `${rule.long} burn rate ${formatBurnRate(rule.longBurnRate)} above ${rule.threshold} and ` +
      `no requests in the ${rule.short} window to show a recovery`
    );
  }
  return (
    `${rule.long} burn rate ${formatBurnRate(rule.longBurnRate)} and ` +
    `${rule.short} burn rate ${formatBurnRate(rule.shortBurnRate)} ` +
    `${rule.firing ? "both above" : "not both above"} ${rule.threshold}`
  );
}

/** The firing rules of a severity, described; empty when none fires. */
export function describeFiring(alert: BurnAlert, severity: AlertSeverity): string {
  return alert.rules
    .filter((r) => r.firing && r.severity === severity)
    .map(describeRule)
    .join("; ");
}
