/** log(Σ exp(vᵢ)) without overflow: how e-values kept as logs are added. −∞ for no terms or all −∞. */
export function logSumExp(values: readonly number[]): number {
  const top = Math.max(...values);
  if (top === Number.NEGATIVE_INFINITY) return top;
  let sum = 0;
  for (const v of values) sum += Math.exp(v - top);
  return top + Math.log(sum);
}
